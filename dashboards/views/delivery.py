"""Delivery performance: OTD by shipping plant (reporting.quality_scorecard_monthly) and by carrier
and lane (reporting.delivery_performance)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

st.header("Delivery performance")
f = ui.filters()
ui.applied(
    period=None,
    plant=None,
    segment="the delivery marts are per carrier and lane, not per customer segment",
    product_family="the delivery marts have no product family",
)
card = ui.mart(data.quality_scorecard_monthly, "reporting.quality_scorecard_monthly")
if card is not None:
    rows = ui.in_period(card[card["plant_id"] == f.plant], "month_start", f)
    st.altair_chart(
        ui.band_chart(
            rows,
            x="month_start",
            y="otd_rate",
            lo="otd_ci_low",
            hi="otd_ci_high",
            title=f"On-time delivery, plant {f.plant} (95 % CI)",
        ),
        width="stretch",
    )

st.subheader("By carrier and lane")
perf = ui.mart(data.delivery_performance, "reporting.delivery_performance")
if perf is not None:
    rows = ui.in_period(perf, "month_start", f)
    if f.plant != ui.ALL:
        rows = rows[rows["origin_plant_id"] == f.plant]
    c = st.columns(3)
    carrier = c[0].selectbox("Carrier", sorted(rows["carrier_name"].dropna().unique()))
    origin = (
        c[1].selectbox("From plant", sorted(rows["origin_plant_id"].dropna().unique()))
        if f.plant == ui.ALL
        else f.plant
    )
    region = c[2].selectbox(
        "Destination region", sorted(rows["destination_region"].dropna().unique())
    )
    lane = rows[
        (rows["carrier_name"] == carrier)
        & (rows["origin_plant_id"] == origin)
        & (rows["destination_region"] == region)
    ]
    st.altair_chart(
        ui.band_chart(
            lane,
            x="month_start",
            y="otd_rate",
            lo="otd_ci_low",
            hi="otd_ci_high",
            title=f"OTD, {carrier}, plant {origin} → {region} (95 % CI)",
            small="is_small_sample",
        ),
        width="stretch",
    )
    st.altair_chart(
        alt.Chart(lane)
        .mark_bar()
        .encode(
            x=alt.X("month_start:T", title=None),
            y=alt.Y("days_late_p90:Q", title="p90 days late"),
            tooltip=["month_start:T", "days_late_median", "days_late_p90", "delivered_lines"],
        )
        .properties(height=200),
        width="stretch",
    )
    st.dataframe(ui.grey_small(lane, "is_small_sample"), hide_index=True)
