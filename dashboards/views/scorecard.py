"""Quality scorecard: reporting.quality_scorecard_monthly, reporting.kpi_summary, reporting.cost_of_quality."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

st.header("Quality scorecard")
f = ui.filters()
ui.applied(
    period=None,
    plant=None,
    segment="the scorecard is per plant, not per customer segment",
    product_family="the scorecard mart has no product family",
)

st.subheader("Headline KPIs, whole period")
kpis = ui.mart(data.kpi_summary, "reporting.kpi_summary")
if kpis is not None:
    st.dataframe(
        kpis[["kpi", "kpi_value", "unit", "ci_low", "ci_high", "n", "definition"]],
        hide_index=True,
    )

card = ui.mart(data.quality_scorecard_monthly, "reporting.quality_scorecard_monthly")
if card is not None:
    rows = ui.in_period(card[card["plant_id"] == f.plant], "month_start", f)
    last = ui.latest(rows)
    if last is None:
        st.warning("No scorecard rows in the selected period and plant.")
    else:
        st.subheader(f"Plant {f.plant}, {last['month_start']:%B %Y} (latest month in the period)")
        c = st.columns(5)
        c[0].metric(
            "Final defective rate",
            ui.fmt(last["final_defective_rate"], "pct2"),
            help=ui.interval(
                last["final_defective_ci_low"], last["final_defective_ci_high"], "pct2"
            ),
        )
        c[1].metric("DPMO", ui.fmt(last["final_dpmo"], "int"))
        c[2].metric("Sigma level (1.5σ shift)", ui.fmt(last["sigma_level_st_shift15"], "num"))
        c[3].metric("Rolled throughput yield", ui.fmt(last["rty"], "pct"))
        c[4].metric("Incoming PPM", ui.fmt(last["incoming_ppm"], "int"))
        c = st.columns(5)
        c[0].metric(
            "On-time delivery",
            ui.fmt(last["otd_rate"], "pct"),
            help=ui.interval(last["otd_ci_low"], last["otd_ci_high"], "pct"),
        )
        c[1].metric("OTIF", ui.fmt(last["otif_rate"], "pct"))
        c[2].metric("Complaints / 1,000 orders", ui.fmt(last["complaints_per_1000_orders"], "num"))
        c[3].metric(
            "NPS (post-delivery)",
            ui.fmt(last["nps"], "pts"),
            help=ui.interval(last["nps_ci_low"], last["nps_ci_high"], "pts"),
        )
        c[4].metric(
            "CSAT top-2-box",
            ui.fmt(last["csat_top2_rate"], "pct"),
            help=ui.interval(last["csat_ci_low"], last["csat_ci_high"], "pct"),
        )
        left, right = st.columns(2)
        left.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="final_defective_rate",
                lo="final_defective_ci_low",
                hi="final_defective_ci_high",
                title="Final defective rate (95 % CI)",
                axis_format=".2%",
            ),
            width="stretch",
        )
        right.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="otd_rate",
                lo="otd_ci_low",
                hi="otd_ci_high",
                title="On-time delivery (95 % CI)",
            ),
            width="stretch",
        )
        with st.expander("Scorecard rows"):
            st.dataframe(rows, hide_index=True)

st.subheader("Cost of poor quality")
coq = ui.mart(data.cost_of_quality, "reporting.cost_of_quality")
if coq is not None:
    rows = ui.in_period(coq[coq["plant_id"] == f.plant], "month_start", f)
    st.altair_chart(
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_start:T", title=None),
            y=alt.Y(
                "copq_share_of_revenue:Q",
                title="COPQ share of revenue",
                axis=alt.Axis(format=".1%"),
            ),
            tooltip=["month_start:T", "cost_of_poor_quality:Q", "net_revenue:Q"],
        )
        .properties(height=220),
        width="stretch",
    )
