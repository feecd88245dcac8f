"""Supplier scorecard: acceptance rates in [0, 1], PPM in [0, 10⁶], defective ≤ inspected."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "supplier_scorecard",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in ("lot_acceptance_rate", "lot_acceptance_ci_low", "lot_acceptance_ci_high")
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(
            column=c, min_value=0, max_value=1_000_000, severity=BLOCK
        )
        for c in ("incoming_ppm", "incoming_ppm_ci_low", "incoming_ppm_ci_high")
    ],
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="inspected_units", column_B="defective_units", or_equal=True, severity=BLOCK
    ),
    key=("month_start", "supplier_id"),
    required=("lots_inspected",),
)
