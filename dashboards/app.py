"""Customer Quality Warehouse dashboards (Streamlit). Reads only the published serving file, read-only.

This first page shows the headline KPIs and the monthly satisfaction mart; the full set of pages
(quality scorecard, impact, complaint funnel, Pareto/CAPA, suppliers, SPC, delivery) comes with
the analysts' issue. Every number here comes from a reporting mart, never from SQL written in the page.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent


def serving_path() -> Path:
    return Path(os.environ.get("CQM_HOME", str(ROOT))) / "warehouse" / "serving.duckdb"


@st.cache_data(ttl=60)
def load(table: str) -> object:
    with duckdb.connect(str(serving_path()), read_only=True) as conn:
        return conn.execute(f"select * from {table}").fetch_df()


def main() -> None:
    st.set_page_config(page_title="Customer Quality Warehouse", layout="wide")
    st.title("Customer Quality Warehouse")
    if not serving_path().exists():
        st.error(f"No serving file at {serving_path()}: run `make demo` first.")
        return
    log = load("meta.publish_log")
    st.caption(
        f"Data as of {log['published_at'].max()} (code version {log.sort_values('published_at')['code_version'].iloc[-1]})"
    )  # type: ignore[index]
    kpis = load("reporting.kpi_summary")
    st.subheader("Headline KPIs (whole period, 95 % intervals)")
    st.dataframe(kpis, hide_index=True)
    st.subheader("Customer satisfaction by month (all segments)")
    sat = load("reporting.customer_satisfaction_monthly")
    sat = sat[sat["segment"] == "All"]  # type: ignore[index]
    st.line_chart(
        sat,
        x="month_start",
        y=["csat_top2_rate", "csat_ci_low", "csat_ci_high"],
        color=["#1f77b4", "#aec7e8", "#aec7e8"],
    )
    st.dataframe(sat, hide_index=True)


main()
