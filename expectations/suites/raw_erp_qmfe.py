"""Defect items recorded on inspection lots (SAP QMFE): code group, code and number of defects: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qmfe",
    gxe.ExpectColumnValuesToBeBetween(column="anzfehler", min_value=0, severity=BLOCK),
)
