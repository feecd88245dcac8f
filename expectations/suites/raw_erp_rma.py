"""Returns (RMA) lines: returned delivery and batch, reason, disposition and quantity (SAP returns order, VBAK-AUART RE): landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_rma",
    gxe.ExpectColumnValuesToBeBetween(column="kwmeng", min_value=0, severity=BLOCK),
)
