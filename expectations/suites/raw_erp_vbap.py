"""What the ERP must deliver for sales order items."""

import great_expectations.expectations as gxe

from expectations.model import Suite

SUITE = Suite(
    name="raw_erp_vbap",
    schema="raw",
    table="erp_vbap",
    description="Sales order items: keys present, positive quantities, SAP dates well formed.",
    columns=["vbeln", "posnr", "matnr", "kwmeng", "netwr", "edatu"],
    expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="vbeln", severity="critical"),
        gxe.ExpectColumnValuesToNotBeNull(column="posnr", severity="critical"),
        gxe.ExpectColumnValuesToNotBeNull(column="matnr", severity="critical"),
        gxe.ExpectColumnValuesToBeBetween(column="kwmeng", min_value=0, strict_min=True, severity="critical"),
        gxe.ExpectColumnValuesToBeBetween(column="netwr", min_value=0, severity="warning"),
        gxe.ExpectColumnValuesToMatchRegex(column="edatu", regex=r"^\d{8}$", severity="critical"),
        gxe.ExpectTableRowCountToBeBetween(min_value=1, severity="critical"),
    ],
)
