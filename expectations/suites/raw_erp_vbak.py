"""Sales order headers (SAP VBAK): order and customer numbers present, SAP dates and times well formed."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

SUITE = raw_suite(
    "erp_vbak",
    gxe.ExpectColumnValuesToMatchRegex(column="erdat", regex=r"^20\d{6}$", severity=BLOCK),
    gxe.ExpectColumnValuesToMatchRegex(
        column="erzet", regex=r"^(?:[01]\d|2[0-3])[0-5]\d[0-5]\d$", severity=BLOCK
    ),
    gxe.ExpectColumnValuesToMatchRegex(column="waerk", regex=r"^[A-Z]{3}$", severity=WARN),
)
