"""Supplier ranking: one row per supplier, scores in [0, 100], rates in [0, 1], PPM in [0, 10⁶], grades A-D, ranks from 1."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "supplier_ranking",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=100, severity=BLOCK)
        for c in ("quality_score", "delivery_score", "responsiveness_score", "composite_score")
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in ("lot_acceptance_rate", "otd_rate", "otif_rate", "otif_ci_low", "otif_ci_high")
    ],
    gxe.ExpectColumnValuesToBeBetween(
        column="incoming_ppm", min_value=0, max_value=1_000_000, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(column="grade", value_set=["A", "B", "C", "D"], severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(
        column="composite_rank_best_first", min_value=1, severity=BLOCK
    ),
    key=("supplier_id",),
    required=("composite_rank_best_first",),
)
