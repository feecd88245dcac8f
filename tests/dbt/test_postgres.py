"""The same dbt project builds on PostgreSQL (dbt-postgres, a throwaway cluster on 127.0.0.1) from the same raw
data, and every reporting mart equals DuckDB's: same row keys, exact counts and integers, doubles within 1e-9.
The reporting models are read from the manifest, so new ones are compared too. In CI this runs, never skips."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import duckdb
import psycopg

from tests.dbt.helpers import assert_same_rows, models, run_dbt
from tests.pg import copy_schema_to_postgres


def test_postgres_build_equals_duckdb(pipeline_home: Path, pg_url: str, tmp_path: Path) -> None:
    warehouse = pipeline_home / "warehouse"
    with duckdb.connect(str(warehouse / "cqm.duckdb"), read_only=True) as build:
        counts = copy_schema_to_postgres(build, pg_url, "raw")
    assert counts["erp_vbap"] > 0 and counts["surveys_responses"] > 0
    url = urlparse(pg_url)
    env = {
        "CQM_DBT_TARGET": "postgres",
        "CQM_PG_HOST": url.hostname or "127.0.0.1",
        "CQM_PG_PORT": str(url.port),
        "CQM_PG_USER": url.username or "cqm",
        "CQM_PG_DBNAME": url.path.lstrip("/"),
        "PGTZ": "UTC",  # as the DuckDB profile's TimeZone: keys and dates of timestamptz values
    }
    target = tmp_path / "target"
    # seeds, snapshots, models and data tests, on PostgreSQL; then the unit tests (a unit test of an incremental
    # build reads the model's columns from its table, so they run once the tables exist)
    run_dbt(["build", "--exclude-resource-type", "unit_test"], target, env)
    # a second build is incremental: the incremental models compare the columns they build with their table's
    # (on_schema_change='fail'), where PostgreSQL names a string `text` or `character varying`
    run_dbt(["build", "--exclude-resource-type", "unit_test"], target, env)
    run_dbt(["test", "--select", "test_type:unit"], target, env)

    reporting = models(target, schema="reporting")
    assert len(reporting) >= 10
    with (
        duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as duck,
        psycopg.connect(pg_url) as pg,
    ):
        for name in reporting:
            columns = [
                r[0]
                for r in duck.execute(
                    "select column_name from duckdb_columns() "
                    "where schema_name = 'reporting' and table_name = ? order by column_index",
                    [name],
                ).fetchall()
            ]
            assert columns, f"reporting.{name} is not in the DuckDB build"
            pg_columns = [
                r[0]
                for r in pg.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'reporting' and table_name = %s order by ordinal_position",
                    [name],
                ).fetchall()
            ]
            assert pg_columns == columns, name
            select = "select " + ", ".join(f'"{c}"' for c in columns) + f' from reporting."{name}"'
            assert_same_rows(
                f"reporting.{name}",
                columns,
                duck.execute(select).fetchall(),
                pg.execute(select).fetchall(),  # type: ignore[arg-type]
            )
