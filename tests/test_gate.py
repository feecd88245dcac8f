"""The quality gate: nothing reaches the serving file that did not pass.

Every raw table and reporting model has a suite; a planted defect in any suite's table blocks
publish and leaves the previous serving file as it was; a run that did not materialize everything
upstream does not publish; the validation report reads offline; the serving file holds no raw PII.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli import CliError
from dagster_project.publish import CheckRecord, PublishError, publish, refusal
from expectations.runner import SuiteResult, run_suite
from expectations.suites import SUITE_NAMES, SUITES
from ingestion.common.contract import CONTRACTS_DIR
from ingestion.common.settings import scalar
from tests.conftest import ROOT, make_home, reported_memory_limit
from tests.expectations.test_suites import DEFECTS

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# +1-555-000-0000, (555) 000 0000, +49 30 1234567, +15550000000: 9+ digits with a leading + or
# separators between groups (plain digit runs are the warehouse's ids and SAP numbers, not phones)
PHONE = re.compile(
    r"(?<![\w-])(?:\+\d{9,15}|\+?\(?\d{1,4}\)?(?:[\s.-]\(?\d{2,8}\)?){2,4})(?![\w-])"
)
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
PII_COLUMN_NAMES = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "ip_address",
    "recipient_email",
    "recipient_first_name",
    "recipient_last_name",
    "description",
    "subject",
    "q5",
}


def check_record(result: SuiteResult) -> CheckRecord:
    """What the GX asset check reports for a suite result, as the publish step sees it."""
    severity = "critical" if result.blocking_failures else "warning"
    passed = all(o.success for o in result.outcomes)
    return CheckRecord(f"gx_{result.suite}", result.table, passed, severity, result.summary())


# ------------------------------------------------------------------ coverage


def test_every_raw_table_and_reporting_model_has_a_suite() -> None:
    raw_tables = sorted(p.stem for p in CONTRACTS_DIR.glob("*/*.yml"))
    reporting = sorted(p.stem for p in (ROOT / "dbt" / "models" / "reporting").glob("*.sql"))
    missing = [f"raw_{t}" for t in raw_tables if f"raw_{t}" not in SUITE_NAMES]
    missing += [f"reporting_{m}" for m in reporting if f"reporting_{m}" not in SUITE_NAMES]
    assert not missing, (
        "tables without a GX suite: add expectations/suites/<name>.py for each of "
        + ", ".join(missing)
    )


def test_loading_the_definitions_does_not_import_great_expectations_or_dbt_core() -> None:
    """Neither is needed to load the definitions: GX is imported when the checks run, and dbt-core runs in a
    process of its own (dagster-dbt alone would import all of it, 2.4 s of every start). dbt stays importable."""
    code = (
        "import sys, time; t = time.monotonic(); import dagster_project.definitions as d; "
        "s = round(time.monotonic() - t, 2); gx = 'great_expectations' in sys.modules; "
        "core = 'dbt.adapters' in sys.modules or 'dbt.version' in sys.modules; "
        "import dbt.version; print(s, gx, core, len(d.defs.asset_checks or []), dbt.version.__version__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    seconds, gx_loaded, dbt_loaded, _, dbt_version = out.stdout.split()
    assert gx_loaded == "False", "a suite module is imported at definition time"
    assert dbt_loaded == "False", "dbt-core is imported at definition time"
    assert float(seconds) > 0 and dbt_version[0].isdigit()


# ------------------------------------------------------------------ the publish rule


def test_refusal_names_the_failed_check_in_one_sentence() -> None:
    ok = CheckRecord("gx_raw_erp_vbap", "raw.erp_vbap", True, "warning", "passed")
    warn = CheckRecord("gx_raw_crm_cases", "raw.crm_cases", False, "warning", "stale load")
    bad = CheckRecord(
        "unique_fct_complaints_case_id", "marts/fct_complaints", False, "critical", "3 duplicates"
    )
    assert refusal([ok, warn]) is None
    reason = refusal([ok, warn, bad])
    assert (
        reason is not None
        and "unique_fct_complaints_case_id" in reason
        and "3 duplicates" in reason
    )
    assert "\n" not in reason


def test_refusal_when_anything_upstream_was_not_materialized() -> None:
    upstream = ["marts/dim_date", "reporting/kpi_summary"]
    assert refusal([], upstream, {"marts/dim_date", "reporting/kpi_summary"}) is None
    reason = refusal([], upstream, {"marts/dim_date"})
    assert reason is not None and "reporting/kpi_summary" in reason and "this run" in reason


def _home_with_published_copy(tmp_path: Path, pipeline_home: Path) -> Path:
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    for name in ("cqm.duckdb", "serving.duckdb"):
        shutil.copy(pipeline_home / "warehouse" / name, home / "warehouse" / name)
    shutil.copytree(pipeline_home / "warehouse" / "parquet", home / "warehouse" / "parquet")
    return home


def _fingerprint(warehouse: Path) -> dict[str, bytes]:
    files = [warehouse / "serving.duckdb", *sorted((warehouse / "parquet").rglob("*.parquet"))]
    return {str(p.relative_to(warehouse)): p.read_bytes() for p in files}


@pytest.mark.parametrize("name", SUITE_NAMES)
def test_planted_defect_blocks_publish_and_keeps_serving(
    name: str, pipeline_home: Path, tmp_path: Path
) -> None:
    home = _home_with_published_copy(tmp_path, pipeline_home)
    wh = home / "warehouse"
    before = _fingerprint(wh)
    with duckdb.connect(str(wh / "cqm.duckdb")) as conn:
        conn.execute(DEFECTS[name])
    checks = [check_record(run_suite(SUITES[name], db_path=wh / "cqm.duckdb"))]
    with pytest.raises(PublishError, match=f"check gx_{name} on {SUITES[name].fq_table} failed"):
        publish(wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="t", checks=checks)
    assert _fingerprint(wh) == before
    assert not list(wh.glob(".serving*")) and not list(wh.glob(".parquet*"))
    with duckdb.connect(str(wh / "serving.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from meta.publish_log").fetchone() == (1,)


def test_clean_checks_publish_with_a_log_row(pipeline_home: Path, tmp_path: Path) -> None:
    home = _home_with_published_copy(tmp_path, pipeline_home)
    wh = home / "warehouse"
    checks = [
        check_record(run_suite(SUITES[n], db_path=wh / "cqm.duckdb"))
        for n in ("raw_erp_vbap", "reporting_kpi_summary")
    ]
    stale = wh / "parquet" / "reporting" / "a_mart_since_dropped.parquet"
    stale.write_bytes(b"PAR1")
    result = publish(
        wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="clean", checks=checks
    )
    assert not stale.exists(), "the Parquet copy of a table no longer published is removed"
    assert (wh / "parquet" / "reporting" / "kpi_summary.parquet").exists()
    with duckdb.connect(str(wh / "serving.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select run_id, code_version, row_counts, check_summary, published_at from meta.publish_log "
            "order by published_at"
        ).fetchall()
    assert [r[0] for r in rows][-1] == "clean" and len(rows) == 2
    _run_id, version, counts, summary, published_at = rows[-1]
    assert version and published_at is not None
    assert json.loads(counts) == {
        k: v for k, v in result.row_counts.items() if not k.startswith("meta.")
    }
    assert json.loads(summary)["checks"] == 2 and json.loads(summary)["gx_suites"] == 2


def _assert_serving_equals_build(wh: Path, row_counts: dict[str, int]) -> None:
    """The serving file holds the tables of the publish's row counts, each with the build's rows (as multisets)."""
    with duckdb.connect(str(wh / "serving.duckdb"), read_only=True) as conn:
        conn.execute(f"attach '{wh / 'cqm.duckdb'}' as build (read_only)")
        published = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_catalog = 'serving' and table_schema in ('marts', 'reporting')"
        ).fetchall()
        assert sorted(r[0] for r in published) == sorted(
            k for k in row_counts if not k.startswith("meta.")
        )
        for (name,) in published:
            differ = conn.execute(
                f"select count(*) from ((select * from serving.{name} except all select * from build.{name}) "
                f"union all (select * from build.{name} except all select * from serving.{name}))"
            ).fetchone()
            assert differ == (0,), name


def test_a_publish_copies_only_the_tables_that_changed(pipeline_home: Path, tmp_path: Path) -> None:
    """After an incremental run most tables are as published: they are carried over from the previous serving
    file, and keep their Parquet copy; the serving file still equals the build, table for table."""
    home = _home_with_published_copy(tmp_path, pipeline_home)
    wh = home / "warehouse"
    first = publish(wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="a", checks=[])
    assert len(first.unchanged) == len(first.row_counts) - 3, (
        "nothing changed since the pipeline's publish"
    )
    with duckdb.connect(str(wh / "cqm.duckdb")) as conn:
        conn.execute(
            "update marts.fct_order_lines set net_amount = net_amount + 1 where order_line_key in "
            "(select order_line_key from marts.fct_order_lines order by order_line_key limit 3)"
        )
        conn.execute("drop table reporting.supplier_ranking")
    lines = wh / "parquet" / "marts" / "fct_order_lines.parquet"
    other = wh / "parquet" / "marts" / "fct_shipments.parquet"
    stamps = {f: f.stat().st_mtime_ns for f in (lines, other)}
    checks = [CheckRecord("gx_x", "marts.fct_order_lines", True, "critical", "ok")]
    second = publish(
        wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="b", checks=checks
    )
    assert (
        "marts.fct_order_lines" not in second.unchanged
        and "marts.fct_shipments" in second.unchanged
    )
    assert len(second.unchanged) == len(first.unchanged) - 2
    assert lines.stat().st_mtime_ns != stamps[lines] and other.stat().st_mtime_ns == stamps[other]
    assert not (wh / "parquet" / "reporting" / "supplier_ranking.parquet").exists()
    _assert_serving_equals_build(wh, second.row_counts)
    with duckdb.connect(str(wh / "serving.duckdb"), read_only=True) as conn:
        publishes = conn.execute(
            "select run_id from serving.meta.publish_log order by published_at"
        ).fetchall()
        assert [r[0] for r in publishes][-2:] == ["a", "b"]
        assert conn.execute("select check_name from serving.meta.check_results").fetchall() == [
            ("gx_x",)
        ]
    parquet = duckdb.sql(f"select sum(net_amount) from '{lines}'").fetchone()
    with duckdb.connect(str(wh / "cqm.duckdb"), read_only=True) as conn:
        assert (
            parquet == conn.execute("select sum(net_amount) from marts.fct_order_lines").fetchone()
        )


def test_a_few_changed_rows_are_patched_in_place(
    pipeline_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large table of which few rows changed is patched in the serving copy (deleted and inserted rows, a
    repeated row counted as often as the build holds it); one whose columns changed, or of which many rows
    changed, is copied whole. Either way the serving file and its Parquet copies equal the build."""
    monkeypatch.setattr("dagster_project.publish.PATCH_MIN_ROWS", 10)
    home = _home_with_published_copy(tmp_path, pipeline_home)
    wh = home / "warehouse"
    publish(wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="a", checks=[])
    with duckdb.connect(str(wh / "cqm.duckdb")) as conn:
        lines = int(scalar(conn, "select count(*) from marts.fct_order_lines"))
        assert lines >= 200, "enough rows for a 5 % patch of a few rows"
        conn.execute(
            "update marts.fct_order_lines set net_amount = net_amount + 1 where order_line_key in "
            "(select order_line_key from marts.fct_order_lines order by order_line_key limit 3)"
        )
        conn.execute(
            "delete from marts.fct_order_lines where order_line_key in "
            "(select order_line_key from marts.fct_order_lines order by order_line_key desc limit 2)"
        )
        conn.execute(
            "insert into marts.fct_order_lines select * from marts.fct_order_lines "
            "order by order_line_key limit 1 offset 10"
        )
        conn.execute("alter table marts.fct_shipments add column planted integer default 1")
        conn.execute("update marts.fct_customer_months set revenue = revenue + 1")
    second = publish(
        wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="b", checks=[]
    )
    assert second.patched == ["marts.fct_order_lines"]
    assert {"marts.fct_shipments", "marts.fct_customer_months"}.isdisjoint(second.unchanged)
    assert second.row_counts["marts.fct_order_lines"] == lines - 2 + 1
    _assert_serving_equals_build(wh, second.row_counts)
    parquet = wh / "parquet" / "marts" / "fct_order_lines.parquet"
    with duckdb.connect(str(wh / "cqm.duckdb"), read_only=True) as conn:
        assert conn.execute(
            f"select count(*) from ((select * from '{parquet}' except all select * from marts.fct_order_lines) "
            f"union all (select * from marts.fct_order_lines except all select * from '{parquet}'))"
        ).fetchone() == (0,)


