"""What the CRM must deliver for cases (complaints)."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, Suite

SUITE = Suite(
    name="raw_crm_cases",
    schema="raw",
    table="crm_cases",
    description="Cases as landed from the CRM API: ids and timestamps present, known priorities and channels.",
    columns=[
        "id",
        "status",
        "priority",
        "origin",
        "created_date",
        "closed_date",
        "complaint_quantity_c",
    ],
    expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="id", severity=BLOCK),
        gxe.ExpectColumnValuesToNotBeNull(column="created_date", severity=BLOCK),
        gxe.ExpectColumnValuesToBeInSet(
            column="priority", value_set=["High", "Medium", "Low"], severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="origin",
            value_set=["Phone", "Email", "Web", "Social", "Chat"],
            severity=WARN,
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="closed_date",
            column_B="created_date",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=BLOCK,
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="complaint_quantity_c", min_value=0, severity=BLOCK
        ),
    ],
)
