"""dbt's unit tests (SQL logic on fixtures) run here, with the test suite: the pipeline's dbt build leaves them out,
since they check the code, not the data a run brings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.dbt.helpers import DBT_DIR, run_dbt


def test_every_unit_test_passes_on_duckdb(pipeline_home: Path, tmp_path: Path) -> None:
    manifest = json.loads((DBT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    declared = set(manifest.get("unit_tests", {}))
    assert len(declared) >= 10
    build = tmp_path / "cqm.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", build)
    target = tmp_path / "target"
    run_dbt(["test", "--select", "test_type:unit"], target, {"CQM_DUCKDB_PATH": str(build)})
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    ran = {r["unique_id"]: r["status"] for r in results}
    assert set(ran) == declared
    assert set(ran.values()) == {"pass"}


def test_the_pipeline_leaves_unit_tests_out(pipeline_home: Path) -> None:
    results = json.loads(
        (pipeline_home / "warehouse" / "dbt_target" / "run_results.json").read_text(
            encoding="utf-8"
        )
    )["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert "unit_test" not in kinds and {"model", "test", "seed", "snapshot"} <= kinds
