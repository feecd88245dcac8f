"""Customer satisfaction: reporting.customer_satisfaction_monthly (NPS, CSAT, CES with intervals)."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui

st.header("Customer satisfaction")
f = ui.filters()
ui.applied(
    period=None,
    segment=None,
    plant="survey answers are per customer segment, not per plant (the quality scorecard has post-delivery NPS by plant)",
    product_family="the satisfaction mart has no product family",
)
sat = ui.mart(data.customer_satisfaction_monthly, "reporting.customer_satisfaction_monthly")
if sat is not None:
    survey = st.radio(
        "Survey",
        sorted(sat["survey_type"].unique(), key=lambda t: (t != "post_delivery", t)),
        horizontal=True,
        format_func=lambda s: s.replace("_", "-"),
    )
    rows = ui.in_period(
        sat[(sat["segment"] == f.segment) & (sat["survey_type"] == survey)], "month_start", f
    )
    st.caption(
        "Grey points and rows: small samples (fewer than the configured minimum of answers); "
        "read their intervals, not their point values."
    )
    last = ui.latest(rows)
    if last is None:
        st.warning("No survey answers in the selected period and segment.")
    else:
        st.subheader(
            f"Segment {f.segment}, {last['month_start']:%B %Y} (latest month in the period)"
        )
        c = st.columns(4)
        c[0].metric(
            "NPS",
            ui.fmt(last["nps"], "pts"),
            help=ui.interval(last["nps_ci_low"], last["nps_ci_high"], "pts"),
        )
        c[1].metric(
            "CSAT top-2-box",
            ui.fmt(last["csat_top2_rate"], "pct"),
            help=ui.interval(last["csat_ci_low"], last["csat_ci_high"], "pct"),
        )
        ces_help = (
            ui.interval(last["ces_agree_ci_low"], last["ces_agree_ci_high"], "pct")
            if "ces_agree_ci_low" in rows.columns
            else None
        )
        c[2].metric("CES agree (5-7)", ui.fmt(last["ces_agree_rate"], "pct"), help=ces_help)
        c[3].metric("Answers (NPS)", ui.fmt(last["nps_n"], "int"))
        if bool(last["is_small_sample"]):
            st.caption("The latest month is a small sample.")
        st.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="nps",
                lo="nps_ci_low",
                hi="nps_ci_high",
                title="NPS (95 % CI)",
                axis_format="+.0f",
                small="is_small_sample",
            ),
            width="stretch",
        )
        left, right = st.columns(2)
        left.altair_chart(
            ui.band_chart(
                rows,
                x="month_start",
                y="csat_top2_rate",
                lo="csat_ci_low",
                hi="csat_ci_high",
                title="CSAT top-2-box (95 % CI)",
                small="is_small_sample",
            ),
            width="stretch",
        )
        if "ces_agree_ci_low" in rows.columns:
            right.altair_chart(
                ui.band_chart(
                    rows,
                    x="month_start",
                    y="ces_agree_rate",
                    lo="ces_agree_ci_low",
                    hi="ces_agree_ci_high",
                    title="CES agree 5-7 (95 % CI)",
                    small="is_small_sample",
                ),
                width="stretch",
            )
        else:
            right.info("The published mart has no CES interval yet.")
        cols = [
            "month_start",
            "segment",
            "responses",
            "nps",
            "nps_ci_low",
            "nps_ci_high",
            "csat_top2_rate",
            "csat_ci_low",
            "csat_ci_high",
            "ces_agree_rate",
            "ces_mean",
            "nps_n",
            "is_small_sample",
        ]
        st.dataframe(ui.grey_small(rows[cols], "is_small_sample"), hide_index=True)
