"""The published satisfaction mart: values inside their definitions' ranges."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, Suite

SUITE = Suite(
    name="reporting_customer_satisfaction_monthly",
    schema="reporting",
    table="customer_satisfaction_monthly",
    description="NPS in [-100, 100] with low ≤ NPS ≤ high; CSAT rates and Wilson bounds in [0, 1].",
    expectations=[
        gxe.ExpectColumnValuesToBeBetween(
            column="nps", min_value=-100, max_value=100, severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="csat_top2_rate", min_value=0, max_value=1, severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="csat_ci_low", min_value=0, max_value=1, severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="csat_ci_high", min_value=0, max_value=1, severity=BLOCK
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="nps_ci_high",
            column_B="nps",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=BLOCK,
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="nps",
            column_B="nps_ci_low",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=BLOCK,
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="ces_mean", min_value=1, max_value=7, severity=BLOCK
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="month_start", severity=BLOCK),
    ],
)
