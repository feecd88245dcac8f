"""Root cause Pareto (reporting.root_cause_pareto) and the CAPA / PDCA tracker (reporting.capa_tracker)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

st.header("Root causes and corrective actions")
ui.applied(
    period="the Pareto is per calendar year or the whole period: pick it below",
    segment="root causes are recorded per quality notification, not per customer segment",
    plant="the Pareto mart has no plant",
    product_family="the Pareto mart has no product family",
)
pareto = ui.mart(data.root_cause_pareto, "reporting.root_cause_pareto")
if pareto is not None:
    c = st.columns(2)
    periods = sorted(pareto["period"].unique(), key=lambda p: (p != "all", p))
    period = c[0].selectbox(
        "Period", periods, format_func=lambda p: "whole period" if p == "all" else p
    )
    level = c[1].radio(
        "Level",
        ["category_6m", "root_cause"],
        horizontal=True,
        format_func=lambda v: "6M category" if v == "category_6m" else "root cause",
    )
    rows = pareto[(pareto["period"] == period) & (pareto["level"] == level)].sort_values(
        "pareto_rank"
    )
    base = alt.Chart(rows).encode(
        x=alt.X("item_name:N", sort=None, title=None, axis=alt.Axis(labelAngle=-30))
    )
    bars = base.mark_bar().encode(
        y=alt.Y("occurrences:Q", title="causes recorded"),
        color=alt.Color(
            "pareto_class:N",
            scale=alt.Scale(domain=["A", "B", "C"], range=["#d62728", "#ff7f0e", "#9a9a9a"]),
        ),
        tooltip=["item", "item_name", "category_6m", "occurrences", "pareto_class"],
    )
    line = base.mark_line(point=True, color="black").encode(
        y=alt.Y(
            "cumulative_share:Q",
            title="cumulative share",
            axis=alt.Axis(format=".0%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        tooltip=[alt.Tooltip("cumulative_share:Q", format=".1%")],
    )
    st.altair_chart(
        alt.layer(bars, line).resolve_scale(y="independent").properties(height=320),
        width="stretch",
    )
    st.dataframe(rows, hide_index=True)

st.subheader("CAPA / PDCA tracker")
capa = ui.mart(data.capa_tracker, "reporting.capa_tracker")
if capa is not None:
    rows, why = ui.filter_by_columns(capa, ui.filters())
    ui.applied(**why)
    st.dataframe(rows, hide_index=True)
