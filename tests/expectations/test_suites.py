"""Each suite passes on clean data and fails on data with its planted defect."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import pytest

from expectations.runner import run_suite
from expectations.suites import SUITES

# one planted defect per suite: an UPDATE that breaks exactly what the suite guards
DEFECTS = {
    "raw_crm_cases": "update raw.crm_cases set priority = 'Urgent!' where rowid in (select rowid from raw.crm_cases limit 2)",
    "raw_erp_vbap": "update raw.erp_vbap set kwmeng = -5 where rowid in (select rowid from raw.erp_vbap limit 3)",
    "raw_erp_qals": "update raw.erp_qals set lmengesch = lmengepr + 10 where rowid in (select rowid from raw.erp_qals limit 1)",
    "raw_logistics_tracking_events": "update raw.logistics_tracking_events set status_code = 'ZZ' where rowid in (select rowid from raw.logistics_tracking_events limit 4)",
    "raw_surveys_responses": "update raw.surveys_responses set q1 = 11 where rowid in (select rowid from raw.surveys_responses limit 2)",
    "reporting_customer_satisfaction_monthly": "update reporting.customer_satisfaction_monthly set csat_top2_rate = 1.5 where rowid in "
    "(select rowid from reporting.customer_satisfaction_monthly limit 1)",
}


def test_every_suite_has_a_planted_defect() -> None:
    assert set(DEFECTS) == set(SUITES)


@pytest.mark.parametrize("name", sorted(SUITES))
def test_suite_passes_on_clean_data(name: str, pipeline_home: Path) -> None:
    result = run_suite(SUITES[name], db_path=pipeline_home / "warehouse" / "cqm.duckdb")
    assert result.passed, result.summary()
    assert result.rows > 0


@pytest.mark.parametrize("name", sorted(SUITES))
def test_suite_fails_on_planted_defect(name: str, pipeline_home: Path, tmp_path: Path) -> None:
    db = tmp_path / "broken.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", db)
    with duckdb.connect(str(db)) as conn:
        conn.execute(DEFECTS[name])
    result = run_suite(SUITES[name], db_path=db)
    assert not result.passed
    failure = result.blocking_failures[0]
    assert failure.unexpected_count >= 1 and failure.sample
    assert SUITES[name].table in result.summary()


def test_missing_table_fails_loudly(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = run_suite(SUITES["raw_crm_cases"], db_path=db)
    assert not result.passed and "no table raw.crm_cases" in result.summary()


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_wilson_reference_example() -> None:
    low, high = wilson(170, 200)
    assert round(low, 3) == 0.794 and round(high, 3) == 0.893


def test_published_intervals_match_their_definitions(pipeline_home: Path) -> None:
    with duckdb.connect(
        str(pipeline_home / "warehouse" / "serving.duckdb"), read_only=True
    ) as conn:
        rows = conn.execute(
            "select csat_satisfied, csat_n, csat_ci_low, csat_ci_high, promoters, detractors, nps_n, nps, "
            "nps_ci_low, nps_ci_high from reporting.customer_satisfaction_monthly"
        ).fetchall()
    assert rows
    for k, n, lo, hi, p, d, m, nps, nlo, nhi in rows:
        if n:
            elo, ehi = wilson(k, n)
            assert lo == pytest.approx(elo, abs=1e-9) and hi == pytest.approx(ehi, abs=1e-9)
        if m:
            assert nps == pytest.approx(100 * (p - d) / m)
            se = 100 * math.sqrt((p / m + d / m - (p / m - d / m) ** 2) / m)
            assert nlo == pytest.approx(nps - 1.96 * se) and nhi == pytest.approx(nps + 1.96 * se)
