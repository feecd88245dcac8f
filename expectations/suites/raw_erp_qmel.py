"""Quality notifications (SAP QMEL): Q1 customer complaint, Q2 complaint against vendor, Q3 internal problem: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qmel",
    gxe.ExpectColumnValuesToBeBetween(column="rkmng", min_value=0, severity=BLOCK),
)
