"""Suppliers (SAP LFA1): a supplier number on each, ISO country codes, well-formed change dates."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

SUITE = raw_suite(
    "erp_lfa1",
    gxe.ExpectColumnValuesToMatchRegex(column="land1", regex=r"^[A-Z]{2}$", severity=WARN),
    gxe.ExpectColumnValuesToMatchRegex(column="aedat", regex=r"^\d{8}$", severity=BLOCK),
)
