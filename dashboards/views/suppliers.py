"""Supplier and carrier scorecards: reporting.supplier_scorecard (month × supplier) and
reporting.carrier_scorecard (month × carrier, 'All' for every carrier)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

st.header("Supplier and carrier scorecards")
f = ui.filters()
ui.applied(
    period=None,
    segment="suppliers and carriers are not scored per customer segment",
    plant="the supplier and carrier marts have no plant column (lanes by plant: Delivery performance)",
    product_family="the scorecards have no product family",
)

st.subheader("Suppliers: incoming inspection")
sup = ui.mart(data.supplier_scorecard, "reporting.supplier_scorecard")
if sup is not None:
    rows = ui.in_period(sup, "month_start", f)
    suppliers = sorted(rows["supplier_name"].dropna().unique())
    if not suppliers:
        st.warning("No incoming lots in the selected period.")
    else:
        month = st.select_slider(
            "Month",
            options=sorted(rows["month_start"].unique()),
            value=rows["month_start"].max(),
            format_func=lambda d: f"{d:%Y-%m}",
        )
        ranked = rows[rows["month_start"] == month].sort_values("incoming_ppm", ascending=False)
        base = alt.Chart(ranked).encode(y=alt.Y("supplier_name:N", sort=None, title=None))
        st.altair_chart(
            alt.layer(
                base.mark_rule(strokeWidth=2).encode(
                    x=alt.X("incoming_ppm_ci_low:Q", title="incoming PPM (95 % CI)"),
                    x2="incoming_ppm_ci_high:Q",
                    color=alt.condition(
                        "datum.is_small_sample", alt.value(ui.GREY), alt.value(ui.BLUE)
                    ),
                ),
                base.mark_point(filled=True, size=80).encode(
                    x="incoming_ppm:Q",
                    color=alt.condition(
                        "datum.is_small_sample", alt.value(ui.GREY), alt.value(ui.BLUE)
                    ),
                    tooltip=[
                        "supplier_id",
                        "supplier_name",
                        alt.Tooltip("incoming_ppm:Q", format=",.0f"),
                        alt.Tooltip("lot_acceptance_rate:Q", format=".1%"),
                        "lots_decided",
                    ],
                ),
            ).properties(height=max(120, 28 * len(ranked))),
            width="stretch",
        )
        st.dataframe(ui.grey_small(ranked, "is_small_sample"), hide_index=True)
        supplier = st.selectbox("Supplier trend", suppliers)
        trend = rows[rows["supplier_name"] == supplier]
        st.altair_chart(
            ui.band_chart(
                trend,
                x="month_start",
                y="lot_acceptance_rate",
                lo="lot_acceptance_ci_low",
                hi="lot_acceptance_ci_high",
                title="Lot acceptance rate (95 % CI)",
                small="is_small_sample",
            ),
            width="stretch",
        )

st.subheader("Carriers: on-time delivery")
car = ui.mart(data.carrier_scorecard, "reporting.carrier_scorecard")
if car is not None:
    rows = ui.in_period(car, "month_start", f)
    carriers = [ui.ALL, *sorted(c for c in rows["carrier_scac"].unique() if c != ui.ALL)]
    carrier = st.selectbox("Carrier", carriers)
    trend = rows[rows["carrier_scac"] == carrier]
    st.altair_chart(
        ui.band_chart(
            trend,
            x="month_start",
            y="otd_rate",
            lo="otd_ci_low",
            hi="otd_ci_high",
            title=f"On-time delivery, {carrier} (95 % CI)",
            small="is_small_sample",
        ),
        width="stretch",
    )
    last = ui.latest(rows)
    if last is not None:
        month_rows = rows[
            (rows["month_start"] == last["month_start"]) & (rows["carrier_scac"] != ui.ALL)
        ].sort_values("otd_rate")
        st.caption(f"All carriers, {last['month_start']:%B %Y} (latest month in the period)")
        st.dataframe(ui.grey_small(month_rows, "is_small_sample"), hide_index=True)
