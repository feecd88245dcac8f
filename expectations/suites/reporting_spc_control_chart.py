"""SPC charts: 0 ≤ LCL ≤ CL ≤ UCL, UCL ≤ 1 on p-charts, phases I/II, statistic ≥ 0."""

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "spc_control_chart",
    at_least("ucl", "center_line"),
    at_least("center_line", "lcl"),
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
