"""Each suite passes on clean data and fails on data with its planted defect; so do the table checks."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations import runner
from expectations.history import VolumeHistory
from expectations.model import CRITICAL, WARNING, Suite, UniqueKey, VolumeChange
from expectations.runner import run_suite
from expectations.suites import SUITE_NAMES, SUITES, suite_target


def _first(table: str) -> str:
    return f"rowid in (select rowid from {table} limit 1)"


# one planted defect per suite: an UPDATE that breaks exactly what the suite guards
DEFECTS = {
    "raw_crm_account_history": f"update raw.crm_account_history set account_id = null where {_first('raw.crm_account_history')}",
    "raw_crm_accounts": f"update raw.crm_accounts set segment_c = 'Gold' where {_first('raw.crm_accounts')}",
    "raw_crm_case_history": f"update raw.crm_case_history set new_value = 'Lost' where {_first('raw.crm_case_history')}",
    "raw_crm_cases": "update raw.crm_cases set priority = 'Urgent!' where rowid in (select rowid from raw.crm_cases limit 2)",
    "raw_crm_contacts": f"update raw.crm_contacts set account_id = null where {_first('raw.crm_contacts')}",
    "raw_erp_lfa1": f"update raw.erp_lfa1 set aedat = '2024-1-1' where {_first('raw.erp_lfa1')}",
    "raw_erp_lips": f"update raw.erp_lips set lfimg = -1 where {_first('raw.erp_lips')}",
    "raw_erp_mara": f"update raw.erp_mara set lsl = usl + 1 where {_first('raw.erp_mara')}",
    "raw_erp_qals": "update raw.erp_qals set lmengesch = lmengepr + 10 where rowid in (select rowid from raw.erp_qals limit 1)",
    "raw_erp_vbak": f"update raw.erp_vbak set erzet = '256100' where {_first('raw.erp_vbak')}",
    "raw_erp_vbap": "update raw.erp_vbap set kwmeng = -5 where rowid in (select rowid from raw.erp_vbap limit 3)",
    "raw_logistics_tracking_events": "update raw.logistics_tracking_events set status_code = 'ZZ' where rowid in (select rowid from raw.logistics_tracking_events limit 4)",
    "raw_surveys_responses": "update raw.surveys_responses set q1 = 11 where rowid in (select rowid from raw.surveys_responses limit 2)",
    "reporting_customer_satisfaction_monthly": "update reporting.customer_satisfaction_monthly set csat_top2_rate = 1.5 where rowid in "
    "(select rowid from reporting.customer_satisfaction_monthly limit 1)",
    "reporting_kpi_summary": "update reporting.kpi_summary set kpi_value = 1.7, ci_high = 1.8 where kpi = 'csat_top2_rate'",
    "reporting_complaint_funnel": f"update reporting.complaint_funnel set sla_breach_rate = 1.2 where {_first('reporting.complaint_funnel')}",
    "reporting_delivery_performance": f"update reporting.delivery_performance set otd_rate = -0.1 where {_first('reporting.delivery_performance')}",
    "reporting_spc_control_chart": f"update reporting.spc_control_chart set lcl = ucl + 1 where {_first('reporting.spc_control_chart')}",
    "reporting_quality_scorecard_monthly": f"update reporting.quality_scorecard_monthly set sigma_level_st_shift15 = 9 where {_first('reporting.quality_scorecard_monthly')}",
    "reporting_quality_satisfaction_impact": f"update reporting.quality_satisfaction_impact set ci_low = estimate + 1 where {_first('reporting.quality_satisfaction_impact')}",
    "reporting_retention_cohorts": f"update reporting.retention_cohorts set order_retention_rate = 2 where {_first('reporting.retention_cohorts')}",
    "reporting_supplier_scorecard": f"update reporting.supplier_scorecard set incoming_ppm = -5 where {_first('reporting.supplier_scorecard')}",
    "raw_crm_case_milestones": f"update raw.crm_case_milestones set id = null where {_first('raw.crm_case_milestones')}",
    "raw_erp_capa": f"update raw.erp_capa set capa_id = null where {_first('raw.erp_capa')}",
    "raw_erp_crhd": f"update raw.erp_crhd set werks = null where {_first('raw.erp_crhd')}",
    "raw_erp_lfa1_changes": f"update raw.erp_lfa1_changes set changenr = null where {_first('raw.erp_lfa1_changes')}",
    "raw_erp_mch1": f"update raw.erp_mch1 set matnr = null where {_first('raw.erp_mch1')}",
    "raw_erp_mseg": f"update raw.erp_mseg set mblnr = null where {_first('raw.erp_mseg')}",
    "raw_erp_pa0001": f"update raw.erp_pa0001 set pernr = null where {_first('raw.erp_pa0001')}",
    "raw_erp_qase": f"update raw.erp_qase set prueflos = null where {_first('raw.erp_qase')}",
    "raw_erp_qcost": f"update raw.erp_qcost set belnr = null where {_first('raw.erp_qcost')}",
    "raw_erp_qmel": f"update raw.erp_qmel set qmnum = null where {_first('raw.erp_qmel')}",
    "raw_erp_qmfe": f"update raw.erp_qmfe set prueflos = null where {_first('raw.erp_qmfe')}",
    "raw_erp_qmsm": f"update raw.erp_qmsm set qmnum = null where {_first('raw.erp_qmsm')}",
    "raw_erp_qmur": f"update raw.erp_qmur set qmnum = null where {_first('raw.erp_qmur')}",
    "raw_erp_qpcd": f"update raw.erp_qpcd set katalogart = null where {_first('raw.erp_qpcd')}",
    "raw_erp_rma": f"update raw.erp_rma set vbeln = null where {_first('raw.erp_rma')}",
    "raw_erp_t001w": f"update raw.erp_t001w set werks = null where {_first('raw.erp_t001w')}",
    "raw_erp_training": f"update raw.erp_training set pernr = null where {_first('raw.erp_training')}",
    "reporting_cost_of_quality": f"update reporting.cost_of_quality set appraisal_cost = -1 where {_first('reporting.cost_of_quality')}",
    "reporting_root_cause_pareto": f"update reporting.root_cause_pareto set pareto_class = 'D' where {_first('reporting.root_cause_pareto')}",
    "reporting_training_compliance": f"update reporting.training_compliance set compliant_trainings = required_trainings + 1 where {_first('reporting.training_compliance')}",
    "reporting_capa_tracker": f"update reporting.capa_tracker set recurrence_rate = 1.5 where {_first('reporting.capa_tracker')}",
    "reporting_complaint_funnel_summary": f"update reporting.complaint_funnel_summary set classified = received + 1 where {_first('reporting.complaint_funnel_summary')}",
    "reporting_carrier_scorecard": f"update reporting.carrier_scorecard set otif_rate = otd_rate + 0.5 where {_first('reporting.carrier_scorecard')}",
    "reporting_process_capability": "update reporting.process_capability set cpk_ci_low = cpk + 0.5 "
    "where rowid in (select rowid from reporting.process_capability where cpk is not null limit 1)",
    "reporting_supplier_ranking": f"update reporting.supplier_ranking set composite_score = 140 where {_first('reporting.supplier_ranking')}",
    "reporting_return_cohorts": f"update reporting.return_cohorts set returned_units = shipped_units + 1 where {_first('reporting.return_cohorts')}",
    "reporting_batch_recalls": f"update reporting.batch_recalls set return_rate = 1.5 where {_first('reporting.batch_recalls')}",
}


def build_copy(pipeline_home: Path, tmp_path: Path, *sql: str) -> Path:
    """A private copy of the tiny build file with `sql` applied."""
    db = tmp_path / "broken.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", db)
    with duckdb.connect(str(db)) as conn:
        for statement in sql:
            conn.execute(statement)
    return db


def test_every_suite_has_a_planted_defect() -> None:
    assert set(DEFECTS) == set(SUITES)


@pytest.mark.parametrize("name", SUITE_NAMES)
def test_suite_module_matches_its_table(name: str) -> None:
    suite = SUITES[name]
    assert (suite.schema, suite.table) == suite_target(name)
    assert suite.description, f"{name}: give the suite module a docstring"
    kinds = {type(e).__name__ for e in suite.expectations}
    assert {"ColumnTypes", "UniqueKey", "VolumeChange"} <= kinds
    if suite.schema == "raw":
        assert "Freshness" in kinds


@pytest.mark.parametrize("name", SUITE_NAMES)
def test_suite_passes_on_clean_data(name: str, pipeline_home: Path) -> None:
    result = run_suite(SUITES[name], db_path=pipeline_home / "warehouse" / "cqm.duckdb")
    assert result.passed, result.summary()
    assert result.rows > 0


@pytest.mark.parametrize("name", SUITE_NAMES)
def test_suite_fails_on_planted_defect(name: str, pipeline_home: Path, tmp_path: Path) -> None:
    db = build_copy(pipeline_home, tmp_path, DEFECTS[name])
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


def test_wrong_column_type_blocks(pipeline_home: Path, tmp_path: Path) -> None:
    db = build_copy(pipeline_home, tmp_path, "alter table raw.erp_lfa1 alter aedat type integer")
    result = run_suite(SUITES["raw_erp_lfa1"], db_path=db)
    assert not result.passed
    failure = result.blocking_failures[0]
    assert failure.expectation == "expect_columns_to_have_types"
    assert "aedat: INTEGER (expected VARCHAR)" in failure.sample


def test_duplicate_key_blocks_over_the_whole_table(pipeline_home: Path, tmp_path: Path) -> None:
    db = build_copy(
        pipeline_home, tmp_path, "insert into raw.erp_mara select * from raw.erp_mara limit 1"
    )
    # chunks of 5 rows: the duplicate is found even when its two rows sit in different chunks
    suite = SUITES["raw_erp_mara"]
    small = Suite(suite.name, suite.schema, suite.table, suite.expectations, chunk_rows=5)
    result = run_suite(small, db_path=db)
    failure = result.blocking_failures[0]
    assert failure.expectation == "expect_compound_key_to_be_unique"
    assert failure.unexpected_count == 1 and failure.sample[0]["rows"] == 2


def test_chunked_counts_add_up(pipeline_home: Path, tmp_path: Path) -> None:
    db = build_copy(
        pipeline_home,
        tmp_path,
        "update raw.erp_vbap set kwmeng = -5 where rowid in (select rowid from raw.erp_vbap limit 40)",
    )
    suite = SUITES["raw_erp_vbap"]
    whole = run_suite(suite, db_path=db)
    chunked = run_suite(
        Suite(suite.name, suite.schema, suite.table, suite.expectations, chunk_rows=100),
        db_path=db,
    )
    pick = next(o for o in chunked.outcomes if o.column == "kwmeng" and not o.success)
    assert pick.unexpected_count == 40
    assert pick.element_count == whole.rows
    assert [o.success for o in whole.outcomes] == [o.success for o in chunked.outcomes]


def test_worker_processes_give_the_same_outcomes(
    pipeline_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks validated in worker processes fold to the same counts and samples as in one process."""
    db = build_copy(
        pipeline_home,
        tmp_path,
        "update raw.erp_vbap set kwmeng = -5 where rowid in (select rowid from raw.erp_vbap limit 40)",
        "update raw.erp_vbap set edatu = 'soon' where rowid in (select rowid from raw.erp_vbap limit 7 offset 333)",
    )
    suite = SUITES["raw_erp_vbap"]
    chunked = Suite(suite.name, suite.schema, suite.table, suite.expectations, chunk_rows=100)
    monkeypatch.setenv("CQM_GX_WORKERS", "1")
    alone = run_suite(chunked, db_path=db)
    monkeypatch.setenv("CQM_GX_WORKERS", "2")
    monkeypatch.setattr(runner, "PARALLEL_MIN_ROWS", 0)
    submitted: list[int] = []
    real_pool = runner._pool

    class CountingPool:
        def __init__(self, workers: int) -> None:
            self.pool = real_pool(workers)

        def submit(self, fn: Any, *args: Any) -> Any:
            submitted.append(args[0].num_rows)
            return self.pool.submit(fn, *args)

        def shutdown(self, cancel_futures: bool = False) -> None:
            stopped.append(self)
            self.pool.shutdown(cancel_futures=cancel_futures)

    stopped: list[CountingPool] = []
    monkeypatch.setattr(runner, "_pool", CountingPool)
    parallel = run_suite(chunked, db_path=db)
    assert len(submitted) > 2 and sum(submitted) == parallel.rows, "every chunk went to a worker"
    assert len(stopped) == 1, "a suite run alone stops the workers it started"
    # suites in one block share one pool, stopped when the block ends (not kept for the process's life)
    with runner.worker_pool():
        run_suite(chunked, db_path=db)
        run_suite(chunked, db_path=db)
        assert len(stopped) == 1
    assert len(stopped) == 2
    assert [o.as_dict() for o in parallel.outcomes] == [o.as_dict() for o in alone.outcomes]
    failed = {o.column: o.unexpected_count for o in parallel.outcomes if not o.success}
    assert failed == {"kwmeng": 40, "edatu": 7}


