"""Contacts from the CRM: each tied to an account; email well formed where given (PII stops in staging)."""

import great_expectations.expectations as gxe

from expectations.model import WARN, raw_suite

SUITE = raw_suite(
    "crm_contacts",
    gxe.ExpectColumnValuesToMatchRegex(
        column="email", regex=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", severity=WARN
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="system_modstamp",
        column_B="last_modified_date",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=WARN,
    ),
)
