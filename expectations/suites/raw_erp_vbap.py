"""What the ERP must deliver for sales order items."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, Suite

SUITE = Suite(
    name="raw_erp_vbap",
    schema="raw",
    table="erp_vbap",
    description="Sales order items: keys present, positive quantities, SAP dates well formed.",
    columns=["vbeln", "posnr", "matnr", "kwmeng", "netwr", "edatu"],
    expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="vbeln", severity=BLOCK),
        gxe.ExpectColumnValuesToNotBeNull(column="posnr", severity=BLOCK),
        gxe.ExpectColumnValuesToNotBeNull(column="matnr", severity=BLOCK),
        gxe.ExpectColumnValuesToBeBetween(
            column="kwmeng", min_value=0, strict_min=True, severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeBetween(column="netwr", min_value=0, severity=WARN),
        gxe.ExpectColumnValuesToMatchRegex(column="edatu", regex=r"^\d{8}$", severity=BLOCK),
        gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=BLOCK),
    ],
)
