"""Supplier scorecard: acceptance, OTD and OTIF rates in [0, 1], PPM in [0, 10⁶], defective ≤ inspected, OTIF ≤ on time, scores in [0, 100], grades A-D."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "supplier_scorecard",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "lot_acceptance_rate",
            "lot_acceptance_ci_low",
            "lot_acceptance_ci_high",
            "otd_rate",
            "otd_ci_low",
            "otd_ci_high",
            "otif_rate",
            "otif_ci_low",
            "otif_ci_high",
        )
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=100, severity=BLOCK)
        for c in ("quality_score", "delivery_score", "responsiveness_score", "composite_score")
    ],
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="on_time_lines", column_B="otif_lines", or_equal=True, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(column="grade", value_set=["A", "B", "C", "D"], severity=BLOCK),
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
