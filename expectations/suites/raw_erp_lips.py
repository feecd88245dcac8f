"""Delivery items (SAP LIPS): keys and order references present, delivered quantities ≥ 0, SAP dates well formed."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_lips",
    gxe.ExpectColumnValuesToBeBetween(column="lfimg", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToMatchRegex(column="wadat_ist", regex=r"^\d{8}$", severity=BLOCK),
    gxe.ExpectColumnValuesToMatchRegex(column="aedat", regex=r"^\d{8}$", severity=BLOCK),
)
