"""A key's presence and uniqueness are one data test, `unique_and_not_null`: on a column or, for a compound key,
on the model. It fails on a missing or a repeated key, its name carries the key's columns, and its rows are the
offending keys with what is wrong with each and how many rows carry it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.dbt.helpers import DBT_DIR, run_dbt

COMPOUND = "unique_and_not_null_stg_erp__batches_product_id__batch_id"
SINGLE = "unique_and_not_null_stg_erp__materials_product_id"


def _tests() -> list[dict[str, Any]]:
    manifest = json.loads((DBT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]


def _kind(test: dict[str, Any]) -> str | None:
    return (test.get("test_metadata") or {}).get("name")


def _key_tests() -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in _tests() if _kind(n) == "unique_and_not_null"}


def test_no_key_is_tested_twice() -> None:
    keys = _key_tests()
    assert {COMPOUND, SINGLE} <= set(keys)
    keyed = {
        (n["attached_node"], column)
        for n in keys.values()
        for column in n["test_metadata"]["kwargs"].get("columns") or [n["column_name"]]
    }
    # a unique or not-null test beside unique_and_not_null on the same column runs a rule twice
    doubled = sorted(
        n["name"]
        for n in _tests()
        if _kind(n) in ("unique", "not_null") and (n["attached_node"], n["column_name"]) in keyed
    )
    assert not doubled, doubled


def _plant(conn: duckdb.DuckDBPyConnection, view: str, missing: str) -> None:
    """Turn staging.`view` into a table holding its first row twice and a copy of that row without `missing`."""
    conn.execute(f"create table staging.planted as select * from staging.{view}")
    conn.execute(f"drop view staging.{view}")
    conn.execute(f"alter table staging.planted rename to {view}")
    first = f"from staging.{view} order by all limit 1"
    conn.execute(f"insert into staging.{view} select * {first}")
    conn.execute(f"insert into staging.{view} select * replace (null as {missing}) {first}")


def test_a_missing_and_a_repeated_key_fail_the_test_and_are_its_rows(
    pipeline_home: Path, tmp_path: Path
) -> None:
    build = tmp_path / "cqm.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", build)
    with duckdb.connect(str(build)) as conn:
        batch = conn.execute(
            "select product_id, batch_id from staging.stg_erp__batches order by all limit 1"
        ).fetchone()
        material = conn.execute(
            "select product_id from staging.stg_erp__materials order by all limit 1"
        ).fetchone()
        _plant(conn, "stg_erp__batches", "batch_id")
        _plant(conn, "stg_erp__materials", "product_id")
    target = tmp_path / "target"
    with pytest.raises(AssertionError) as failed:
        run_dbt(["test", "--select", COMPOUND, SINGLE], target, {"CQM_DUCKDB_PATH": str(build)})
    message = str(failed.value)
    assert f"Failure in test {COMPOUND}" in message, message
    assert f"Failure in test {SINGLE}" in message, message
    assert message.count("Got 2 results") == 2, message

    tests = _key_tests()
    rows = {}
    with duckdb.connect(str(build), read_only=True) as conn:
        for name in (COMPOUND, SINGLE):
            path = (
                target / "compiled" / "cqm" / str(tests[name]["original_file_path"]) / f"{name}.sql"
            )
            rows[name] = sorted(conn.execute(path.read_text(encoding="utf-8")).fetchall(), key=str)
    assert batch is not None and material is not None
    assert rows[COMPOUND] == sorted(
        [(*batch, "repeated", 2), (batch[0], None, "missing", 1)], key=str
    )
    assert rows[SINGLE] == sorted([(material[0], "repeated", 2), (None, "missing", 1)], key=str)
