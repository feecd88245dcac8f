"""Batch recalls: one row per recalled batch, returned units not negative, return rate and Wilson bounds in [0, 1]; may be empty (no recall)."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "batch_recalls",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in ("return_rate", "return_ci_low", "return_ci_high")
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=BLOCK)
        for c in ("shipped_units", "returned_units", "complaints")
    ],
    key=("batch_id",),
    required=("recall_date",),
    min_rows=0,
)
