"""Satisfaction per month × survey type × segment: NPS in [-100, 100] inside its interval, rates and bounds in [0, 1], CSAT 1-5, CES 1-7."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "customer_satisfaction_monthly",
    gxe.ExpectColumnValuesToBeBetween(column="nps", min_value=-100, max_value=100, severity=BLOCK),
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "csat_top2_rate",
            "csat_ci_low",
            "csat_ci_high",
            "ces_agree_rate",
            "ces_agree_ci_low",
            "ces_agree_ci_high",
        )
    ],
    at_least("nps_ci_high", "nps"),
    at_least("nps", "nps_ci_low"),
    # not rate ≥ Wilson low: at a rate of 0 the low bound is 4.6e-17 in floating point
    at_least("csat_ci_high", "csat_top2_rate"),
    at_least("nps_n", "promoters"),
    at_least("csat_n", "csat_satisfied"),
    gxe.ExpectColumnValuesToBeBetween(column="csat_mean", min_value=1, max_value=5, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="ces_mean", min_value=1, max_value=7, severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(
        column="survey_type", value_set=["post_delivery", "post_case"], severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="segment",
        value_set=["All", "Enterprise", "Mid-market", "SMB", "Unknown"],
        severity=BLOCK,
    ),
    key=("month_start", "survey_type", "segment"),
    required=("responses", "nps_n", "csat_n", "ces_n"),
    description="NPS in [-100, 100] with low ≤ NPS ≤ high; CSAT rates and Wilson bounds in [0, 1].",
)
