"""The reporting marts recover what the simulator planted, and their statistics follow their definitions."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _rows(home: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True) as conn:
        cur = conn.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _binomial_lower_quantile(n: int, p: float, alpha: float) -> int:
    """The smallest k with P(X < k) < alpha <= P(X <= k) for X ~ Binomial(n, p)."""
    cdf = 0.0
    for k in range(n + 1):
        cdf += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if cdf >= alpha:
            return k
    return n


def _truth(home: Path) -> dict[str, Any]:
    return json.loads((home / "warehouse" / "sources" / "truth.json").read_text())["effects"]  # type: ignore[no-any-return]


def _impact(home: Path, analysis: str, method: str) -> dict[str, Any]:
    rows = _rows(
        home,
        f"select * from reporting.quality_satisfaction_impact where analysis_id = '{analysis}' "
        f"and method = '{method}' and stratum = 'all'",
    )
    assert len(rows) == 1, (analysis, method)
    return rows[0]


def test_late_delivery_effect_on_csat_covers_the_planted_truth(pipeline_home: Path) -> None:
    t = _truth(pipeline_home)["late_delivery_on_post_delivery_csat"]
    # the true effect on the late: mean over late respondents of P(top-2 | late) − P(top-2 | had it been on time)
    late = _rows(
        pipeline_home,
        """
        select s.days_late, c.segment
        from marts.fct_survey_responses r
        join marts.fct_shipments s on r.delivery_id = s.delivery_id
        join marts.dim_customer c on r.customer_key = c.customer_key
        where r.survey_type = 'post_delivery' and r.csat_score is not null and s.days_late > 0""",
    )
    assert len(late) >= 30
    att = sum(
        _logistic(
            t["intercept"]
            + t["b_late"]
            + t["b_days_late"] * min(r["days_late"], 14)
            + t["segment"][r["segment"]]
        )
        - _logistic(t["intercept"] + t["segment"][r["segment"]])
        for r in late
    ) / len(late)
    for method in ("naive", "mantel_haenszel"):
        est = _impact(pipeline_home, "late_delivery_csat", method)
        assert est["ci_low"] <= att <= est["ci_high"], (method, att, est)
        assert est["ci_high"] < 0, "late deliveries must show as harmful"


def test_dose_response_falls_with_days_late(pipeline_home: Path) -> None:
    rows = _rows(
        pipeline_home,
        "select stratum, estimate, n_exposed from reporting.quality_satisfaction_impact "
        "where method = 'dose_response' order by stratum",
    )
    assert rows[0]["stratum"].startswith("1:") and rows[0]["n_exposed"] > rows[1]["n_exposed"]
    assert rows[0]["estimate"] > rows[1]["estimate"]


def test_sla_breach_effect_on_post_case_csat_covers_the_planted_truth(pipeline_home: Path) -> None:
    t = _truth(pipeline_home)["sla_breach_on_post_case_csat"]
    truth = _logistic(t["intercept"] + t["b_breach"]) - _logistic(t["intercept"])
    for method in ("naive", "mantel_haenszel"):
        est = _impact(pipeline_home, "sla_breach_csat", method)
        assert est["ci_low"] <= truth <= est["ci_high"], (method, truth, est)


def test_difference_in_differences_covers_the_planted_intervention(pipeline_home: Path) -> None:
    t = _truth(pipeline_home)["automated_inspection"]
    did = _impact(pipeline_home, "automated_inspection_did", "difference_in_differences")
    assert did["ci_low"] <= t["defect_rate_multiplier"] <= did["ci_high"], did
    assert did["ci_high"] < 1, "the intervention must show as an improvement"
    naive = _impact(pipeline_home, "automated_inspection_did", "naive")
    # the naive before/after ratio also absorbs the common trend that the control line removes
    assert naive["estimate"] == pytest.approx(did["estimate"] * did["rate_unexposed"], rel=1e-9)


def _we_rules(z: list[float | None]) -> list[tuple[bool, bool, bool, bool]]:
    """Western Electric rules 1-4, written independently of the SQL."""
    out = []
    for i, zi in enumerate(z):

        def window(k: int, i: int = i) -> list[float] | None:
            w = z[max(0, i - k + 1) : i + 1]
            return (
                None if len(w) < k or any(v is None for v in w) else [v for v in w if v is not None]
            )

        w3, w5, w8 = window(3), window(5), window(8)
        r1 = zi is not None and abs(zi) > 3
        r2 = (
            w3 is not None
            and zi is not None
            and (
                (zi > 2 and sum(v > 2 for v in w3) >= 2)
                or (zi < -2 and sum(v < -2 for v in w3) >= 2)
            )
        )
        r3 = (
            w5 is not None
            and zi is not None
            and (
                (zi > 1 and sum(v > 1 for v in w5) >= 4)
                or (zi < -1 and sum(v < -1 for v in w5) >= 4)
            )
        )
        r4 = w8 is not None and (all(v > 0 for v in w8) or all(v < 0 for v in w8))
        out.append((r1, r2, r3, r4))
    return out


def test_spc_rules_and_frozen_baseline(pipeline_home: Path) -> None:
    rows = _rows(
        pipeline_home, "select * from reporting.spc_control_chart order by chart_id, subgroup_no"
    )
    charts: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        charts.setdefault(r["chart_id"], []).append(r)
    assert {c[:2] for c in charts} == {"p_", "u_"}
    fired = 0
    for chart_id, points in charts.items():
        expected = _we_rules([p["z"] for p in points])
        for p, (r1, r2, r3, r4) in zip(points, expected, strict=True):
            assert (p["we1"], p["we2"], p["we3"], p["we4"]) == (r1, r2, r3, r4), (
                chart_id,
                p["subgroup_no"],
            )
            fired += r1 or r2 or r3 or r4
        baseline = [p for p in points if p["phase"] == "I"]
        assert len(baseline) == min(25, len(points))
        cl = sum(p["x"] for p in baseline) / sum(p["n"] for p in baseline)
        assert all(p["center_line"] == pytest.approx(cl) for p in points), (
            "Phase I limits must stay frozen"
        )
        if chart_id.startswith("p_"):
            for p in points:
                assert p["ucl"] == pytest.approx(
                    min(1.0, cl + 3 * math.sqrt(cl * (1 - cl) / p["n"]))
                )
                assert p["lcl"] == pytest.approx(
                    max(0.0, cl - 3 * math.sqrt(cl * (1 - cl) / p["n"]))
                )
    assert fired > 0
    # the planted intervention shows on the treated line as Phase II signals below the centre line
    treated = [
        p
        for p in charts["p_final_L2"]
        if p["phase"] == "II" and p["subgroup_start"].isoformat() >= "2025-10-06"
    ]
    assert sum(p["any_signal"] and p["z"] < 0 for p in treated) >= 3


def test_scorecard_company_row_is_a_ratio_of_sums(pipeline_home: Path) -> None:
    rows = _rows(pipeline_home, "select * from reporting.quality_scorecard_monthly")
    by_month: dict[Any, dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_month.setdefault(r["month_start"], {})[r["plant_id"]] = r
    checked = 0
    for plants in by_month.values():
        if "All" not in plants or len(plants) < 2:
            continue
        total = plants["All"]
        parts = [v for k, v in plants.items() if k != "All"]
        assert total["final_inspected_units"] == pytest.approx(
            sum(p["final_inspected_units"] for p in parts)
        )
        if total["final_inspected_units"]:
            assert total["final_defective_rate"] == pytest.approx(
                sum(p["final_defective_units"] for p in parts)
                / sum(p["final_inspected_units"] for p in parts)
            )
        if total["final_dpmo"]:
            from statistics import NormalDist

            assert total["sigma_level_st_shift15"] == pytest.approx(
                NormalDist().inv_cdf(1 - total["final_dpmo"] / 1e6) + 1.5, abs=1e-6
            )
            checked += 1
    assert checked > 0


def test_churn_rows_count_their_units_and_keep_estimates_inside_intervals(
    pipeline_home: Path,
) -> None:
    """Churn is too rare at this scale for the planted effect; tests/dbt/test_churn_truth.py checks it
    against the truth at a larger scale. Here: both rows exist, with their n."""
    for method in ("naive", "mantel_haenszel"):
        row = _impact(pipeline_home, "quality_complaint_churn", method)
        assert row["n_exposed"] > 0 and row["n_unexposed"] > row["n_exposed"]
        if row["estimate"] is not None:
            assert row["ci_low"] <= row["estimate"] <= row["ci_high"]


def test_customer_months_are_censored_at_the_end_of_the_data(pipeline_home: Path) -> None:
    rows = _rows(
        pipeline_home, "select month_start, churned_next_180d from marts.fct_customer_months"
    )
    last = max(r["month_start"] for r in rows)
    recent = [
        r
        for r in rows
        if (last.year - r["month_start"].year) * 12 + last.month - r["month_start"].month < 5
    ]
    assert recent and all(r["churned_next_180d"] is None for r in recent)
    assert any(r["churned_next_180d"] is not None for r in rows)


def test_supplier_scorecard_singles_out_the_planted_poor_supplier(pipeline_home: Path) -> None:
    poor = _truth(pipeline_home)["poor_supplier"]["supplier"]
    rows = _rows(
        pipeline_home,
        """
        select supplier_id, sum(defective_units) as k, sum(inspected_units) as n
        from reporting.supplier_scorecard group by supplier_id order by sum(defective_units) / sum(inspected_units) desc""",
    )
    assert rows[0]["supplier_id"] == poor
    others_k = sum(r["k"] for r in rows[1:])
    others_n = sum(r["n"] for r in rows[1:])
    assert rows[0]["k"] / rows[0]["n"] > 3 * others_k / others_n


def test_supplier_scorecard_recovers_the_planted_delivery_performance(pipeline_home: Path) -> None:
    """In-full rates match the planted short-shipment probabilities (99.9 % Wilson intervals cover 1 - p,
    for the poor supplier and for the others pooled), and the supplier with planted extra lateness has a
    lower on-time delivery than the others pooled. Receipts follow production, not --scale: about 130."""
    truth = _truth(pipeline_home)["poor_supplier"]
    rows = _rows(
        pipeline_home,
        f"""
        select supplier_id = '{truth["supplier"]}' as is_poor, sum(in_full_lines) as in_full,
            sum(on_time_lines) as on_time, sum(receipt_lines) as n
        from reporting.supplier_scorecard group by 1""",
    )
    by = {r["is_poor"]: r for r in rows}
    z = 3.29
    for is_poor, r in by.items():
        p_short = truth["short_ship_p"] if is_poor else truth["other_suppliers_short_ship_p"]
        n = int(r["n"])
        assert n >= 10, "enough receipts to say anything"
        p = int(r["in_full"]) / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert centre - half <= 1 - p_short <= centre + half, (is_poor, r, p_short)
    assert truth["extra_late_p"] > truth["other_suppliers_extra_late_p"]
    assert by[True]["on_time"] / by[True]["n"] < by[False]["on_time"] / by[False]["n"]


def test_pareto_cumulates_to_one_in_rank_order(pipeline_home: Path) -> None:
    rows = _rows(
        pipeline_home,
        "select * from reporting.root_cause_pareto order by period, level, pareto_rank",
    )
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["period"], r["level"]), []).append(r)
    assert ("all", "category_6m") in groups
    for items in groups.values():
        shares = [r["cumulative_share"] for r in items]
        assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0)
        assert [r["occurrences"] for r in items] == sorted(
            (r["occurrences"] for r in items), reverse=True
        )
        assert items[0]["pareto_class"] == "A"


def test_cost_of_quality_adds_up(pipeline_home: Path) -> None:
    rows = _rows(pipeline_home, "select * from reporting.cost_of_quality")
    assert rows
    for r in rows:
        parts = (
            r["prevention_cost"]
            + r["appraisal_cost"]
            + r["internal_failure_cost"]
            + r["external_failure_cost"]
        )
        assert r["cost_of_quality"] == pytest.approx(parts)
        assert r["cost_of_poor_quality"] == pytest.approx(
            r["internal_failure_cost"] + r["external_failure_cost"]
        )


def _capability_by_numpy(
    values: list[tuple[str, float]], lsl: float, usl: float
) -> dict[str, float]:
    """Cp, Cpk, Pp, Ppk from raw values grouped into subgroups, independently of the SQL (numpy)."""
    import numpy as np

    groups: dict[str, list[float]] = {}
    for key, v in values:
        groups.setdefault(key, []).append(v)
    x = np.array([v for _, v in values])
    sizes = {len(g) for g in groups.values()}
    d2 = {2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326, 6: 2.534, 7: 2.704, 8: 2.847, 9: 2.970, 10: 3.078}
    if len(sizes) == 1 and (size := sizes.pop()) in d2:
        sigma_within = float(np.mean([np.ptp(g) for g in groups.values()])) / d2[size]
    else:
        ss = sum((len(g) - 1) * np.var(g, ddof=1) for g in groups.values() if len(g) > 1)
        sigma_within = math.sqrt(ss / sum(len(g) - 1 for g in groups.values()))
    mu, s = float(x.mean()), float(x.std(ddof=1))
    return {
        "cp": (usl - lsl) / (6 * sigma_within),
        "cpk": min(usl - mu, mu - lsl) / (3 * sigma_within),
        "pp": (usl - lsl) / (6 * s),
        "ppk": min(usl - mu, mu - lsl) / (3 * s),
    }


def test_process_capability_matches_numpy_and_recovers_the_planted_cp(pipeline_home: Path) -> None:
    truth = _truth(pipeline_home)["measurement_process"]
    caps = _rows(pipeline_home, "select * from reporting.process_capability where period = 'all'")
    assert caps and all(r["sigma_within_method"] == "rbar_d2" for r in caps)
    values = _rows(
        pipeline_home,
        "select product_id, spec_lsl, spec_usl, subgroup_key, measured_value "
        "from marts.fct_measurements where measured_value is not null",
    )
    by_chart: dict[tuple[str, float, float], list[tuple[str, float]]] = {}
    for v in values:
        by_chart.setdefault((v["product_id"], v["spec_lsl"], v["spec_usl"]), []).append(
            (v["subgroup_key"], v["measured_value"])
        )
    for r in caps:
        expected = _capability_by_numpy(
            by_chart[(r["product_id"], r["spec_lsl"], r["spec_usl"])], r["spec_lsl"], r["spec_usl"]
        )
        for index, value in expected.items():
            assert r[index] == pytest.approx(value, rel=1e-9), (r["product_id"], index)
            assert r[f"{index}_ci_low"] <= r[index] <= r[f"{index}_ci_high"]
    # the planted Cp per line (the process is centred, so Cpk = Cp): lines without a planted change over
    # the whole period; intervals cover the truth for (nearly) every product, the line means sit close
    plain = [r for r in caps if r["line_id"] not in (truth["spc_mean_shift"]["line"], "L2")]
    covered = [
        r["cp_ci_low"] <= truth["line_cp"][r["line_id"]] <= r["cp_ci_high"]
        and r["cpk_ci_low"] <= truth["line_cp"][r["line_id"]] <= r["cpk_ci_high"]
        for r in plain
    ]
    # each product's pair of 95 % intervals covers the truth with probability >= 0.9 (Bonferroni); fewer covered
    # than the binomial 1 % quantile would mean the intervals are too narrow, not bad luck
    assert sum(covered) >= _binomial_lower_quantile(len(covered), 0.9, 0.01), (
        sum(covered),
        len(covered),
    )
    for line in {r["line_id"] for r in plain}:
        cpks = [r["cpk"] for r in plain if r["line_id"] == line]
        assert sum(cpks) / len(cpks) == pytest.approx(truth["line_cp"][line], rel=0.06), line
    # the planted mean shift on one line shows as x-bar/R instability and a drop of Cpk in those months
    shift = truth["spc_mean_shift"]
    shifted_line = [r for r in caps if r["line_id"] == shift["line"]]
    assert shifted_line and not any(r["is_stable_xbar_r"] for r in shifted_line)
    assert sum(r["is_stable_xbar_r"] for r in plain) >= 0.6 * len(plain)
    months = _rows(
        pipeline_home,
        f"select month_start, cpk, is_stable_xbar_r, is_small_sample from reporting.process_capability "
        f"where period = 'month' and line_id = '{shift['line']}'",
    )
    during = [r for r in months if r["month_start"].isoformat() in shift["months"]]
    before = [r for r in months if r["month_start"].isoformat() < min(shift["months"])]
    assert during and before and all(r["is_small_sample"] for r in during)
    assert sum(r["is_stable_xbar_r"] for r in during) <= 0.25 * len(during)
    assert (
        sum(r["cpk"] for r in during) / len(during)
        < sum(r["cpk"] for r in before) / len(before) - 0.2
    )


def test_supplier_ranking_puts_the_planted_poor_supplier_last(pipeline_home: Path) -> None:
    poor = _truth(pipeline_home)["poor_supplier"]["supplier"]
    rows = _rows(
        pipeline_home, "select * from reporting.supplier_ranking order by composite_rank_best_first"
    )
    assert rows[-1]["supplier_id"] == poor
    assert rows[-1]["grade"] == "D" and rows[-1]["scars_issued"] > 0
    others = rows[:-1]
    assert all(r["composite_score"] > rows[-1]["composite_score"] + 10 for r in others)
    # the composite is the weighted mean of its parts (weights 0.5 / 0.3 / 0.2 from the seed)
    for r in rows:
        parts = [
            (0.5, r["quality_score"]),
            (0.3, r["delivery_score"]),
            (0.2, r["responsiveness_score"]),
        ]
        present = [(w, s) for w, s in parts if s is not None]
        assert r["composite_score"] == pytest.approx(
            sum(w * s for w, s in present) / sum(w for w, _ in present)
        )
    # monthly scorecard sums to the ranking (ratio of sums)
    monthly = _rows(
        pipeline_home,
        f"select sum(otif_lines) as otif, sum(receipt_lines) as lines from reporting.supplier_scorecard "
        f"where supplier_id = '{poor}'",
    )[0]
    assert rows[-1]["otif_rate"] == pytest.approx(monthly["otif"] / monthly["lines"])


def test_return_cohorts_are_censored_and_show_the_recall(pipeline_home: Path) -> None:
    recall = _truth(pipeline_home)["batch_recall"]
    rows = _rows(pipeline_home, "select * from reporting.return_cohorts order by ship_month")
    last = max(r["ship_month"] for r in rows)
    for r in rows:
        if r["ship_month"] == last:
            assert not r["is_window_complete"] and r["return_rate"] is None
        if r["is_window_complete"]:
            assert r["return_rate"] == pytest.approx(r["returned_units"] / r["shipped_units"])
    # a longer window never holds fewer returns
    by_month: dict[Any, dict[int, float]] = {}
    for r in rows:
        by_month.setdefault(r["ship_month"], {})[r["window_days"]] = r["returned_units"]
    for windows in by_month.values():
        counts = [windows[w] for w in sorted(windows)]
        assert counts == sorted(counts)
    recalls = _rows(pipeline_home, "select * from reporting.batch_recalls")
    assert {r["batch_id"] for r in recalls} == set(recall["recalled_batches"])
    for r in recalls:
        assert r["recall_returned_units"] > 0 and r["customers_reached"] > 0
        assert r["recall_date"].isoformat()[:7] == recall["recall_month"][:7]
    # the recall month's cohort stands out in the quality return rate
    recall_rows = [
        r
        for r in rows
        if r["window_days"] == 90 and r["recall_returned_units"] > 0 and r["is_window_complete"]
    ]
    typical = sorted(
        r["quality_return_rate"]
        for r in rows
        if r["window_days"] == 90 and r["is_window_complete"] and not r["recall_returned_units"]
    )
    assert recall_rows and typical
    assert max(r["quality_return_rate"] for r in recall_rows) > 3 * typical[len(typical) // 2]


def test_complaint_rates_per_unit_and_per_customer_follow_their_bases(pipeline_home: Path) -> None:
    """Complaints per million units shipped and per 100 ordering customers, against independent sums of the facts."""
    rows = _rows(
        pipeline_home,
        "select * from reporting.quality_scorecard_monthly where plant_id = 'All' order by month_start",
    )
    shipped = {
        r["m"]: r["units"]
        for r in _rows(
            pipeline_home,
            "select cast(date_trunc('month', goods_issue_date) as date) as m, sum(shipped_qty) as units "
            "from marts.fct_shipments where goods_issue_date is not null group by 1",
        )
    }
    customers = {
        r["m"]: r["n"]
        for r in _rows(
            pipeline_home,
            "select cast(date_trunc('month', o.order_date) as date) as m, count(distinct c.customer_id) as n "
            "from marts.fct_order_lines o join marts.dim_customer c using (customer_key) "
            "where not o.is_cancelled group by 1",
        )
    }
    assert rows
    for r in rows:
        m = r["month_start"]
        assert r["shipped_units"] == pytest.approx(float(shipped.get(m, 0)))
        assert r["ordering_customers"] == customers.get(m, 0)
        if r["shipped_units"] > 0:
            assert r["complaints_per_million_units_shipped"] == pytest.approx(
                1e6 * r["justified_complaints"] / r["shipped_units"]
            )
        if r["ordering_customers"] > 0:
            assert r["complaints_per_100_ordering_customers"] == pytest.approx(
                100 * r["justified_complaints"] / r["ordering_customers"]
            )
