"""Required columns of the tables are not-null constraints of their contracts, enforced as the table is written.

A not-null data test costs a dbt node, a query and a Dagster asset check per column on every run; the
constraint costs nothing extra on the write the model does anyway, and a null can never reach the table. These
tests show the adapter really declares them, and that a null fails the model's build, names the column, and
leaves the table as it was.

The incremental facts keep not-null *tests*: a row whose parent lands in a later batch (an order line before
its header) is built with nulls and completed by the next build, which the constraint would refuse; the test
still stops publication while the row is incomplete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.helpers import DBT_DIR, run_dbt


def _required_columns() -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> the columns its contract declares not null, from the project's manifest."""
    manifest = json.loads((DBT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    out: dict[tuple[str, str], set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        cols = {
            name
            for name, col in node["columns"].items()
            if any(c.get("type") == "not_null" for c in col.get("constraints") or [])
        }
        if cols:
            out[(node["config"]["schema"], node["name"])] = cols
    return out


def test_every_table_with_a_contract_declares_its_required_columns() -> None:
    manifest = json.loads((DBT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    required = _required_columns()
    tables = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"]["materialized"] == "table"
    ]
    assert tables and all(n["config"]["contract"]["enforced"] for n in tables)
    # keys at least: every table's first column (its key or grain) is required
    missing = [
        n["name"]
        for n in tables
        if next(iter(n["columns"])) not in required.get((n["config"]["schema"], n["name"]), set())
    ]
    assert not missing, f"tables whose first column is not declared not null: {missing}"
    # a not-null data test on a table column would run the same rule twice
    doubled = [
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        and (n.get("test_metadata") or {}).get("name") == "not_null"
        and manifest["nodes"][n["attached_node"]]["config"]["materialized"] == "table"
    ]
    assert not doubled, f"not_null tests on tables (use the contract's constraint): {doubled}"


def test_built_tables_enforce_the_declared_not_null_columns(pipeline_home: Path) -> None:
    required = _required_columns()
    build = pipeline_home / "warehouse" / "cqm.duckdb"
    with duckdb.connect(str(build), read_only=True) as conn:
        rows = conn.execute(
            "select table_schema, table_name, column_name, is_nullable from information_schema.columns"
        ).fetchall()
    nullable = {(s, t, c): n == "YES" for s, t, c, n in rows}
    checked = 0
    for (schema, table), cols in required.items():
        for col in cols:
            assert nullable.get((schema, table, col)) is False, (
                f"{schema}.{table}.{col} accepts nulls"
            )
            checked += 1
    assert checked >= 250


def test_a_null_in_a_required_column_fails_the_model_and_keeps_the_table(
    pipeline_home: Path, tmp_path: Path
) -> None:
    build = tmp_path / "cqm.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", build)
    with duckdb.connect(str(build)) as conn:
        before = conn.execute("select count(*) from marts.dim_production_line").fetchone()
        # a material that has a production line loses its plant: plant_id is required in dim_production_line
        conn.execute(
            "update raw.erp_mara set werks = null "
            "where matnr = (select min(matnr) from raw.erp_mara where line is not null)"
        )
    with pytest.raises(AssertionError) as failed:
        run_dbt(
            ["run", "--select", "dim_production_line"],
            tmp_path / "target",
            {"CQM_DUCKDB_PATH": str(build)},
        )
    message = str(failed.value)
    assert "dim_production_line" in message and "plant_id" in message, message
    assert "NOT NULL constraint failed" in message, message
    with duckdb.connect(str(build), read_only=True) as conn:
        assert conn.execute("select count(*) from marts.dim_production_line").fetchone() == before
        assert not conn.execute(
            "select count(*) from marts.dim_production_line where plant_id is null"
        ).fetchone()[0]
