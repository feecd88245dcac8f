"""Return cohorts: rates and Wilson bounds in [0, 1], returned and repaired units within shipped units, rates null while the window is censored."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "return_cohorts",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "return_rate",
            "return_ci_low",
            "return_ci_high",
            "quality_return_rate",
            "repair_rate",
        )
    ],
    *[
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="shipped_units", column_B=c, or_equal=True, severity=BLOCK
        )
        for c in ("returned_units", "repaired_units")
    ],
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="returned_units", column_B="quality_returned_units", or_equal=True, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="window_days", value_set=[30, 60, 90, 180], severity=BLOCK
    ),
    key=("ship_month", "window_days"),
    required=("shipped_units", "is_window_complete"),
)
