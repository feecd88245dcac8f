"""The process marts (complaint funnel, CAPA tracker, training compliance) recover what the simulator
planted, and first response times match an independent computation on the staging data."""

from __future__ import annotations

import json
import math
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT

Z95 = 1.96


def _df(home: Path, sql: str, build: bool = False) -> pd.DataFrame:
    name = "cqm.duckdb" if build else "serving.duckdb"
    with duckdb.connect(str(home / "warehouse" / name), read_only=True) as conn:
        return conn.execute(sql).df()


def _truth(home: Path) -> dict[str, Any]:
    return json.loads((home / "warehouse" / "sources" / "truth.json").read_text())["effects"]  # type: ignore[no-any-return]


def _wilson(k: float, n: float) -> tuple[float, float]:
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return centre - half, centre + half


def test_fcr_rate_covers_the_planted_share(pipeline_home: Path) -> None:
    planted = _truth(pipeline_home)["first_contact_resolution_on_post_case_csat"]
    funnel = _df(pipeline_home, "select * from reporting.complaint_funnel")
    fcr, handled, reopened = (int(funnel[c].sum()) for c in ("fcr_resolved", "handled", "reopened"))
    # the CRM flags FCR on a share of the cases that are never reopened
    low, high = _wilson(fcr, handled - reopened)
    assert low <= planted["fcr_share_of_cases_not_reopened"] <= high, (fcr, handled, reopened)
    # and the mart's own rate is fcr / handled with its Wilson interval
    for r in funnel.itertuples():
        if r.handled:
            assert r.fcr_rate == pytest.approx(r.fcr_resolved / r.handled)
            assert (r.fcr_ci_low, r.fcr_ci_high) == pytest.approx(
                _wilson(r.fcr_resolved, r.handled)
            )


def _business_minutes(start: datetime, end: datetime, holidays: set[Any]) -> float:
    """Minutes inside 08:00-17:00 America/New_York on weekdays that are not holidays; written apart from the SQL."""
    tz = ZoneInfo("America/New_York")
    s, e = start.astimezone(tz).replace(tzinfo=None), end.astimezone(tz).replace(tzinfo=None)
    total, day = 0.0, s.date()
    while day <= e.date():
        if day.weekday() < 5 and day not in holidays:
            lo = max(s, datetime.combine(day, time(8)))
            hi = min(e, datetime.combine(day, time(17)))
            total += max(0.0, (hi - lo).total_seconds() / 60)
        day += timedelta(days=1)
    return total


def test_first_response_matches_an_independent_computation(pipeline_home: Path) -> None:
    cases = _df(
        pipeline_home,
        "select case_id, created_at from staging.stg_crm__cases",
        build=True,
    )
    milestones = _df(
        pipeline_home,
        "select case_id, completed_at from staging.stg_crm__case_milestones "
        "where milestone_name = 'First Response' and completed_at is not null",
        build=True,
    )
    classified = _df(
        pipeline_home,
        "select case_id, changed_at from staging.stg_crm__case_history where new_status = 'Classified'",
        build=True,
    )
    first = milestones.groupby("case_id")["completed_at"].min()
    fallback = classified.groupby("case_id")["changed_at"].min()
    cases["first_response_at"] = cases["case_id"].map(first).fillna(cases["case_id"].map(fallback))
    cases = cases.dropna(subset=["first_response_at"])
    cases["hours"] = (cases["first_response_at"] - cases["created_at"]).dt.total_seconds() / 3600
    holidays = set(
        pd.read_csv(ROOT / "dbt" / "seeds" / "seed_holidays.csv")
        .query("calendar_id == 'US'")["holiday_date"]
        .map(lambda d: datetime.fromisoformat(d).date())
    )
    cases["bmin"] = [
        _business_minutes(a.to_pydatetime(), b.to_pydatetime(), holidays)
        for a, b in zip(cases["created_at"], cases["first_response_at"], strict=True)
    ]
    fact = _df(
        pipeline_home,
        "select case_id, received_date, channel_code, category_l1, priority, "
        "hours_to_first_response, bmin_to_first_response from marts.fct_complaints",
    )
    joined = fact.merge(cases[["case_id", "hours", "bmin"]], on="case_id", how="left")
    assert joined["hours"].notna().sum() == fact["hours_to_first_response"].notna().sum() > 20
    np.testing.assert_allclose(joined["hours_to_first_response"], joined["hours"], atol=1e-6)
    np.testing.assert_allclose(joined["bmin_to_first_response"], joined["bmin"], atol=1e-6)
    assert (joined["bmin"] < joined["hours"] * 60 - 1).any(), "nights and weekends must not count"

    joined["month_start"] = pd.to_datetime(joined["received_date"]).dt.to_period("M").dt.start_time
    keys = ["month_start", "channel_code", "category_l1", "priority"]
    expected = (
        joined.dropna(subset=["hours"])
        .groupby(keys)
        .agg(
            h50=("hours", "median"),
            h90=("hours", lambda x: x.quantile(0.9)),
            b50=("bmin", "median"),
            b90=("bmin", lambda x: x.quantile(0.9)),
        )
        .reset_index()
    )
    funnel = _df(pipeline_home, "select * from reporting.complaint_funnel")
    funnel["month_start"] = pd.to_datetime(funnel["month_start"])
    both = funnel.merge(expected, on=keys, how="inner")
    assert len(both) == len(expected) > 0
    np.testing.assert_allclose(both["first_response_hours_median"], both["h50"], atol=1e-6)
    np.testing.assert_allclose(both["first_response_hours_p90"], both["h90"], atol=1e-6)
    np.testing.assert_allclose(
        both["first_response_business_minutes_median"], both["b50"], atol=1e-6
    )
    np.testing.assert_allclose(both["first_response_business_minutes_p90"], both["b90"], atol=1e-6)


