"""Account field history from the CRM: tracked segment changes with known values."""

import great_expectations.expectations as gxe

from expectations.model import WARN, raw_suite

SEGMENTS = ["Enterprise", "Mid-market", "SMB"]

SUITE = raw_suite(
    "crm_account_history",
    gxe.ExpectColumnValuesToBeInSet(
        column="field", value_set=["Segment__c", "Tier__c", "Region__c"], severity=WARN
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="new_value", value_set=[*SEGMENTS, "Strategic", "Key", "Standard"], severity=WARN
    ),
    # the demo CRM reuses history ids across records: reported, not blocking (see the report)
    key_severity=WARN,
    min_rows=0,
)
