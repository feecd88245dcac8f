"""Inspection lots (SAP QALS): known inspection types, quantities that add up, A/R usage decisions."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "erp_qals",
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
    gxe.ExpectColumnValuesToBeInSet(column="vbewertung", value_set=["A", "R", ""], severity=BLOCK),
)
