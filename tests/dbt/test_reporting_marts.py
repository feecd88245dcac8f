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