def test_stale_load_warns_without_blocking(pipeline_home: Path, tmp_path: Path) -> None:
    db = build_copy(
        pipeline_home, tmp_path, "update raw.crm_cases set _loaded_at = now() - interval 10 days"
    )
    result = run_suite(SUITES["raw_crm_cases"], db_path=db)
    assert result.passed
    stale = [o for o in result.warnings if o.expectation == "expect_table_to_be_fresh"]
    assert stale and stale[0].severity == WARNING and "h behind now" in str(stale[0].observed)


def test_volume_drop_against_previous_load_blocks(pipeline_home: Path, tmp_path: Path) -> None:
    history = VolumeHistory(tmp_path / "history.json")
    suite = SUITES["raw_erp_qals"]
    clean = pipeline_home / "warehouse" / "cqm.duckdb"
    first = run_suite(suite, db_path=clean, history=history, run_id="r1")
    assert first.passed and history.previous_rows(suite.name) == first.rows
    shrunk = build_copy(
        pipeline_home,
        tmp_path,
        "delete from raw.erp_qals where rowid in (select rowid from raw.erp_qals limit 10)",
    )
    second = run_suite(suite, db_path=shrunk, history=history, run_id="r2")
    assert not second.passed
    failure = second.blocking_failures[0]
    assert failure.expectation == "expect_row_count_change_to_be_within"
    assert f"previous load {first.rows}" in str(failure.observed)
    # the failed load does not become the baseline; a good load passes again
    assert history.previous_rows(suite.name) == first.rows
    assert run_suite(suite, db_path=clean, history=history, run_id="r3").passed
    log = json.loads((tmp_path / "history.json").read_text())[suite.name]
    assert [o["passed"] for o in log] == [True, False, True]


