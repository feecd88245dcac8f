"""Materials (SAP MARA): known product families, spec limits in order, defect opportunities ≥ 1."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

FAMILIES = ["Valves", "Pumps", "Sensors", "Actuators", "Controllers", "Fittings"]

SUITE = raw_suite(
    "erp_mara",
    gxe.ExpectColumnValuesToBeInSet(column="prodh", value_set=FAMILIES, severity=WARN),
    gxe.ExpectColumnValuesToBeBetween(column="opp_per_unit", min_value=1, severity=BLOCK),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="usl",
        column_B="lsl",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeBetween(column="stprs", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="warranty_months", min_value=0, severity=WARN),
)
