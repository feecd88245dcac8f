"""Root-cause Pareto: shares in [0, 1], cumulative share ≥ share, classes A/B/C, known levels."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, at_least, mart_suite

SUITE = mart_suite(
    "reporting",
    "root_cause_pareto",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in ("share", "cumulative_share")
    ],
    at_least("cumulative_share", "share"),
    gxe.ExpectColumnValuesToBeInSet(
        column="pareto_class", value_set=["A", "B", "C"], severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeInSet(
        column="level", value_set=["root_cause", "category_6m"], severity=BLOCK
    ),
    key=("period", "level", "item"),
    required=("occurrences", "pareto_rank"),
)