def test_mart_volume_swing_is_a_warning(pipeline_home: Path, tmp_path: Path) -> None:
    history = VolumeHistory(tmp_path / "history.json")
    suite = SUITES["reporting_customer_satisfaction_monthly"]
    volume = next(e for e in suite.expectations if isinstance(e, VolumeChange))
    assert volume.severity == WARNING
    history.record(suite.name, "earlier", 10_000, True)
    result = run_suite(suite, db_path=pipeline_home / "warehouse" / "cqm.duckdb", history=history)
    assert result.passed
    assert [o.expectation for o in result.warnings] == ["expect_row_count_change_to_be_within"]


def test_grain_keys_are_blocking() -> None:
    for name in SUITE_NAMES:
        keys = [e for e in SUITES[name].expectations if isinstance(e, UniqueKey)]
        assert len(keys) == 1
        if name not in ("raw_crm_account_history", "raw_crm_case_history"):
            assert keys[0].severity == CRITICAL, name


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


def test_failing_pii_values_are_masked_in_samples(pipeline_home: Path, tmp_path: Path) -> None:
    db = build_copy(
        pipeline_home,
        tmp_path,
        "update raw.crm_contacts set email = 'bob.smith at example dot com' "
        f"where {_first('raw.crm_contacts')}",
    )
    result = run_suite(SUITES["raw_crm_contacts"], db_path=db)
    bad = next(o for o in result.warnings if o.column == "email")
    assert bad.unexpected_count == 1 and bad.sample[0]["email"] == "b***"
    assert bad.sample[0]["id"], "sample rows carry the key of the failing row"
    assert "bob.smith" not in result.summary() + json.dumps([o.as_dict() for o in result.outcomes])


