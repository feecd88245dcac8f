"""Goods receipts for purchase orders (SAP MSEG, movement type 101) with the PO promised date (EKET-EINDT) and the incoming inspection outcome: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_mseg",
    gxe.ExpectColumnValuesToBeBetween(column="menge", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="zz_accepted_qty", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="zz_rejected_qty", min_value=0, severity=BLOCK),
)