def test_capa_effectiveness_by_lever_covers_the_planted_probabilities(pipeline_home: Path) -> None:
    planted = _truth(pipeline_home)["capa_effectiveness_by_lever"]
    rows = _df(
        pipeline_home,
        """
        select upper(r.preventive_lever) as lever, count(*) as n,
               sum(case when c.is_verified_effective then 1 else 0 end) as k
        from marts.fct_capa c join marts.dim_root_cause r on c.root_cause_key = r.root_cause_key
        where c.is_verified_effective is not null group by 1""",
    )
    assert set(rows["lever"]) == set(planted)
    for r in rows.itertuples():
        low, high = _wilson(r.k, r.n)
        assert low <= planted[r.lever] <= high, r


def test_capa_recurrence_matches_pandas_and_the_planted_effect(pipeline_home: Path) -> None:
    planted = _truth(pipeline_home)["capa_recurrence"]
    window = pd.Timedelta(days=planted["window_days"])
    notes = _df(
        pipeline_home,
        "select n.notification_id, n.product_id, n.notification_date, c.cause_code_group, c.cause_code "
        "from staging.stg_erp__quality_notifications n join staging.stg_erp__notification_causes c "
        "on n.notification_id = c.notification_id where c.catalog_type = '5'",
        build=True,
    )
    notes["notification_date"] = pd.to_datetime(notes["notification_date"])
    capa = _df(
        pipeline_home,
        "select capa_id, notification_id, product_id, closed_date, has_recurrence, "
        "is_recurrence_window_matured, effectiveness_status from marts.fct_capa where is_closed",
    )
    capa["closed_date"] = pd.to_datetime(capa["closed_date"])
    own = notes.set_index("notification_id")
    as_of = notes["notification_date"].max()
    expected = []
    for r in capa.itertuples():
        cause = own.loc[r.notification_id]
        later = notes[
            (notes["notification_id"] != r.notification_id)
            & (notes["product_id"] == r.product_id)
            & (notes["cause_code_group"] == cause["cause_code_group"])
            & (notes["cause_code"] == cause["cause_code"])
            & (notes["notification_date"] > r.closed_date)
            & (notes["notification_date"] <= r.closed_date + window)
        ]
        expected.append((not later.empty, r.closed_date + window <= as_of))
    assert list(zip(capa["has_recurrence"], capa["is_recurrence_window_matured"], strict=True)) == [
        (bool(a), bool(b)) for a, b in expected
    ]
    matured = capa[capa["is_recurrence_window_matured"]]
    rate = matured.groupby("effectiveness_status")["has_recurrence"].agg(["sum", "count"])
    not_eff = rate.loc["not_effective"]
    low, high = _wilson(not_eff["sum"], not_eff["count"])
    # chance coincidences of cause and material come on top of the planted probability
    assert low <= planted["p_by_effectiveness"]["NOT_EFFECTIVE"] <= high + 0.1, rate
    eff = rate.loc["effective"]
    assert eff["sum"] / eff["count"] < not_eff["sum"] / not_eff["count"], rate
    # the tracker's recurrence counts add up to the same cases
    tracker = _df(pipeline_home, "select * from reporting.capa_tracker where case_type = 'All'")
    assert tracker["recurrence_checked"].sum() == len(matured)
    assert tracker["recurred"].sum() == matured["has_recurrence"].sum()


def test_capa_tracker_phases_and_types_add_up(pipeline_home: Path) -> None:
    t = _df(pipeline_home, "select * from reporting.capa_tracker")
    phases = t[["open_in_plan", "open_in_do", "open_in_check", "open_in_act"]].sum(axis=1)
    assert (phases == t["open_cases"]).all()
    total = t[t["case_type"] == "All"].set_index("month_start")
    parts = t[t["case_type"] != "All"].groupby("month_start").sum(numeric_only=True)
    for col in ("opened_cases", "closed_cases", "open_cases", "due_cases", "closed_on_time"):
        pd.testing.assert_series_equal(
            total[col].sort_index(),
            parts[col].sort_index(),
            check_dtype=False,
            check_index_type=False,
        )
    capa = _df(pipeline_home, "select * from marts.fct_capa")
    assert total["opened_cases"].sum() == len(capa)
    assert total["closed_cases"].sum() == capa["is_closed"].sum()
    closed = capa[capa["is_closed"]]
    assert (closed["cycle_time_days"] >= 0).all()
    assert (closed["pdca_phase"] == "closed").all()


def test_training_completion_recovers_the_planted_rate(pipeline_home: Path) -> None:
    planted = _truth(pipeline_home)["training_completion"]["monthly_p_per_required_course"]
    t = _df(pipeline_home, "select * from reporting.training_compliance")
    company = t[t["team_name"] == "All"]
    k, n = company["required_taken_in_month"].sum(), company["required_trainings"].sum()
    low, high = _wilson(k, n)
    assert low <= planted <= high, (k, n)
    # the company row is the sum of its teams, and compliance grows as courses are taken
    teams = t[t["team_name"] != "All"].groupby("month_start").sum(numeric_only=True)
    for col in ("required_trainings", "compliant_trainings", "overdue_trainings"):
        pd.testing.assert_series_equal(
            company.set_index("month_start")[col].sort_index(),
            teams[col].sort_index(),
            check_dtype=False,
            check_index_type=False,
        )
    ordered = company.sort_values("month_start")
    assert ordered["compliance_rate"].iloc[-1] > ordered["compliance_rate"].iloc[0]
    assert (t["compliant_trainings"] + t["overdue_trainings"] <= t["required_trainings"]).all()