def test_volume_baseline_is_scoped_to_the_build_file(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    VolumeHistory(path, scope="old-build").record("raw_erp_qals", "r1", 5_000, True)
    assert VolumeHistory(path, scope="old-build").previous_rows("raw_erp_qals") == 5_000
    assert VolumeHistory(path, scope="new-build").previous_rows("raw_erp_qals") is None


def _land(db: Path, sql: str) -> None:
    with duckdb.connect(str(db)) as conn:
        conn.execute(sql)


def _incremental_runs(pipeline_home: Path, tmp_path: Path) -> tuple[Path, Any]:
    """A copy of the build file and a function that runs a raw_erp_vbap suite on it incrementally,
    with one volume history across calls."""
    history = VolumeHistory(tmp_path / "history.json", scope="one build")
    db = build_copy(pipeline_home, tmp_path, "select 1")

    def run(run_id: str, checked: Suite = SUITES["raw_erp_vbap"]) -> Any:
        return run_suite(checked, db_path=db, history=history, run_id=run_id, incremental=True)

    return db, run


def test_raw_row_checks_read_only_what_landed_since_the_last_passing_run(
    pipeline_home: Path, tmp_path: Path
) -> None:
    suite = SUITES["raw_erp_vbap"]
    db, run = _incremental_runs(pipeline_home, tmp_path)

    def new_rows(n: int, tag: str, kwmeng: str = "kwmeng") -> str:
        return (
            f"insert into raw.erp_vbap select * replace (vbeln || '{tag}' as vbeln, {kwmeng} as kwmeng, "
            f"_record_hash || '{tag}' as _record_hash, 'test-{tag}' as _batch_id, "
            f"now()::timestamptz + interval '{len(tag)} minute' as _loaded_at) "
            f"from raw.erp_vbap where _batch_id not like 'test-%' order by vbeln, posnr limit {n}"
        )

    first = run("r1")
    assert first.passed and first.validated_since is None and first.rows_validated == first.rows
    _land(db, new_rows(5, "N"))
    second = run("r2")
    assert second.passed and second.rows == first.rows + 5
    assert second.rows_validated == 5 and second.validated_since is not None
    assert "row checks on the 5 loaded since" in second.summary()
    # table checks still see the whole table: the row count is the table's
    count = next(
        o for o in second.outcomes if o.expectation == "expect_table_row_count_to_be_between"
    )
    assert count.observed == second.rows
    # three bad rows land: they are read and block
    _land(db, new_rows(3, "BAD", kwmeng="-5"))
    third = run("r3")
    assert not third.passed and third.rows_validated == 3
    bad = next(o for o in third.blocking_failures if o.column == "kwmeng")
    assert bad.unexpected_count == 3
    # a failed run does not move the mark: the bad rows are read again until they are gone
    fourth = run("r4")
    assert not fourth.passed and fourth.validated_since == third.validated_since
    # a changed suite validates every row again
    changed = Suite(suite.name, suite.schema, suite.table, suite.expectations[:-1])
    fifth = run("r5", changed)
    assert fifth.validated_since is None and fifth.rows_validated == fifth.rows


def test_an_incremental_run_finds_a_new_row_that_repeats_an_old_key(
    pipeline_home: Path, tmp_path: Path
) -> None:
    suite = SUITES["raw_erp_vbap"]
    db, run = _incremental_runs(pipeline_home, tmp_path)
    assert run("r1").passed
    # two rows validated by the first run land again in a new batch: same key and version
    _land(
        db,
        "insert into raw.erp_vbap select * replace ('test-DUP' as _batch_id, "
        "now()::timestamptz + interval '1 minute' as _loaded_at) "
        "from raw.erp_vbap order by vbeln, posnr limit 2",
    )
    second = run("r2")
    assert not second.passed and second.validated_since is not None
    failure = next(
        o for o in second.blocking_failures if o.expectation == "expect_compound_key_to_be_unique"
    )
    assert failure.unexpected_count == 2 and [r["rows"] for r in failure.sample] == [2, 2]
    assert "among the keys loaded after" in str(failure.observed)
    # the same count as a run over the whole table
    whole = run_suite(suite, db_path=db)
    assert (
        next(
            o
            for o in whole.blocking_failures
            if o.expectation == "expect_compound_key_to_be_unique"
        ).unexpected_count
        == 2
    )


def test_marts_and_tables_without_load_times_are_validated_whole(
    pipeline_home: Path, tmp_path: Path
) -> None:
    history = VolumeHistory(tmp_path / "history.json")
    db = pipeline_home / "warehouse" / "cqm.duckdb"
    suite = SUITES["reporting_kpi_summary"]
    for run_id in ("r1", "r2"):
        result = run_suite(suite, db_path=db, history=history, run_id=run_id, incremental=True)
        assert result.passed and result.validated_since is None
        assert result.rows_validated == result.rows


def test_the_warm_up_starts_one_thread_and_sets_up_the_context_once() -> None:
    import threading

    runner.warm_up_in_background()
    runner.warm_up_in_background()  # the extraction of a second run in the same process: no second thread
    threads = [t for t in threading.enumerate() if t.name == "gx-warm-up"]
    assert len(threads) <= 1
    for t in threads:
        t.join(timeout=120)
    assert runner._new_batch_definition.cache_info().currsize == 1


def test_gx_type_names_are_cached_once_gx_is_set_up() -> None:
    import great_expectations.expectations as gxe
    import great_expectations.expectations.expectation as gx_expectation

    runner.warm_up()
    runner._cache_gx_type_names()  # a second call keeps the one cache
    name = gx_expectation.camel_to_snake
    assert not hasattr(name.__wrapped__, "cache_info")  # type: ignore[attr-defined]
    config = gxe.ExpectColumnValuesToNotBeNull(column="x").configuration
    assert config.type == "expect_column_values_to_not_be_null"
    assert name.cache_info().hits + name.cache_info().misses > 0  # type: ignore[attr-defined]
