"""CAPA tracker: numerators within their denominators, rates and Wilson bounds in [0, 1], cycle times ≥ 0, known case types."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "capa_tracker",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "overdue_rate",
            "on_time_closure_rate",
            "on_time_closure_ci_low",
            "on_time_closure_ci_high",
            "effectiveness_rate",
            "effectiveness_ci_low",
            "effectiveness_ci_high",
            "recurrence_rate",
            "recurrence_ci_low",
            "recurrence_ci_high",
        )
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=BLOCK)
        for c in ("cycle_time_days_median", "cycle_time_days_p90", "open_cases")
    ],
    gxe.ExpectColumnValuesToBeInSet(
        column="case_type", value_set=["8D", "PDCA", "All", "Unknown"], severity=BLOCK
    ),
    at_least("open_cases", "open_overdue"),
    at_least("due_cases", "closed_on_time"),
    at_least("effectiveness_checked", "verified_effective"),
    at_least("recurrence_checked", "recurred"),
    at_least("cycle_time_days_p90", "cycle_time_days_median"),
    key=("month_start", "case_type"),
    required=("open_cases", "open_in_plan", "open_in_do", "open_in_check", "open_in_act"),
)
