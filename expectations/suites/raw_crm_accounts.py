"""Accounts from the CRM: an ERP customer number on each, known segments and tiers."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

SUITE = raw_suite(
    "crm_accounts",
    gxe.ExpectColumnValuesToBeInSet(
        column="segment_c", value_set=["Enterprise", "Mid-market", "SMB"], severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="tier_c", value_set=["Strategic", "Key", "Standard"], severity=WARN
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="last_modified_date",
        column_B="created_date",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
)
