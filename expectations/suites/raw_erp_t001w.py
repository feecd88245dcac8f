"""Plants (SAP T001W) with the IANA time zone of the site: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_t001w",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
