"""Training completions (SAP LSO-like participation records) with score and validity: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_training",
    gxe.ExpectColumnValuesToBeBetween(column="hours", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="score", min_value=0, severity=BLOCK),
)
