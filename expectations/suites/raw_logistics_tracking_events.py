"""Carrier status events (EDI 214): X12 1650 status codes, AT7 time codes, well-formed dates and times."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, raw_suite

KNOWN_STATUS = [
    "X3",
    "CP",
    "AF",
    "X4",
    "P1",
    "X6",
    "X1",
    "X5",
    "D1",
    "AH",
    "AP",
    "SD",
    "A9",
    "A7",
    "A3",
    "AG",
    "X2",
    "PA",
    "CA",
]

SUITE = raw_suite(
    "logistics_tracking_events",
    gxe.ExpectColumnValuesToBeInSet(column="status_code", value_set=KNOWN_STATUS, severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(
        column="time_code",
        value_set=[
            "LT",
            "UT",
            "ET",
            "CT",
            "MT",
            "PT",
            "ED",
            "ES",
            "CD",
            "CS",
            "MD",
            "MS",
            "PD",
            "PS",
        ],
        severity=BLOCK,
    ),
    gxe.ExpectColumnValuesToMatchRegex(column="event_date", regex=r"^20\d{6}$", severity=BLOCK),
    gxe.ExpectColumnValuesToMatchRegex(
        column="event_time", regex=r"^(?:[01]\d|2[0-3])[0-5]\d$", severity=BLOCK
    ),
    # carriers send events daily: the newest event should be close to the latest load
    event_time="try_strptime(event_date, '%Y%m%d')",
    event_lag_hours=24 * 45,
)
