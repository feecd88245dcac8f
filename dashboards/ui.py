"""Shared page furniture: the sidebar filters, the 'not published yet' note, charts with intervals.

Nothing here computes a number: the helpers select and filter rows of a mart and draw what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data

ALL = "All"
GREY = "#b0b0b0"
BLUE = "#1f77b4"
RED = "#d62728"


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    segment: str
    product_family: str
    plant: str


FILTER_NAMES = {
    "period": "period",
    "segment": "segment",
    "product_family": "product family",
    "plant": "plant",
}


def mart(loader: Callable[[], pd.DataFrame], table: str) -> pd.DataFrame | None:
    """The mart's rows, or None after a clear note when the table is not in the serving file."""
    try:
        return loader()
    except data.MartNotPublished:
        st.info(
            f"`{table}` is not published yet: its model is not in this serving file. "
            "It appears here after the next `cqm materialize` that builds it."
        )
        return None


def _months(kpis: pd.DataFrame) -> list[date]:
    first = pd.Timestamp(kpis["period_start"].min()).to_period("M").to_timestamp()
    last = pd.Timestamp(kpis["period_end"].max()).to_period("M").to_timestamp()
    return [d.date() for d in pd.date_range(first, last, freq="MS")]


def _options(loader: Callable[[], pd.DataFrame], column: str) -> list[str]:
    try:
        values = loader()[column].dropna().astype(str).unique().tolist()
    except data.MartNotPublished:
        values = []
    return [ALL, *sorted(v for v in values if v not in (ALL, "Unknown"))]


def sidebar_filters() -> Filters:
    """The global filters, drawn once in the sidebar by the app; pages read them with `filters()`."""
    months = _months(data.kpi_summary())
    st.sidebar.header("Filters")
    start, end = st.sidebar.select_slider(
        "Period (months)",
        options=months,
        value=(months[0], months[-1]),
        format_func=lambda d: d.strftime("%Y-%m"),
        key="f_period",
    )
    segment = st.sidebar.selectbox(
        "Customer segment",
        _options(data.customer_satisfaction_monthly, "segment"),
        key="f_segment",
    )
    family = st.sidebar.selectbox(
        "Product family", _options(data.dim_product, "product_family"), key="f_family"
    )
    plant = st.sidebar.selectbox(
        "Plant", _options(data.quality_scorecard_monthly, "plant_id"), key="f_plant"
    )
    f = Filters(start, end, segment, family, plant)
    st.session_state["filters"] = f
    return f


def filters() -> Filters:
    f = st.session_state.get("filters")
    if not isinstance(f, Filters):
        f = sidebar_filters()
    return f


def applied(**why_not: str | None) -> None:
    """One caption saying which filters this page applies and why the others do not apply.

    Pass each filter name with None when it applies, or with the reason it does not.
    """
    used = [FILTER_NAMES[k] for k, v in why_not.items() if v is None]
    not_used = [f"{FILTER_NAMES[k]} ({v})" for k, v in why_not.items() if v is not None]
    text = "Filters applied: " + (", ".join(used) if used else "none")
    if not_used:
        text += ". Not applicable here: " + "; ".join(not_used) + "."
    st.caption(text)


def in_period(df: pd.DataFrame, column: str, f: Filters) -> pd.DataFrame:
    d = pd.to_datetime(df[column]).dt.date
    return df[(d >= f.start) & (d <= _month_end(f.end))]


def _month_end(d: date) -> date:
    return (pd.Timestamp(d) + pd.offsets.MonthEnd(0)).date()


def fmt(value: object, kind: str) -> str:
    """Format one stored value for display (no arithmetic beyond unit scaling)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    v = float(value)  # type: ignore[arg-type]
    return {
        "pct": f"{v:.1%}",
        "pct2": f"{v:.2%}",
        "pts": f"{v:+.1f}",
        "num": f"{v:,.1f}",
        "int": f"{v:,.0f}",
        "ppm": f"{v:,.0f} ppm",
    }[kind]


def interval(lo: object, hi: object, kind: str) -> str:
    return f"95 % CI [{fmt(lo, kind)}, {fmt(hi, kind)}]"


def band_chart(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    lo: str,
    hi: str,
    title: str,
    axis_format: str = ".0%",
    small: str | None = None,
    color: str | None = None,
) -> alt.LayerChart:
    """A line with its stored 95 % interval as a band; small-sample points greyed out."""
    base = alt.Chart(df).encode(x=alt.X(f"{x}:T", title=None))
    band = base.mark_area(opacity=0.2, color=BLUE).encode(
        y=alt.Y(f"{lo}:Q", title=title, axis=alt.Axis(format=axis_format)), y2=f"{hi}:Q"
    )
    enc: dict[str, object] = {
        "y": alt.Y(f"{y}:Q"),
        "tooltip": [
            alt.Tooltip(f"{x}:T"),
            alt.Tooltip(f"{y}:Q", format=axis_format),
            alt.Tooltip(f"{lo}:Q", format=axis_format),
            alt.Tooltip(f"{hi}:Q", format=axis_format),
        ],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N")
    line = base.mark_line(color=BLUE).encode(**enc)
    if small:
        points = base.mark_point(filled=True, size=50).encode(
            y=alt.Y(f"{y}:Q"),
            color=alt.condition(
                f"datum.{small}",
                alt.value(GREY),
                alt.value(BLUE),
            ),
            tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q", format=axis_format), small],
        )
        return alt.layer(band, line, points).properties(height=260)
    return alt.layer(band, line).properties(height=260)


def grey_small(df: pd.DataFrame, flag: str) -> object:
    """A styled table whose small-sample rows are greyed out."""

    def style(row: pd.Series) -> list[str]:
        return ["color: #9a9a9a" if bool(row[flag]) else "" for _ in row]

    return df.style.apply(style, axis=1)


def latest(df: pd.DataFrame, column: str = "month_start") -> pd.Series | None:
    """The row of the latest month in the frame (a selection, not an aggregate)."""
    if df.empty:
        return None
    return df.sort_values(column).iloc[-1]


def filter_by_columns(df: pd.DataFrame, f: Filters) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """Apply whichever global filters the mart has a column for; say which do not apply.

    For marts whose layout is not fixed yet (built on other branches): period on the first month or
    date column found, plant on plant_id, segment on segment, product family on product_family.
    """
    why: dict[str, str | None] = {}
    month_col = next(
        (c for c in ("month_start", "opened_month", "period_start", "subgroup_start") if c in df),
        None,
    )
    if month_col:
        df = in_period(df, month_col, f)
        why["period"] = None
    else:
        why["period"] = "the mart has no month column"
    for key, column in (
        ("segment", "segment"),
        ("product_family", "product_family"),
        ("plant", "plant_id"),
    ):
        value = getattr(f, key)
        if column in df.columns:
            why[key] = None
            if value != ALL:
                df = df[df[column].astype(str) == value]
        else:
            why[key] = f"the mart has no {column} column"
    return df, why
