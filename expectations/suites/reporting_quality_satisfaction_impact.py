"""Impact results: every estimate inside its interval, known analyses and methods, non-negative n."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "quality_satisfaction_impact",
    at_least("estimate", "ci_low"),
    at_least("ci_high", "estimate"),
    gxe.ExpectColumnValuesToBeInSet(
        column="analysis_id",
        value_set=[
            "late_delivery_csat",
            "sla_breach_csat",
            "quality_complaint_churn",
            "automated_inspection_did",
        ],
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="method",
        value_set=["naive", "mantel_haenszel", "dose_response", "difference_in_differences"],
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeBetween(column="n_exposed", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="std_error", min_value=0, severity=BLOCK),
    key=("analysis_id", "method", "stratum"),
    required=("estimand", "interpretation"),
)
