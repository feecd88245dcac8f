"""Retention cohorts: retention rates and bounds in [0, 1]; no cohort loses customers it never had."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "retention_cohorts",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "order_retention_rate",
            "order_retention_ci_low",
            "order_retention_ci_high",
            "active_rate",
        )
    ],
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="cohort_customers", column_B="ordering_customers", or_equal=True, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeBetween(
        column="months_since_first_order", min_value=0, severity=BLOCK
    ),
    key=("cohort_month", "months_since_first_order"),
    required=("cohort_customers", "ordering_customers"),
)
