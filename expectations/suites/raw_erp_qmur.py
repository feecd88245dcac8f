"""Causes of quality notifications (SAP QMUR); code group = 6M category: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qmur",
    gxe.ExpectColumnValuesToBeBetween(column="zz_why_count", min_value=0, severity=BLOCK),
)
