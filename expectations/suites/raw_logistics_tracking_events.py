"""What carriers must deliver: EDI 214 status events with known codes."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, Suite

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

SUITE = Suite(
    name="raw_logistics_tracking_events",
    schema="raw",
    table="logistics_tracking_events",
    description="Carrier events: X12 1650 status codes, AT7 time codes, well-formed dates and times.",
    columns=["pro_number", "status_code", "event_date", "event_time", "time_code"],
    expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="pro_number", severity=BLOCK),
        gxe.ExpectColumnValuesToBeInSet(
            column="status_code", value_set=KNOWN_STATUS, severity=BLOCK
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="time_code", value_set=["LT", "UT", "ET", "CT", "MT", "PT"], severity=BLOCK
        ),
        gxe.ExpectColumnValuesToMatchRegex(column="event_date", regex=r"^20\d{6}$", severity=BLOCK),
        gxe.ExpectColumnValuesToMatchRegex(
            column="event_time", regex=r"^(?:[01]\d|2[0-3])[0-5]\d$", severity=BLOCK
        ),
    ],
)
