"""Sales order items (SAP VBAP): keys present, positive quantities, SAP dates well formed."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

SUITE = raw_suite(
    "erp_vbap",
    gxe.ExpectColumnValuesToBeBetween(
        column="kwmeng", min_value=0, strict_min=True, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeBetween(column="netwr", min_value=0, severity=WARN),
    gxe.ExpectColumnValuesToMatchRegex(column="edatu", regex=r"^\d{8}$", severity=BLOCK),
)
