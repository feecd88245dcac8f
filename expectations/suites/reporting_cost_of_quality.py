"""Cost of quality: costs not negative, COPQ ≤ COQ, shares in [0, 1]."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "cost_of_quality",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=BLOCK)
        for c in (
            "prevention_cost",
            "appraisal_cost",
            "internal_failure_cost",
            "external_failure_cost",
            "net_revenue",
        )
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "prevention_share",
            "appraisal_share",
            "internal_failure_share",
            "external_failure_share",
        )
    ],
    at_least("cost_of_quality", "cost_of_poor_quality"),
    key=("month_start", "plant_id"),
    required=("cost_of_quality",),
)
