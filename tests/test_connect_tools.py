"""The README's "Connect your tools" recipes, run as written against a published serving file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
import sqlalchemy as sa

from dagster_project.publish import publish
from expectations.suites.reporting_kpi_summary import KPIS as HEADLINE_KPIS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def serving(pipeline_home: Path) -> Path:
    return pipeline_home / "warehouse" / "serving.duckdb"


def test_duckdb_cli_read_only(serving: Path) -> None:
    cli = BIN / "duckdb"
    out = subprocess.run(
        [
            str(cli),
            "-readonly",
            str(serving),
            "-csv",
            "-c",
            "select kpi from reporting.kpi_summary order by kpi",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "on_time_delivery_rate" in out.stdout
    refused = subprocess.run(
        [str(cli), "-readonly", str(serving), "-c", "create table reporting.scratch (a integer)"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert refused.returncode != 0 or "read-only" in (refused.stdout + refused.stderr).lower()
    assert "read-only" in (refused.stdout + refused.stderr).lower()


def test_sqlalchemy_read_only_uri(serving: Path) -> None:
    """What Superset and other SQLAlchemy tools use: duckdb-engine with read_only in connect_args."""
    engine = sa.create_engine(f"duckdb:///{serving}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            n = conn.execute(sa.text("select count(*) from reporting.kpi_summary")).scalar_one()
            assert n == len(HEADLINE_KPIS)
            # what Superset lists: schemas are qualified with the database (the file's name)
            assert "serving.reporting" in sa.inspect(conn).get_schema_names()
            df = pd.read_sql(sa.text("select * from reporting.customer_satisfaction_monthly"), conn)
            assert {"nps", "nps_ci_low", "nps_ci_high"} <= set(df.columns)
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                conn.execute(sa.text("create table reporting.scratch (a integer)"))
    finally:
        engine.dispose()


def test_python_duckdb_polars_pandas(serving: Path) -> None:
    with duckdb.connect(str(serving), read_only=True) as conn:
        sat_pl = conn.sql(
            "select * from reporting.customer_satisfaction_monthly where segment = 'All'"
        ).pl()
        sat_pd = conn.sql("select * from reporting.quality_scorecard_monthly").df()
        via_read_database = pl.read_database("select * from reporting.kpi_summary", conn)
    assert sat_pl.height > 0 and set(sat_pl["segment"].unique()) == {"All"}
    assert len(sat_pd) > 0
    assert via_read_database.height == len(HEADLINE_KPIS)


def test_reading_while_the_pipeline_publishes(pipeline_home: Path, tmp_path: Path) -> None:
    """A BI session holding the serving file open read-only does not block publish, and keeps working."""
    wh = tmp_path / "warehouse"
    wh.mkdir()
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", wh / "cqm.duckdb")
    shutil.copy(pipeline_home / "warehouse" / "serving.duckdb", wh / "serving.duckdb")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys
                conn = duckdb.connect({str(wh / "serving.duckdb")!r}, read_only=True)
                q = "select count(*) from meta.publish_log"
                print(conn.execute(q).fetchone()[0], flush=True)
                sys.stdin.readline()  # the test publishes meanwhile
                print(conn.execute(q).fetchone()[0], flush=True)
                print(conn.execute("select count(*) from reporting.kpi_summary").fetchone()[0], flush=True)
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdin is not None
    before = int(reader.stdout.readline())
    publish(wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="while-reading")
    reader.stdin.write("\n")
    reader.stdin.flush()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    still, kpis = (int(x) for x in out.split())
    assert still == before  # the open session keeps its snapshot
    assert kpis == len(HEADLINE_KPIS)
    with duckdb.connect(str(wh / "serving.duckdb"), read_only=True) as conn:
        after = conn.execute("select count(*) from meta.publish_log").fetchone()
    assert after is not None and after[0] == before + 1  # a new session sees the new publish


def test_dbt_docs_read_offline(serving: Path, tmp_path: Path) -> None:
    """`dbt docs generate --static` against a copy of the serving file: one page, no CDN."""
    docs_db = tmp_path / "cqm.duckdb"
    shutil.copy(serving, docs_db)
    target = tmp_path / "docs"
    res = subprocess.run(
        [
            str(BIN / "dbt"),
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(ROOT / "dbt"),
            "--profiles-dir",
            str(ROOT / "dbt"),
            "--target-path",
            str(target),
            "--quiet",
        ],
        env={**os.environ, "CQM_DUCKDB_PATH": str(docs_db)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    page = (target / "static_index.html").read_text(encoding="utf-8")
    assert "reporting" in page and "quality_satisfaction_impact" in page
    external = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["']https?://""", page)
    assert not external, external[:3]
    assert not re.search(r"@import\s+url\(['\"]?https?://", page)
