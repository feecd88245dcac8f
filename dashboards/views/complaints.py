"""Complaint funnel and SLA: reporting.complaint_funnel_summary (month × channel, 'All') and
reporting.complaint_funnel (month × channel × category × priority)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

STAGES = ["received", "classified", "analysed", "handled", "notified", "closed"]

st.header("Complaint funnel and SLA")
f = ui.filters()
ui.applied(
    period=None,
    segment="the complaint marts are per channel, category and priority",
    plant="complaints are not attributed to a plant in these marts (see the scorecard)",
    product_family="the complaint marts have no product family",
)
summary = ui.mart(data.complaint_funnel_summary, "reporting.complaint_funnel_summary")
if summary is not None:
    channels = [ui.ALL, *sorted(c for c in summary["channel_code"].unique() if c != ui.ALL)]
    channel = st.selectbox("Channel", channels)
    rows = ui.in_period(summary[summary["channel_code"] == channel], "month_start", f)
    last = ui.latest(rows)
    if last is None:
        st.warning("No complaints in the selected period.")
    else:
        st.subheader(f"{last['month_start']:%B %Y} (latest month in the period), channel {channel}")
        c = st.columns(len(STAGES))
        for col, stage in zip(c, STAGES, strict=True):
            col.metric(stage.capitalize(), ui.fmt(last[stage], "int"))
        c = st.columns(3)
        c[0].metric(
            "Resolution SLA breached",
            ui.fmt(last["sla_breach_rate"], "pct"),
            help=ui.interval(last["sla_breach_ci_low"], last["sla_breach_ci_high"], "pct"),
        )
        c[1].metric("Reopen rate", ui.fmt(last["reopen_rate"], "pct"))
        c[2].metric("Handled of received", ui.fmt(last["handled_rate"], "pct"))
        long = rows.melt(
            id_vars=["month_start"], value_vars=STAGES, var_name="stage", value_name="complaints"
        )
        st.altair_chart(
            alt.Chart(long)
            .mark_bar()
            .encode(
                x=alt.X("stage:N", sort=STAGES, title=None, axis=alt.Axis(labelAngle=0)),
                y=alt.Y("complaints:Q", title="complaints"),
                color=alt.Color("stage:N", sort=STAGES, legend=None),
                column=alt.Column("month_start:T", timeUnit="yearmonth", title=None),
                tooltip=["month_start:T", "stage", "complaints"],
            )
            .properties(width=70, height=180),
        )
        st.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="sla_breach_rate",
                lo="sla_breach_ci_low",
                hi="sla_breach_ci_high",
                title="Resolution SLA breach rate (95 % CI)",
                small="is_small_sample",
            ),
            width="stretch",
        )

st.subheader("By channel, category and priority")
detail = ui.mart(data.complaint_funnel, "reporting.complaint_funnel")
if detail is not None:
    c = st.columns(2)
    category = c[0].selectbox(
        "Complaint category", [ui.ALL, *sorted(detail["category_l1"].dropna().unique())]
    )
    priority = c[1].selectbox("Priority", [ui.ALL, *sorted(detail["priority"].dropna().unique())])
    rows = ui.in_period(detail, "month_start", f)
    if category != ui.ALL:
        rows = rows[rows["category_l1"] == category]
    if priority != ui.ALL:
        rows = rows[rows["priority"] == priority]
    st.dataframe(
        ui.grey_small(rows.sort_values(["month_start", "channel_code"]), "is_small_sample"),
        hide_index=True,
    )
