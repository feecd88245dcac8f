"""Complaint funnel: milestone counts never grow down the funnel, rates and Wilson bounds in [0, 1], durations ≥ 0."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "complaint_funnel",
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
            "first_response_sla_breach_rate",
            "any_sla_breach_rate",
            "fcr_rate",
            "fcr_ci_low",
            "fcr_ci_high",
        )
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=BLOCK)
        for c in (
            "classify_hours_median",
            "resolve_hours_median",
            "resolve_hours_p90",
            "resolve_business_hours_median",
            "resolve_business_hours_p90",
            "notify_hours_median",
            "first_response_hours_median",
            "first_response_business_minutes_median",
            "resolve_business_minutes_median",
        )
    ],
    at_least("received", "classified"),
    at_least("received", "handled"),
    at_least("handled", "notified"),
    at_least("sla_applicable", "sla_breached"),
    at_least("resolve_hours_p90", "resolve_hours_median"),
    at_least("first_response_hours_p90", "first_response_hours_median"),
    at_least("handled", "fcr_resolved"),
    key=("month_start", "channel_code", "category_l1", "priority"),
    required=("received", "sla_applicable"),
)
