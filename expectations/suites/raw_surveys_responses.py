"""What the survey tool must deliver: scores on their scales."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, Suite

SUITE = Suite(
    name="raw_surveys_responses",
    schema="raw",
    table="surveys_responses",
    description="Survey responses: NPS 0-10, CSAT 1-5, CES 1-7 integers; a response id on every row.",
    columns=["response_id", "status", "q1", "q2", "q3", "progress"],
    expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="response_id", severity=BLOCK),
        gxe.ExpectColumnValuesToBeBetween(column="q1", min_value=0, max_value=10, severity=BLOCK),
        gxe.ExpectColumnValuesToBeBetween(column="q2", min_value=1, max_value=5, severity=BLOCK),
        gxe.ExpectColumnValuesToBeBetween(column="q3", min_value=1, max_value=7, severity=BLOCK),
        gxe.ExpectColumnValuesToBeBetween(
            column="progress", min_value=0, max_value=100, severity=WARN
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="status",
            value_set=["0", "1", "2", "4", "8", "9", "12", "16", "17"],
            severity=WARN,
        ),
    ],
)
