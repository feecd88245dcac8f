"""Sensors: ingest carrier files and survey exports as soon as new or changed files land."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from dagster_project.resources import FolderSource

ingest_files = dg.define_asset_job(
    "ingest_files",
    selection=dg.AssetSelection.groups("raw_logistics", "raw_surveys"),
    description="Land new carrier event files and survey exports into raw.",
)


def fingerprints(folder: Path, pattern: str = "*.csv") -> dict[str, str]:
    """File name -> size and modification time, for the files now in a folder (none if missing)."""
    if not folder.is_dir():
        return {}
    out = {}
    for p in sorted(folder.glob(pattern)):
        st = p.stat()
        out[p.name] = f"{st.st_size}:{st.st_mtime_ns}"
    return out


@dg.sensor(
    job=ingest_files,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Materializes logistics and survey ingestion when files land or change.",
)
def new_files_sensor(
    context: dg.SensorEvaluationContext,
    logistics_inbox: FolderSource,
    survey_exports: FolderSource,
) -> dg.SensorResult | dg.SkipReason:
    seen = json.loads(context.cursor) if context.cursor else {}
    now = {
        "logistics": fingerprints(Path(logistics_inbox.path)) if logistics_inbox.path else {},
        # a survey API (kind rest) has no folder to watch: the daily schedule reads it
        "surveys": fingerprints(Path(survey_exports.path)) if survey_exports.path else {},
    }
    changed = {
        source: sorted(n for n, fp in files.items() if seen.get(source, {}).get(n) != fp)
        for source, files in now.items()
    }
    if not any(changed.values()):
        return dg.SkipReason("no new or changed files")
    key = hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16]
    tags = {f"cqm/new_{s}_files": str(len(v)) for s, v in changed.items()}
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=key, tags=tags)],
        cursor=json.dumps(now, sort_keys=True),
    )


SENSORS = [new_files_sensor]
JOBS = [ingest_files]
