"""Quality scorecard: rates and yields in [0, 1], sigma level in [0, 7], NPS in [-100, 100], DPMO ≥ 0."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "quality_scorecard_monthly",
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1, severity=BLOCK)
        for c in (
            "final_defective_rate",
            "final_defective_ci_low",
            "final_defective_ci_high",
            "fpy_in_process",
            "fpy_final",
            "rty",
            "otd_rate",
            "otd_ci_low",
            "otd_ci_high",
            "otif_rate",
            "csat_top2_rate",
            "csat_ci_low",
            "csat_ci_high",
        )
    ],
    gxe.ExpectColumnValuesToBeBetween(
        column="sigma_level_st_shift15", min_value=0, max_value=7, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeBetween(column="nps", min_value=-100, max_value=100, severity=BLOCK),
    gxe.ExpectColumnValuesToBeBetween(
        column="final_dpmo", min_value=0, max_value=1_000_000, severity=BLOCK
    ),
    gxe.ExpectColumnValuesToBeBetween(
        column="complaints_per_1000_orders", min_value=0, severity=BLOCK
    ),
    key=("month_start", "plant_id"),
    required=("final_inspected_units", "delivered_lines", "orders"),
)
