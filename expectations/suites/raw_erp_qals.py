"""What the ERP must deliver for inspection lots."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, Suite

SUITE = Suite(
    name="raw_erp_qals",
    schema="raw",
    table="erp_qals",
    description="Inspection lots: known inspection types, quantities that add up, A/R usage decisions.",
    columns=["prueflos", "art", "losmenge", "lmengepr", "lmengesch", "vbewertung"],
    expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="prueflos", severity=BLOCK),
        gxe.ExpectColumnValuesToBeInSet(
            column="art", value_set=["01", "03", "04", "05", "08", "10"], severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeBetween(column="losmenge", min_value=0, severity=BLOCK),
        gxe.ExpectColumnValuesToBeBetween(column="lmengesch", min_value=0, severity=BLOCK),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="lmengepr",
            column_B="lmengesch",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=BLOCK,
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="vbewertung", value_set=["A", "R", ""], severity=BLOCK
        ),
    ],
)
