"""Helpers for tests that run dbt themselves: land the demo sources into raw, run dbt in a subprocess with its own
target folder, list models from the manifest, and compare tables across builds and engines."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt"
DBT = str(Path(sys.executable).parent / "dbt")


def land_raw(sources: Path, db: Path) -> None:
    """Extract the demo sources (CRM export files, ERP SQLite, carrier files, survey exports) into raw.*."""
    from ingestion.crm.files import extract as extract_crm
    from ingestion.erp.extract import extract as extract_erp
    from ingestion.logistics.extract import extract as extract_logistics
    from ingestion.surveys.extract import extract as extract_surveys

    with duckdb.connect(str(db)) as conn:
        extract_crm(conn, sources / "crm")
        extract_erp(conn, f"sqlite:///{sources / 'erp' / 'erp.sqlite'}")
        extract_logistics(conn, sources / "logistics" / "inbox")
        extract_surveys(conn, sources / "surveys")


def run_dbt(args: Sequence[str], target_path: Path, env: dict[str, str]) -> None:
    """One dbt command against the project, with its own target and log folders; fails with dbt's output."""
    cmd = [
        DBT,
        *args,
        "--project-dir",
        str(DBT_DIR),
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
    ]
    proc = subprocess.run(
        cmd, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        raise AssertionError(f"dbt {' '.join(args)} failed:\n" + "\n".join(lines[-60:]))


def dbt_show(sql: str, work: Path, env: dict[str, str]) -> str:
    """`dbt show --inline sql` with its own target and log folders under `work` and `env` over the environment
    (CQM_DUCKDB_PATH defaults to a file in `work`); dbt's printed output, or fails with it."""
    proc = subprocess.run(
        [
            DBT,
            "show",
            "--inline",
            sql,
            "--output",
            "json",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        env={**os.environ, "CQM_DUCKDB_PATH": str(work / "cqm.duckdb"), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    return proc.stdout


def models(
    target_path: Path, *, schema: str | None = None, materialized: str | None = None
) -> list[str]:
    """Model names from the manifest dbt wrote, filtered by custom schema and/or materialization."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != "cqm":
            continue
        cfg = node["config"]
        if schema is not None and cfg.get("schema") != schema:
            continue
        if materialized is not None and cfg.get("materialized") != materialized:
            continue
        out.append(str(node["name"]))
    return sorted(out)


def model_config(target_path: Path, name: str) -> dict[str, Any]:
    """The resolved config of one model of this project, from the manifest dbt wrote."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    config: dict[str, Any] = manifest["nodes"][f"model.cqm.{name}"]["config"]
    return config


def _norm(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.astimezone(UTC)
    return v


def _is_float(v: Any) -> bool:
    return isinstance(v, float)


def assert_same_rows(
    name: str,
    columns: Sequence[str],
    left: list[tuple[Any, ...]],
    right: list[tuple[Any, ...]],
    rel_tol: float = 1e-9,
) -> None:
    """Same rows in any order: exact for keys, counts, text, dates and booleans; doubles within rel_tol (and abs 1e-9).

    Rows are matched by their non-double columns (the row keys); ties are ordered by the doubles."""
    assert len(left) == len(right), f"{name}: {len(left)} rows vs {len(right)}"
    lrows = [tuple(_norm(v) for v in r) for r in left]
    rrows = [tuple(_norm(v) for v in r) for r in right]
    float_cols = {i for i in range(len(columns)) if any(_is_float(r[i]) for r in lrows + rrows)}

    def sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        keys = tuple(
            (row[i] is None, str(row[i])) for i in range(len(columns)) if i not in float_cols
        )
        floats = tuple(
            (row[i] is None, round(row[i], 6) if row[i] is not None else 0.0)
            for i in sorted(float_cols)
        )
        return keys + floats

    for lr, rr in zip(sorted(lrows, key=sort_key), sorted(rrows, key=sort_key), strict=True):
        for i, col in enumerate(columns):
            a, b = lr[i], rr[i]
            if i in float_cols and a is not None and b is not None:
                ok = (math.isnan(a) and math.isnan(b)) or math.isclose(
                    a, b, rel_tol=rel_tol, abs_tol=1e-9
                )
            else:
                ok = a == b
            assert ok, f"{name}.{col}: {a!r} vs {b!r} in row {lr}"
