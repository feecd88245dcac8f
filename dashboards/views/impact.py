"""Quality → satisfaction impact: reporting.quality_satisfaction_impact (naive vs adjusted, dose-response)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

st.header("How much quality moves satisfaction")
ui.applied(
    period="each analysis covers the whole period, exposure before outcome",
    segment="segment is what the adjusted estimates control for, not a slice",
    plant="the analyses are company-wide",
    product_family="the analyses are company-wide",
)
st.caption(
    "Naive estimates compare exposed and unexposed units as they are; adjusted estimates control for "
    "what the 'adjusted for' column says (Mantel-Haenszel strata, or a control line for the "
    "difference-in-differences). Bars are 95 % intervals; grey marks a group below the small-sample size."
)
impact = ui.mart(data.quality_satisfaction_impact, "reporting.quality_satisfaction_impact")
if impact is not None:
    effects = impact[impact["method"] != "dose_response"]
    for analysis_id in sorted(effects["analysis_id"].unique()):
        rows = effects[effects["analysis_id"] == analysis_id]
        first = rows.iloc[0]
        st.subheader(str(first["question"]))
        st.caption(
            f"Exposure: {first['exposure']}. Outcome: {first['outcome']}. "
            f"Estimate: {first['estimand']}."
        )
        ratio = "ratio" in str(first["estimand"])
        base = alt.Chart(rows).encode(
            y=alt.Y("method:N", title=None, sort=["naive"], axis=alt.Axis(labelLimit=240)),
            tooltip=[
                "method",
                "adjusted_for",
                alt.Tooltip("estimate:Q", format=".3f"),
                alt.Tooltip("ci_low:Q", format=".3f"),
                alt.Tooltip("ci_high:Q", format=".3f"),
                "n_exposed",
                "n_unexposed",
                "interpretation",
            ],
        )
        x_scale = alt.Scale(type="log") if ratio else alt.Scale()
        rule = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("ci_low:Q", scale=x_scale, title=str(first["estimand"])),
            x2="ci_high:Q",
            color=alt.condition("datum.is_small_sample", alt.value(ui.GREY), alt.value(ui.BLUE)),
        )
        point = base.mark_point(filled=True, size=90).encode(
            x=alt.X("estimate:Q", scale=x_scale),
            color=alt.condition("datum.is_small_sample", alt.value(ui.GREY), alt.value(ui.BLUE)),
        )
        no_effect = (
            alt.Chart(rows.head(1))
            .mark_rule(strokeDash=[4, 4], color=ui.RED)
            .encode(x=alt.datum(1.0 if ratio else 0.0))
        )
        st.altair_chart(alt.layer(rule, point, no_effect).properties(height=110), width="stretch")
        st.dataframe(
            ui.grey_small(
                rows[
                    [
                        "method",
                        "adjusted_for",
                        "estimate",
                        "ci_low",
                        "ci_high",
                        "n_exposed",
                        "n_unexposed",
                        "rate_exposed",
                        "rate_unexposed",
                        "interpretation",
                        "is_small_sample",
                    ]
                ],
                "is_small_sample",
            ),
            hide_index=True,
        )

    dose = impact[impact["method"] == "dose_response"]
    st.subheader("Dose-response")
    for analysis_id in sorted(dose["analysis_id"].unique()):
        rows = dose[dose["analysis_id"] == analysis_id].sort_values("stratum")
        st.caption(f"{rows.iloc[0]['question']} ({rows.iloc[0]['estimand']})")
        base = alt.Chart(rows).encode(
            x=alt.X("stratum:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
        )
        bars = base.mark_rule(strokeWidth=2).encode(
            y=alt.Y("ci_low:Q", title="rate", axis=alt.Axis(format=".0%")),
            y2="ci_high:Q",
            color=alt.condition("datum.is_small_sample", alt.value(ui.GREY), alt.value(ui.BLUE)),
        )
        point = base.mark_point(filled=True, size=90).encode(
            y="estimate:Q",
            color=alt.condition("datum.is_small_sample", alt.value(ui.GREY), alt.value(ui.BLUE)),
            tooltip=[
                "stratum",
                alt.Tooltip("estimate:Q", format=".1%"),
                alt.Tooltip("ci_low:Q", format=".1%"),
                alt.Tooltip("ci_high:Q", format=".1%"),
                "n_exposed",
            ],
        )
        st.altair_chart(alt.layer(bars, point).properties(height=260), width="stretch")
    if dose.empty:
        st.info("No dose-response rows in this serving file.")
