"""SPC charts: 0 ≤ LCL ≤ CL ≤ UCL, UCL ≤ 1 on p-charts, phases I/II, statistic ≥ 0."""

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.model import BLOCK, mart_suite


def _ge(a: str, b: str) -> object:
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=a,
        column_B=b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    )


SUITE = mart_suite(
    "reporting",
    "spc_control_chart",
    _ge("ucl", "center_line"),
    _ge("center_line", "lcl"),
    gxe.ExpectColumnValuesToBeBetween(column="lcl", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="statistic", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(
        column="ucl", max_value=1, row_condition=Column("chart_type") == "p", severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(column="phase", value_set=["I", "II"], severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(column="chart_type", value_set=["p", "u"], severity=BLOCK),
    key=("chart_id", "subgroup_no"),
    required=("chart_type", "subgroup_start", "n", "center_line", "phase"),
)
