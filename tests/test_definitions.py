"""The Dagster definitions load, and their asset and check keys are an API: they are snapshotted."""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_keys.txt"


def _keys() -> list[str]:
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    assets = sorted(k.to_user_string() for k in graph.get_all_asset_keys())
    checks = sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    return [f"asset {a}" for a in assets] + [f"check {c}" for c in checks]


def test_definitions_load_and_keys_match_snapshot() -> None:
    keys = _keys()
    if os.environ.get("CQM_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text("\n".join(keys) + "\n", encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    assert keys == expected, (
        "asset/check keys changed; if intended, rerun with CQM_UPDATE_SNAPSHOTS=1"
    )


def test_every_job_resolves() -> None:
    from dagster_project.definitions import defs

    job = defs.resolve_job_def("materialize_all")
    assert job.executor_def.name == "in_process"


def test_every_landed_table_has_a_staging_model_and_a_gx_suite_per_source() -> None:
    from expectations.suites import SUITES
    from ingestion.common.contract import CONTRACTS_DIR, contracts_for

    manifest = json.loads(
        (Path(__file__).parents[1] / "dbt" / "target" / "manifest.json").read_text()
    )
    staged_sources = {
        dep.split(".")[-1]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"].startswith("stg_")
        for dep in node["depends_on"]["nodes"]
        if dep.startswith("source.")
    }
    sources = sorted(p.name for p in CONTRACTS_DIR.iterdir() if p.is_dir())
    for source in sources:
        tables = [c.table for c in contracts_for(source)]
        assert set(tables) <= staged_sources, (
            f"raw tables without a staging model: {set(tables) - staged_sources}"
        )
        assert any(s.schema == "raw" and s.table in tables for s in SUITES.values()), (
            f"no GX suite for {source}"
        )


def test_dbt_tests_are_asset_checks() -> None:
    keys = _keys()
    assert any(k.startswith("check marts/fct_shipments:") for k in keys)
    assert any(":gx_raw_crm_cases" in k for k in keys)
