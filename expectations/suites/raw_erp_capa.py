"""CAPA / 8D cases raised from quality notifications, with PDCA phase completion dates and the effectiveness check: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_capa",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
