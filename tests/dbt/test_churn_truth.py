"""Defect exposure → churn against the planted truth.

The simulator plants the effect of an observable exposure (a justified quality complaint) on the churn
hazard and writes the true ATT risk ratio (both potential outcomes, common random numbers) to
truth.json. Churn is rare, so this lands its own sources at a scale with enough churn events and builds the
impact mart and what it depends on (the full pipeline's checks and publish add nothing to this question)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from simulator.writers import simulate
from tests.dbt.helpers import land_raw, run_dbt

SCALE, SEED = 3.0, 7


@pytest.fixture(scope="module")
def churn_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sources, database) with reporting.quality_satisfaction_impact built at SCALE."""
    src = tmp_path_factory.mktemp("churn_sources")
    simulate(src, SCALE, SEED)
    tmp = tmp_path_factory.mktemp("churn")
    db = tmp / "cqm.duckdb"
    land_raw(src, db)
    run_dbt(
        [
            "build",
            "--select",
            "+quality_satisfaction_impact",
            "--exclude-resource-type",
            "test",
            "unit_test",
        ],
        tmp / "target",
        {"CQM_DUCKDB_PATH": str(db), "CQM_DBT_TARGET": "duckdb"},
    )
    return src, db


def _impact(db: Path, method: str) -> dict[str, Any]:
    with duckdb.connect(str(db), read_only=True) as conn:
        cur = conn.execute(
            "select * from reporting.quality_satisfaction_impact "
            "where analysis_id = 'quality_complaint_churn' and method = ? and stratum = 'all'",
            [method],
        )
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    assert len(rows) == 1
    return rows[0]


def test_adjusted_interval_covers_the_true_att_and_naive_is_biased_by_the_confounder(
    churn_build: tuple[Path, Path],
) -> None:
    src, db = churn_build
    truth = json.loads((src / "truth.json").read_text())
    t = truth["effects"]["defect_exposure_on_churn"]
    att = t["att_risk_ratio_180d"]
    assert t["exposed_churned"] >= 15, "enough churn events to estimate anything"
    assert att > 1, "the planted effect is harm"
    naive = _impact(db, "naive")
    adjusted = _impact(db, "mantel_haenszel")
    # the mart counts the same units the simulator's truth is defined on
    assert adjusted["n_exposed"] == t["exposed_units"]
    assert adjusted["n_unexposed"] == t["unexposed_units"]
    assert round(adjusted["rate_exposed"] * adjusted["n_exposed"]) == t["exposed_churned"]
    assert adjusted["ci_low"] <= att <= adjusted["ci_high"], (att, adjusted)
    # Enterprise orders most (most exposure) and churns least: pooled, exposure looks less harmful
    assert naive["estimate"] < adjusted["estimate"]
    assert naive["estimate"] < att
