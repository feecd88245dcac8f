"""Delivery performance: OTD/OTIF and their Wilson bounds in [0, 1], OTIF ≤ OTD, counts consistent."""

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
    "delivery_performance",
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
    _ge("delivered_lines", "on_time_lines"),
    _ge("on_time_lines", "otif_lines"),
    _ge("otd_rate", "otif_rate"),
    _ge("days_late_p90", "days_late_median"),
    gxe.ExpectColumnValuesToBeBetween(column="delivered_lines", min_value=1, severity=BLOCK),
    key=("month_start", "carrier_scac", "origin_plant_id", "destination_region"),
    required=("delivered_lines",),
)
