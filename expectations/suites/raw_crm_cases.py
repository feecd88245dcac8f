"""Cases as landed from the CRM API: ids and timestamps present, known priorities and channels, closed ≥ created."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

STATUSES = ["New", "Classified", "Analysing", "Resolved", "Customer Notified", "Closed", "Reopened"]

SUITE = raw_suite(
    "crm_cases",
    gxe.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES, severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(
        column="priority", value_set=["High", "Medium", "Low"], severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="origin", value_set=["Phone", "Email", "Web", "Social", "Chat"], severity=WARN
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="closed_date",
        column_B="created_date",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToBeBetween(column="complaint_quantity_c", min_value=0, severity=BLOCK),
    description="Cases as landed from the CRM API: ids and timestamps present, known priorities and channels.",
)
