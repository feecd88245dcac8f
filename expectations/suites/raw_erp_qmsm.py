"""Tasks (corrective and preventive actions) of quality notifications (SAP QMSM) with PDCA phase and preventive lever: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qmsm",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
