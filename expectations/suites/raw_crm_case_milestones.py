"""SLA milestones of cases (Salesforce CaseMilestone): First Response and Resolution, with target, completion and violation: landed as the contract says, natural key unique, quantities and amounts not negative."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

SUITE = raw_suite(
    "crm_case_milestones",
    gxe.ExpectColumnValuesToBeBetween(column="target_response_in_hrs", min_value=0, severity=BLOCK),
)
