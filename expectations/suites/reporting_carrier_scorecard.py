"""Carrier scorecard per month × carrier ('All' included): OTD/OTIF and their Wilson bounds in [0, 1], OTIF ≤ OTD, counts consistent."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "carrier_scorecard",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "otd_rate",
            "otd_ci_low",
            "otd_ci_high",
            "otif_rate",
            "otif_ci_low",
            "otif_ci_high",
            "exception_rate",
        )
    ],
    at_least("delivered_lines", "on_time_lines"),
    at_least("on_time_lines", "otif_lines"),
    at_least("otd_rate", "otif_rate"),
    at_least("days_late_p90", "days_late_median"),
    gxe.ExpectColumnValuesToBeBetween(column="delivered_lines", min_value=1, severity=BLOCK),
    key=("month_start", "carrier_scac"),
    required=("delivered_lines", "carrier_scac"),
)
