"""Training compliance: rates and Wilson bounds in [0, 1], compliant and overdue never exceed required."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "training_compliance",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "compliance_rate",
            "compliance_ci_low",
            "compliance_ci_high",
            "overdue_rate",
            "overdue_ci_low",
            "overdue_ci_high",
            "monthly_completion_rate",
            "monthly_completion_ci_low",
            "monthly_completion_ci_high",
        )
    ],
    gxe.ExpectColumnValuesToBeBetween(column="training_hours", min_value=0, severity=BLOCK),
    at_least("required_trainings", "compliant_trainings"),
    at_least("required_trainings", "overdue_trainings"),
    at_least("required_trainings", "required_taken_in_month"),
    at_least("compliance_ci_high", "compliance_rate"),
    at_least("compliance_rate", "compliance_ci_low"),
    key=("month_start", "team_name", "job_role"),
    required=("required_trainings", "compliant_trainings", "overdue_trainings"),
)
