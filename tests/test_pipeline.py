"""End to end at tiny scale: simulate → materialize everything through Dagster → publish → query serving."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from dagster_project.cli import CliError
from expectations.suites.reporting_kpi_summary import KPIS as HEADLINE_KPIS
from tests.conftest import make_home, run_home

HEADER = "scac,pro_number,shipment_id,status_code,status_reason_code,event_date,event_time,time_code,city,state,country\n"


def test_serving_file_has_the_published_schemas(pipeline_home: Path) -> None:
    serving = pipeline_home / "warehouse" / "serving.duckdb"
    with duckdb.connect(str(serving), read_only=True) as conn:
        schemas = {
            r[0]
            for r in conn.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
        assert {"marts", "reporting", "meta"} <= schemas
        assert "raw" not in schemas and "staging" not in schemas
        log = conn.execute(
            "select run_id, code_version, row_counts, check_summary from meta.publish_log"
        ).fetchall()
        assert len(log) == 1
        counts = json.loads(log[0][2])
        assert (
            counts["marts.fct_shipments"] > 0
            and counts["reporting.customer_satisfaction_monthly"] > 0
        )
        assert json.loads(log[0][3])["checks"] > 0, "the publish saw this run's check results"
        kpis = {
            r[0]: r
            for r in conn.execute(
                "select kpi, kpi_value, n, ci_low, ci_high from reporting.kpi_summary"
            ).fetchall()
        }
    assert set(kpis) == set(HEADLINE_KPIS)
    for kpi, value, n, low, high in kpis.values():
        assert n > 0 and value is not None, kpi
        if kpi != "copq_share_of_revenue":  # a ratio of cost sums, not a sample: no interval
            assert low <= value <= high, kpi


def test_every_source_reached_the_marts(pipeline_home: Path) -> None:
    with duckdb.connect(
        str(pipeline_home / "warehouse" / "serving.duckdb"), read_only=True
    ) as conn:
        for table in (
            "fct_order_lines",
            "fct_shipments",
            "fct_inspection_lots",
            "fct_complaints",
            "fct_survey_responses",
            "dim_customer",
            "dim_product",
            "dim_date",
        ):
            assert conn.execute(f"select count(*) from marts.{table}").fetchone()[0] > 0, table
        delivered = conn.execute(
            "select count(*) from marts.fct_shipments where is_delivered"
        ).fetchone()[0]
        assert delivered > 0, "carrier events must reach the shipments"
        # survey previews (Status 1) are landed in raw but never reach the facts
    with duckdb.connect(str(pipeline_home / "warehouse" / "cqm.duckdb"), read_only=True) as conn:
        previews = conn.execute(
            "select count(*) from raw.surveys_responses where status = '1'"
        ).fetchone()[0]
        facts = conn.execute("select count(*) from marts.fct_survey_responses").fetchone()[0]
        raw_total = conn.execute(
            "select count(distinct response_id) from raw.surveys_responses"
        ).fetchone()[0]
        assert facts == raw_total - previews


def test_parquet_copies_read_in_polars_and_pandas(pipeline_home: Path) -> None:
    root = pipeline_home / "warehouse" / "parquet"
    path = root / "reporting" / "kpi_summary.parquet"
    assert pl.read_parquet(path).height == len(HEADLINE_KPIS)
    assert len(pd.read_parquet(root / "marts" / "fct_shipments.parquet")) > 0
    assert (root / "meta" / "publish_log.parquet").exists()


def test_open_reader_does_not_block_the_next_run_and_rerun_is_idempotent(
    tmp_path: Path, pipeline_home: Path
) -> None:
    # the first run is the shared one, copied with its sources, warehouse and Dagster history
    home = tmp_path / "home"
    shutil.copytree(pipeline_home, home)
    serving = home / "warehouse" / "serving.duckdb"
    build = home / "warehouse" / "cqm.duckdb"
    with duckdb.connect(str(build), read_only=True) as conn:
        raw_before = conn.execute("select count(*) from raw.crm_cases").fetchone()[0]
    # the ERP changes one product's spec limits before the second run: a new type-2 version must appear
    with sqlite3.connect(home / "warehouse" / "sources" / "erp" / "erp.sqlite") as erp:
        product = erp.execute("select MATNR from MARA order by MATNR limit 1").fetchone()[0]
        erp.execute(
            "update MARA set LSL = LSL - 0.5, AEDAT = '20991231' where MATNR = ?", [product]
        )
    # a BI tool in another process holds the serving file open read-only for the whole second run
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(c.execute('select count(*) from meta.publish_log').fetchone()[0], flush=True); time.sleep(120)",
            str(serving),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "1"
        run_home(home)
    finally:
        reader.kill()
        reader.wait()
    with duckdb.connect(str(serving), read_only=True) as conn:
        assert conn.execute("select count(*) from meta.publish_log").fetchone()[0] == 2
        versions = conn.execute(
            "select product_key, is_current from marts.dim_product where product_id = ? "
            "order by valid_from",
            [product],
        ).fetchall()
        assert [v[1] for v in versions] == [False, True], "a spec change must add a current version"
        keys = {
            r[0]
            for r in conn.execute(
                "select distinct l.product_key from marts.fct_order_lines l join marts.dim_product p "
                "on l.product_key = p.product_key where p.product_id = ?",
                [product],
            ).fetchall()
        }
        assert keys == {versions[0][0]}, "history keeps the version that was valid when it happened"
    with duckdb.connect(str(build), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.crm_cases").fetchone()[0] == raw_before, (
            "rerun landed duplicates"
        )


def test_failed_check_blocks_publish_and_leaves_serving_untouched(
    tmp_path: Path, tiny_sources: Path, pipeline_home: Path
) -> None:
    home = make_home(tmp_path, tiny_sources)
    # yesterday's good publish is in place
    (home / "warehouse").mkdir(parents=True, exist_ok=True)
    serving = home / "warehouse" / "serving.duckdb"
    serving.write_bytes((pipeline_home / "warehouse" / "serving.duckdb").read_bytes())
    before = serving.read_bytes()
    # a carrier sends events with a status code nobody knows: the raw suite must stop the run
    (home / "warehouse" / "sources" / "logistics" / "inbox" / "ZZZZ_209912.csv").write_text(
        HEADER + "ZZZZ,P9,S9,QQ,NS,20991201,0830,ET,Boston,MA,US\n"
    )
    with pytest.raises(CliError, match="gx_raw_logistics_tracking_events"):
        run_home(home)
    assert serving.read_bytes() == before
    assert not list((home / "warehouse").glob(".serving*"))


def test_cli_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    for command in ("demo", "simulate", "materialize", "publish", "dashboard", "dev"):
        assert command in out.stdout
