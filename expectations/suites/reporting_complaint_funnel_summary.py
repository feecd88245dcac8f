"""Complaint funnel per month × channel ('All' included): milestone counts never grow down the funnel, rates and Wilson bounds in [0, 1], durations ≥ 0."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "complaint_funnel_summary",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "classified_rate",
            "handled_rate",
            "notified_of_handled_rate",
            "sla_breach_rate",
            "sla_breach_ci_low",
            "sla_breach_ci_high",
            "reopen_rate",
        )
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=BLOCK)
        for c in ("resolve_hours_median", "resolve_hours_p90", "resolve_business_hours_median")
    ],
    at_least("received", "classified"),
    at_least("received", "handled"),
    at_least("handled", "notified"),
    at_least("sla_applicable", "sla_breached"),
    at_least("resolve_hours_p90", "resolve_hours_median"),
    key=("month_start", "channel_code"),
    required=("received", "sla_applicable", "channel_code"),
)
