"""QM catalog codes (SAP QPCD/QPCT): catalog 9 defect types, 5 causes (with 6M category), 2 tasks (with preventive lever): landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qpcd",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
