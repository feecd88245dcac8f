"""SPC control charts: reporting.spc_control_chart (p- and u-charts, Western Electric rules marked)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, ui

RULES = {
    "we1": "1: beyond 3σ",
    "we2": "2: 2 of 3 beyond 2σ",
    "we3": "3: 4 of 5 beyond 1σ",
    "we4": "4: 8 in a row on one side",
}

st.header("SPC control charts")
f = ui.filters()
ui.applied(
    period=None,
    plant=None,
    segment="control charts are per production line",
    product_family="control charts are per line; the capability table below filters by family",
)
spc = ui.mart(data.spc_control_chart, "reporting.spc_control_chart")
if spc is not None:
    lines = data.dim_production_line()
    if f.plant != ui.ALL:
        spc = spc[spc["line_id"].isin(lines.loc[lines["plant_id"] == f.plant, "line_id"])]
    c = st.columns(2)
    line = c[0].selectbox("Production line", sorted(spc["line_id"].unique()))
    chart_type = c[1].radio(
        "Chart",
        ["p", "u"],
        horizontal=True,
        format_func=lambda t: "p (proportion defective)" if t == "p" else "u (defects per unit)",
    )
    rows = ui.in_period(
        spc[(spc["line_id"] == line) & (spc["chart_type"] == chart_type)], "subgroup_start", f
    ).copy()
    if rows.empty:
        st.warning("No subgroups in the selected period.")
    else:
        rows["signal"] = rows[list(RULES)].apply(
            lambda r: ", ".join(RULES[k] for k in RULES if bool(r[k])) or "none", axis=1
        )
        base = alt.Chart(rows).encode(x=alt.X("subgroup_start:T", title="ISO week"))
        limits = [
            base.mark_line(strokeDash=dash, color=color).encode(y=alt.Y(f"{col}:Q"))
            for col, dash, color in (
                ("ucl", [6, 3], ui.RED),
                ("lcl", [6, 3], ui.RED),
                ("center_line", [1, 0], "#2ca02c"),
                ("upper_2sigma", [2, 3], ui.GREY),
                ("lower_2sigma", [2, 3], ui.GREY),
            )
        ]
        stat = base.mark_line(color=ui.BLUE, point=alt.OverlayMarkDef(color=ui.BLUE)).encode(
            y=alt.Y("statistic:Q", title=f"{chart_type}-statistic"),
            tooltip=[
                "subgroup_no",
                "subgroup_start:T",
                "phase",
                "n",
                "x",
                alt.Tooltip("statistic:Q", format=".4f"),
                alt.Tooltip("ucl:Q", format=".4f"),
                alt.Tooltip("lcl:Q", format=".4f"),
                "signal",
            ],
        )
        signals = (
            alt.Chart(rows[rows["any_signal"]])
            .mark_point(shape="diamond", size=160, filled=True, color=ui.RED)
            .encode(x="subgroup_start:T", y="statistic:Q", tooltip=["subgroup_start:T", "signal"])
        )
        st.altair_chart(alt.layer(*limits, stat, signals).properties(height=360), width="stretch")
        first = rows.iloc[0]
        st.caption(
            f"Limits vary with subgroup size, from the frozen Phase I baseline "
            f"{first['baseline_start']:%Y-%m-%d} to {first['baseline_end']:%Y-%m-%d}. "
            "Red diamonds: a Western Electric rule fired (hover for which)."
        )
        flagged = rows[rows["any_signal"]][
            [
                "subgroup_no",
                "subgroup_start",
                "phase",
                "n",
                "x",
                "statistic",
                "ucl",
                "lcl",
                "z",
                "signal",
            ]
        ]
        st.subheader("Signals")
        if flagged.empty:
            st.success("No rule fired in the selected period.")
        else:
            st.dataframe(flagged, hide_index=True)

st.subheader("Process capability")
cap = ui.mart(data.process_capability, "reporting.process_capability")
if cap is not None:
    rows, why = ui.filter_by_columns(cap, f)
    ui.applied(**why)
    st.dataframe(rows, hide_index=True)
