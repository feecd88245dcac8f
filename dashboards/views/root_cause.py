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
    case_type = st.radio(
        "Case type",
        sorted(capa["case_type"].unique(), key=lambda t: (t != ui.ALL, t)),
        horizontal=True,
        key="capa_case_type",
    )
    rows = ui.in_period(capa[capa["case_type"] == case_type], "month_start", ui.filters())
    last = ui.latest(rows)
    if last is None:
        st.warning("No CAPA cases in the selected period.")
    else:
        st.caption(
            f"Open cases by PDCA phase at the end of {last['month_start']:%B %Y} (latest month in the "
            "period); rates are over cases due, checked or closed in the month, with 95 % intervals."
        )
        cards = st.columns(6)
        cards[0].metric("Open in Plan", f"{int(last['open_in_plan']):,}")
        cards[1].metric("Open in Do", f"{int(last['open_in_do']):,}")
        cards[2].metric("Open in Check", f"{int(last['open_in_check']):,}")
        cards[3].metric("Open in Act", f"{int(last['open_in_act']):,}")
        cards[4].metric("Overdue", f"{int(last['open_overdue']):,}")
        cards[5].metric(
            "Cycle time (median days)",
            ui.fmt(last["cycle_time_days_median"], "num"),
            help=f"p90 {ui.fmt(last['cycle_time_days_p90'], 'num')} days",
        )
        left, right = st.columns(2)
        left.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="on_time_closure_rate",
                lo="on_time_closure_ci_low",
                hi="on_time_closure_ci_high",
                title="On-time closure",
                small="is_small_sample_on_time",
            ),
            width="stretch",
        )
        right.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="effectiveness_rate",
                lo="effectiveness_ci_low",
                hi="effectiveness_ci_high",
                title="Verified effective at Check",
                small="is_small_sample_effectiveness",
            ),
            width="stretch",
        )
        st.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="recurrence_rate",
                lo="recurrence_ci_low",
                hi="recurrence_ci_high",
                title="Recurrence after closure",
                small="is_small_sample_recurrence",
            ),
            width="stretch",
        )
    st.dataframe(ui.grey_small(rows, "is_small_sample_on_time"), hide_index=True)
