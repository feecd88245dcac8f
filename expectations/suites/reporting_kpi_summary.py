"""Headline KPIs: the seven KPIs present once each, value inside its interval, fractions in [0, 1], NPS in [-100, 100]."""

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.model import BLOCK, mart_suite

KPIS = [
    "nps",
    "csat_top2_rate",
    "on_time_delivery_rate",
    "final_inspection_defective_rate",
    "complaints_per_1000_orders",
    "churn_rate_180d",
    "copq_share_of_revenue",
]

SUITE = mart_suite(
    "reporting",
    "kpi_summary",
    gxe.ExpectColumnDistinctValuesToEqualSet(column="kpi", value_set=KPIS, severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(
        column="unit",
        value_set=["points", "fraction", "per 1,000 orders", "share of revenue"],
        severity=BLOCK,
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="kpi_value",
        column_B="ci_low",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="ci_high",
        column_B="kpi_value",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="denominator",
        column_B="numerator",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeBetween(
        column="kpi_value",
        min_value=0,
        max_value=1,
        row_condition=Column("unit") == "fraction",
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeBetween(
        column="kpi_value",
        min_value=-100,
        max_value=100,
        row_condition=Column("unit") == "points",
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeBetween(column="kpi_value", min_value=-100, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0, severity=BLOCK),
    gxe.ExpectTableRowCountToBeBetween(min_value=len(KPIS), max_value=len(KPIS), severity=BLOCK),
    key=("kpi",),
    required=("definition", "n", "unit"),
    max_drop=0.0,
    max_growth=0.0,
)
