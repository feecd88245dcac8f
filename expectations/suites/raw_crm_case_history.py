"""Case status history from the CRM: every status change between known statuses."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite
from expectations.suites.raw_crm_cases import STATUSES

SUITE = raw_suite(
    "crm_case_history",
    gxe.ExpectColumnValuesToBeInSet(column="field", value_set=["Status"], severity=WARN),
    gxe.ExpectColumnValuesToBeInSet(column="new_value", value_set=STATUSES, severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(column="old_value", value_set=STATUSES, severity=BLOCK),
    # the demo CRM reuses history ids across cases: reported, not blocking (see the report)
    key_severity=WARN,
)