def test_publish_connection_has_a_bounded_memory_limit(
    pipeline_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At DuckDB's default (80 % of RAM) publishing 10 M order lines held 10 GB: the copy is bounded."""
    import dagster_project.publish as publishing

    home = _home_with_published_copy(tmp_path, pipeline_home)
    wh = home / "warehouse"
    seen: list[object] = []
    connect = duckdb.connect

    def recording(path: str, *args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        conn = connect(path, *args, **kwargs)  # type: ignore[arg-type]
        seen.append(conn.execute("select current_setting('memory_limit')").fetchone())
        return conn

    monkeypatch.setenv("CQM_PIPELINE_MEMORY_LIMIT", "300MB")
    monkeypatch.setattr(publishing.duckdb, "connect", recording)
    publish(wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="bounded", checks=[])
    monkeypatch.setattr(publishing.duckdb, "connect", connect)
    assert seen and seen[0] == (reported_memory_limit("300MB"),)


def test_run_that_skips_upstream_does_not_publish(
    pipeline_home: Path, tiny_sources: Path, tmp_path: Path
) -> None:
    home = make_home(tmp_path, tiny_sources)
    for name in ("cqm.duckdb", "serving.duckdb"):
        shutil.copy(pipeline_home / "warehouse" / name, home / "warehouse" / name)
    before = (home / "warehouse" / "serving.duckdb").read_bytes()
    from dagster_project.cli import demo_sources, run_pipeline

    old = os.environ.get("CQM_HOME")
    os.environ["CQM_HOME"] = str(home)
    try:
        with demo_sources(home), pytest.raises(CliError, match="not materialized in this run"):
            run_pipeline(home, ["meta/publish_log"])
    finally:
        if old is None:
            os.environ.pop("CQM_HOME", None)
        else:
            os.environ["CQM_HOME"] = old
    assert (home / "warehouse" / "serving.duckdb").read_bytes() == before


def test_reader_holding_serving_open_blocks_nothing(pipeline_home: Path, tmp_path: Path) -> None:
    home = _home_with_published_copy(tmp_path, pipeline_home)
    wh = home / "warehouse"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "q = 'select count(*) from meta.publish_log'; print(c.execute(q).fetchone()[0], flush=True); "
            "sys.stdin.readline(); print(c.execute(q).fetchone()[0], flush=True)",
            str(wh / "serving.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "1"
        publish(wh / "cqm.duckdb", wh / "serving.duckdb", wh / "parquet", run_id="r2", checks=[])
        reader.stdin.write("\n")
        reader.stdin.flush()
        # the reader keeps its snapshot of the old file; new readers see the new publish
        assert reader.stdout.readline().strip() == "1"
    finally:
        reader.kill()
        reader.wait()
    with duckdb.connect(str(wh / "serving.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from meta.publish_log").fetchone() == (2,)


# ------------------------------------------------------------------ what the run leaves behind


def test_validation_report_is_written_next_to_serving_and_reads_offline(
    pipeline_home: Path,
) -> None:
    report = pipeline_home / "warehouse" / "validation_report.html"
    text = report.read_text(encoding="utf-8")
    assert report.parent == (pipeline_home / "warehouse" / "serving.duckdb").parent
    assert "<style>" in text
    for forbidden in ("http://", "https://", "<script", "<link", "@import", "src="):
        assert forbidden not in text, f"the report must not load {forbidden} resources"
    for name in SUITE_NAMES:
        assert f"id='{name}'" in text, f"report lacks suite {name}"
    assert (
        "expect_column_values_to_be_between" in text and "every blocking expectation passed" in text
    )
    # dbt's tests of the same run are in the report too, with their count
    match = re.search(
        r"(\d+) dbt tests .* ran as asset checks: <span class='pass'>all passed", text
    )
    assert match and int(match.group(1)) > 100, "report lacks the dbt tests of the run"
    assert "unique_fct_shipments_shipment_key" in text or "shipment_key" in text


def test_check_metadata_carries_counts_samples_and_outcomes(pipeline_home: Path) -> None:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(pipeline_home / "warehouse" / "dagster")) as instance:
        records = instance.get_event_records(
            dg.EventRecordsFilter(event_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION),
            limit=1000,
        )
    found = {}
    for rec in records:
        ev = rec.event_log_entry.dagster_event
        data = ev.event_specific_data if ev else None
        if data is not None and data.check_name.startswith("gx_"):
            found[data.check_name] = data
    assert set(found) == {f"gx_{n}" for n in SUITE_NAMES}
    for data in found.values():
        assert {"rows", "unexpected_count", "failures", "outcomes", "report"} <= set(data.metadata)


def test_failure_metadata_has_counts_and_samples(pipeline_home: Path, tmp_path: Path) -> None:
    """What a failing check puts in its `failures` metadata (the same dicts the Dagster check emits)."""
    import shutil

    from expectations.runner import run_suite
    from expectations.suites import load_suite

    db = tmp_path / "broken.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "cqm.duckdb", db)
    with duckdb.connect(str(db)) as conn:
        conn.execute(
            "update raw.surveys_responses set q1 = 11 where rowid in (select rowid from raw.surveys_responses limit 2)"
        )
    result = run_suite(load_suite("raw_surveys_responses"), db_path=db)
    failures = [o.as_dict() for o in result.outcomes if not o.success]
    assert failures and {"unexpected_count", "unexpected_percent", "sample"} <= set(failures[0])
    assert failures[0]["unexpected_count"] == 2


def _scan(conn: duckdb.DuckDBPyConnection) -> list[str]:
    hits = []
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables order by 1, 2"
    ).fetchall()
    for schema, table in tables:
        cols = conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
        for col, dtype in cols:
            if schema != "meta" and col.lower() in PII_COLUMN_NAMES:
                hits.append(f"{schema}.{table}.{col}: a raw PII column name")
            if dtype != "VARCHAR":
                continue
            values = conn.execute(
                f'select distinct "{col}" from {schema}."{table}" where "{col}" is not null'
            ).fetchall()
            for (v,) in values:
                if EMAIL.search(v):
                    hits.append(f"{schema}.{table}.{col}: email {v!r}")
                    break
                m = PHONE.search(v)
                if m and sum(ch.isdigit() for ch in m.group()) >= 9 and not DATE_LIKE.match(v):
                    hits.append(f"{schema}.{table}.{col}: phone {v!r}")
                    break
    return hits


def test_serving_tables_hold_no_email_or_phone(pipeline_home: Path) -> None:
    with duckdb.connect(
        str(pipeline_home / "warehouse" / "serving.duckdb"), read_only=True
    ) as conn:
        assert _scan(conn) == []


def test_the_pii_scan_finds_planted_pii(pipeline_home: Path, tmp_path: Path) -> None:
    db = tmp_path / "serving.duckdb"
    shutil.copy(pipeline_home / "warehouse" / "serving.duckdb", db)
    with duckdb.connect(str(db)) as conn:
        conn.execute(
            "update marts.dim_customer set industry = 'pat.buyer0@customer00000.example.com' "
            "where rowid in (select rowid from marts.dim_customer limit 1)"
        )
        conn.execute(
            "update reporting.kpi_summary set definition = 'call +1-555-000-0000' where kpi = 'nps'"
        )
        conn.execute("create table marts.leak as select 'x' as phone")
        hits = _scan(conn)
    assert any("dim_customer.industry: email" in h for h in hits)
    assert any("kpi_summary.definition: phone" in h for h in hits)
    assert any("marts.leak.phone" in h for h in hits)


def test_raw_pii_is_dropped_or_tagged_in_staging() -> None:
    """Every contract column marked PII or free text is dropped in staging (listed in the model's
    meta.pii_dropped) or carried only in a column tagged meta.pii (hashed/masked)."""
    import yaml

    manifest = json.loads((ROOT / "dbt" / "target" / "manifest.json").read_text())
    staging = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["name"].startswith("stg_")
    }
    problems = []
    for path in sorted(CONTRACTS_DIR.glob("*/*.yml")):
        contract = yaml.safe_load(path.read_text(encoding="utf-8"))
        pii = [
            c["name"]
            for c in contract["columns"]
            if re.search(r"\bPII\b|free text", c.get("description", ""), re.IGNORECASE)
            and "PII-adjacent" not in c.get("description", "")
        ]
        if not pii:
            continue
        models = [
            n
            for n in staging.values()
            if f"source.cqm.{contract['source']}.{contract['table']}" in n["depends_on"]["nodes"]
        ]
        for col in pii:
            for model in models:
                dropped = model["config"].get("meta", {}).get("pii_dropped", [])
                tagged = [
                    c
                    for c in model["columns"].values()
                    if c.get("config", {}).get("meta", {}).get("pii_source")
                    == f"{contract['table']}.{col}"
                ]
                if col not in dropped and not tagged:
                    problems.append(f"{contract['table']}.{col} in {model['name']}")
    assert not problems, f"raw PII neither dropped nor tagged in staging YAML: {problems}"
