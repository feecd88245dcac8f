"""Data access for the dashboards: one function per published mart, read-only, cached.

Pages never write SQL that computes a number: they call these functions and select or filter rows of
the returned frames. Every function reads one table of the serving file (never the build file) through
a short-lived read-only DuckDB connection, so the pipeline can publish while the dashboards are open
(publish swaps the file with os.replace; the cache key includes the file's modification time, so the
next page load after a publish reads the new data).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent


class MartNotPublished(LookupError):
    """The table is not in the serving file (yet): its model is not built or not published."""


def serving_path() -> Path:
    """warehouse/serving.duckdb under CQM_HOME (the project folder by default)."""
    return Path(os.environ.get("CQM_HOME", str(ROOT))) / "warehouse" / "serving.duckdb"


def _stamp() -> int:
    """The serving file's modification time: part of every cache key."""
    try:
        return serving_path().stat().st_mtime_ns
    except FileNotFoundError:
        return 0


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def _read(schema: str, table: str, path: str, stamp: int) -> pd.DataFrame:
    with duckdb.connect(path, read_only=True) as conn:
        found = conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()
        if not found or not found[0]:
            raise MartNotPublished(f"{schema}.{table}")
        # the identifiers come from the fixed list below, never from user input
        return conn.execute(f'select * from {schema}."{table}"').fetch_df()


def read(fq_table: str) -> pd.DataFrame:
    """Every row of one published table ('schema.table'). Raises MartNotPublished when absent."""
    schema, table = fq_table.split(".", 1)
    if fq_table not in TABLES:
        raise ValueError(f"{fq_table} is not a table the dashboards read")
    df = _read(schema, table, str(serving_path()), _stamp())
    return df.copy()


TABLES: tuple[str, ...] = (
    "meta.publish_log",
    "marts.dim_product",
    "marts.dim_production_line",
    "reporting.kpi_summary",
    "reporting.quality_scorecard_monthly",
    "reporting.cost_of_quality",
    "reporting.customer_satisfaction_monthly",
    "reporting.quality_satisfaction_impact",
    "reporting.complaint_funnel",
    "reporting.complaint_funnel_summary",
    "reporting.root_cause_pareto",
    "reporting.capa_tracker",
    "reporting.supplier_scorecard",
    "reporting.carrier_scorecard",
    "reporting.delivery_performance",
    "reporting.spc_control_chart",
    "reporting.process_capability",
    "reporting.training_compliance",
    "reporting.retention_cohorts",
    "reporting.return_cohorts",
)


def publish_log() -> pd.DataFrame:
    return read("meta.publish_log")


def dim_product() -> pd.DataFrame:
    return read("marts.dim_product")


def dim_production_line() -> pd.DataFrame:
    return read("marts.dim_production_line")


def kpi_summary() -> pd.DataFrame:
    return read("reporting.kpi_summary")


def quality_scorecard_monthly() -> pd.DataFrame:
    return read("reporting.quality_scorecard_monthly")


def cost_of_quality() -> pd.DataFrame:
    return read("reporting.cost_of_quality")


def customer_satisfaction_monthly() -> pd.DataFrame:
    return read("reporting.customer_satisfaction_monthly")


def quality_satisfaction_impact() -> pd.DataFrame:
    return read("reporting.quality_satisfaction_impact")


def complaint_funnel() -> pd.DataFrame:
    return read("reporting.complaint_funnel")


def complaint_funnel_summary() -> pd.DataFrame:
    return read("reporting.complaint_funnel_summary")


def root_cause_pareto() -> pd.DataFrame:
    return read("reporting.root_cause_pareto")


def capa_tracker() -> pd.DataFrame:
    return read("reporting.capa_tracker")


def supplier_scorecard() -> pd.DataFrame:
    return read("reporting.supplier_scorecard")


def carrier_scorecard() -> pd.DataFrame:
    return read("reporting.carrier_scorecard")


def delivery_performance() -> pd.DataFrame:
    return read("reporting.delivery_performance")


def spc_control_chart() -> pd.DataFrame:
    return read("reporting.spc_control_chart")


def process_capability() -> pd.DataFrame:
    return read("reporting.process_capability")


def training_compliance() -> pd.DataFrame:
    return read("reporting.training_compliance")


def retention_cohorts() -> pd.DataFrame:
    return read("reporting.retention_cohorts")


def return_cohorts() -> pd.DataFrame:
    return read("reporting.return_cohorts")
