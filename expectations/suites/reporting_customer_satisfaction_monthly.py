"""Satisfaction per month × survey type × segment: NPS in [-100, 100] inside its interval, rates and bounds in [0, 1], CSAT 1-5, CES 1-7."""

import great_expectations.expectations as gxe

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
    "customer_satisfaction_monthly",
    gxe.ExpectColumnValuesToBeBetween(column="nps", min_value=-100, max_value=100, severity=BLOCK),
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in ("csat_top2_rate", "csat_ci_low", "csat_ci_high", "ces_agree_rate")
    ],
    _ge("nps_ci_high", "nps"),
    _ge("nps", "nps_ci_low"),
    # not rate ≥ Wilson low: at a rate of 0 the low bound is 4.6e-17 in floating point
    _ge("csat_ci_high", "csat_top2_rate"),
    _ge("nps_n", "promoters"),
    _ge("csat_n", "csat_satisfied"),
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
