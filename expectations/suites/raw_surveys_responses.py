"""Survey responses: NPS 0-10, CSAT 1-5, CES 1-7 and driver ratings 1-5 on their scales; known statuses."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, WARN, raw_suite

SUITE = raw_suite(
    "surveys_responses",
    gxe.ExpectColumnValuesToBeBetween(column="q1", min_value=0, max_value=10, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="q2", min_value=1, max_value=5, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="q3", min_value=1, max_value=7, severity=BLOCK),
    *[
        gxe.ExpectColumnValuesToBeBetween(
            column=f"q4_{i}", min_value=1, max_value=5, severity=BLOCK
        )
        for i in range(1, 5)
    ],
    gxe.ExpectColumnValuesToBeBetween(column="duration_in_seconds", min_value=0, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(column="progress", min_value=0, max_value=100, severity=WARN),
    gxe.ExpectColumnValuesToBeInSet(
        column="status",
        value_set=["0", "1", "2", "4", "8", "9", "12", "16", "17"],
        severity=WARN,
    ),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="end_date",
        column_B="start_date",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=BLOCK,
    ),
    event_time="try_strptime(recorded_date, '%Y-%m-%d %H:%M:%S')",
    event_lag_hours=24 * 120,
)
