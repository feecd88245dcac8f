"""Single measured values per inspection characteristic (SAP QASE); spec limits are on MARA: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qase",
    gxe.ExpectColumnValuesToBeBetween(column="messwert", min_value=0, severity=BLOCK),
)
