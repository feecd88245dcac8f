"""Process capability: intervals bracket their index (Cp, Cpk, Pp, Ppk), σ not negative, observed PPM in [0, 10⁶], Cp ≥ Cpk for a two-sided spec, at least one subgroup per row."""

import great_expectations.expectations as gxe

from expectations.model import BLOCK, mart_suite

SUITE = mart_suite(
    "reporting",
    "process_capability",
    *[
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=index, column_B=f"{index}_ci_low", or_equal=True, severity=BLOCK
        )
        for index in ("cp", "cpk", "pp", "ppk")
    ],
    *[
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=f"{index}_ci_high", column_B=index, or_equal=True, severity=BLOCK
        )
        for index in ("cp", "cpk", "pp", "ppk")
    ],
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="cp", column_B="cpk", or_equal=True, severity=BLOCK
    ),
    *[
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=BLOCK)
        for c in ("sigma_within", "sigma_overall")
    ],
    *[
        gxe.ExpectColumnValuesToBeBetween(
            column=c, min_value=0, max_value=1_000_000, severity=BLOCK
        )
        for c in ("observed_ppm", "expected_ppm_overall")
    ],
    gxe.ExpectColumnValuesToBeBetween(column="subgroup_count", min_value=1, severity=BLOCK),
    gxe.ExpectColumnValuesToBeInSet(
        column="sigma_within_method", value_set=["rbar_d2", "mrbar_d2", "pooled_sd"], severity=BLOCK
    ),
    key=("capability_key",),
    required=("period", "product_id", "characteristic_id", "n", "is_stable_xbar_r"),
)
