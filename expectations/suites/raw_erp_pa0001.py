"""Employees (SAP HR infotype 0001, organizational assignment): team, role, plant, employment period: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_pa0001",
    gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
)
