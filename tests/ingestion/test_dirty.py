"""Each kind of dirty data the simulator can plant is handled as stated: counted, deduplicated,
quarantined or rejected with one sentence naming the file and column. Loads killed midway leave raw
consistent and the next run completes them with nothing lost or doubled."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.common import landing
from ingestion.common.contract import ContractError, load_contract
from ingestion.crm.extract import CrmClient
from ingestion.crm.extract import extract as extract_crm
from ingestion.erp import settings as erp_settings
from ingestion.erp.extract import extract as extract_erp
from ingestion.logistics.extract import extract as extract_logistics
from ingestion.surveys.extract import extract as extract_surveys
from simulator.crm_server import start_in_thread
from simulator.dirty import Dirty
from simulator.writers import simulate

SCALE, SEED = 0.02, 5
EVENT_COLS = ", ".join(
    c.name for c in load_contract("logistics", "logistics_tracking_events").columns
)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    simulate(out, SCALE, SEED)
    return out


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dirty")
    simulate(
        out, SCALE, SEED, dirty=Dirty.parse("all,malformed=0.02,decimal_comma=0.1,duplicates=0.1")
    )
    return out


def _inbox(src: Path, tmp: Path, carrier: str = "FXFE") -> Path:
    """One carrier's files (24 months and any late file): enough to show each kind, and fast."""
    inbox = tmp / f"inbox_{src.name}"
    inbox.mkdir()
    for p in (src / "logistics" / "inbox").glob(f"{carrier}_*.csv"):
        shutil.copy(p, inbox)
    return inbox


def _events(conn: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    return set(conn.execute(f"select {EVENT_COLS} from raw.logistics_tracking_events").fetchall())


def test_dirty_spec_parses_and_rejects_unknown_kinds() -> None:
    d = Dirty.parse("duplicates=0.2,bom")
    assert d.duplicates == 0.2 and d.bom and not d.cp1252
    assert Dirty.parse("all").late > 0 and not Dirty.parse("all").missing_column
    assert not Dirty.parse(None).any
    with pytest.raises(ValueError, match="unknown dirty-data kind 'dupes'"):
        Dirty.parse("dupes=0.1")


def test_clean_default_output_is_unchanged_by_the_dirt_machinery(clean: Path) -> None:
    truth = json.loads((clean / "truth.json").read_text())
    assert "dirty" not in truth
    assert not (clean / "crm" / "server.json").exists()


def test_duplicates_and_late_events_land_once_and_completely(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "dl"
    simulate(out, SCALE, SEED, dirty=Dirty(duplicates=0.05, late=0.05))
    assert list((out / "logistics" / "inbox").glob("*_late.csv")), "late events get a later file"
    with (
        duckdb.connect(str(tmp_path / "c.duckdb")) as c,
        duckdb.connect(str(tmp_path / "d.duckdb")) as d,
    ):
        extract_logistics(c, _inbox(clean, tmp_path))
        res = extract_logistics(d, _inbox(out, tmp_path))["logistics_tracking_events"]
        assert res.rows_duplicate > 0, "duplicates are counted"
        assert _events(d) == _events(c), "nothing lost, nothing doubled"
        n = d.execute("select count(*) from raw.logistics_tracking_events").fetchone()
        assert n is not None and n[0] == len(_events(c))


def test_malformed_rows_are_quarantined_with_source_file_line_and_reason(
    dirty: Path, tmp_path: Path
) -> None:
    inbox = _inbox(dirty, tmp_path)
    planted = {
        (p.name, i + 1)
        for p in inbox.glob("*.csv")
        for i, line in enumerate(p.read_bytes().decode("cp1252").splitlines())
        if "2025-13-45" in line
    }
    assert planted
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        res = extract_logistics(conn, inbox)["logistics_tracking_events"]
        q = conn.execute(
            "select source, source_file, source_line, reason from raw._quarantine"
        ).fetchall()
        assert res.rows_quarantined == len(planted) == len(q)
        assert {(f, ln) for _, f, ln, _ in q} == planted
        assert all(s == "logistics" and r.startswith("event_date:") for s, _, _, r in q)
        log = conn.execute("select sum(rows_quarantined) from raw._load_log").fetchone()
        assert log is not None and log[0] == len(planted), "counted in the run's load log"


def test_cp1252_file_and_extra_column(dirty: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        res = extract_logistics(conn, _inbox(dirty, tmp_path))["logistics_tracking_events"]
        assert res.extra_columns == ["weight_lb"], "an extra column is reported"
        extra = conn.execute(
            "select _extra_columns from raw.logistics_tracking_events limit 1"
        ).fetchone()
        assert extra is not None and json.loads(extra[0]) == {"weight_lb": "1200"}, "and kept"
        city = conn.execute(
            "select count(*) from raw.logistics_tracking_events where city = 'Cañon City'"
        ).fetchone()
        assert city is not None and city[0] == 1


def test_bom_decimal_comma_and_malformed_survey_rows(dirty: Path, tmp_path: Path) -> None:
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(dirty / "surveys" / "post_delivery.csv", folder)
    raw = (folder / "post_delivery.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    commas = text.count(',0"')
    bad = sum(1 for line in text.splitlines() if ",ten," in line)
    assert commas > 0 and bad > 0
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        res = extract_surveys(conn, folder)["surveys_responses"]
        assert res.rows_quarantined == bad
        reasons = conn.execute("select distinct reason from raw._quarantine").fetchall()
        assert reasons == [("Q1: not a valid integer",)]
        nulls = conn.execute(
            "select count(*) from raw.surveys_responses where duration_in_seconds is null or progress is null"
        ).fetchone()
        assert nulls is not None and nulls[0] == 0, "decimal commas are read as numbers"


def test_missing_required_column_fails_that_file_with_one_sentence(tmp_path: Path) -> None:
    out = tmp_path / "m"
    simulate(out, SCALE, SEED, dirty=Dirty(missing_column=True))
    with (
        duckdb.connect(str(tmp_path / "b.duckdb")) as conn,
        pytest.raises(
            ContractError, match=r"surveys: file post_case\.csv has no column 'ResponseId'"
        ),
    ):
        extract_surveys(conn, out / "surveys")


def test_http_errors_are_retried_and_duplicated_records_land_once(
    dirty: Path, tmp_path: Path
) -> None:
    fail_rate = json.loads((dirty / "crm" / "server.json").read_text())["fail_rate"]
    lines = (dirty / "crm" / "Case.jsonl").read_text().splitlines()
    ids = {json.loads(x)["Id"] for x in lines}
    assert len(lines) > len(ids), "some cases were delivered twice"
    server = start_in_thread(dirty / "crm", token="t", fail_rate=fail_rate)
    try:
        with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
            client = CrmClient(server.url, "t", page_size=3)
            res = extract_crm(conn, server.url, "t", client=client)["crm_cases"]
            client.close()
            assert client.retries > 0, "429/500 answers were retried"
            # a case without a status (created after the horizon) is quarantined, not lost
            q = conn.execute("select count(*) from raw._quarantine").fetchone()
            assert q is not None
            assert res.rows_landed + q[0] == len(ids)
            assert res.rows_duplicate >= len(lines) - len(ids), "duplicates are counted"
            n = conn.execute("select count(*), count(distinct id) from raw.crm_cases").fetchone()
            assert n == (res.rows_landed, res.rows_landed), "and land once"
    finally:
        server.shutdown()
        server.server_close()


def test_erp_load_killed_midway_is_completed_by_the_next_run(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    db = tmp_path / "erp.sqlite"
    shutil.copy(clean / "erp" / "erp.sqlite", db)
    url = f"sqlite:///{db}"
    monkeypatch.setattr(erp_settings, "FETCH_ROWS", 500)
    real = landing._set_cursor
    calls = {"n": 0}

    def dying(*args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 8:
            raise KeyboardInterrupt("killed midway")  # after the insert, inside the transaction
        real(*args)  # type: ignore[arg-type]

    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        monkeypatch.setattr(landing, "_set_cursor", dying)
        with pytest.raises(KeyboardInterrupt):
            extract_erp(conn, url)
        monkeypatch.setattr(landing, "_set_cursor", real)
        # raw holds only whole chunks: every landed chunk is in the load log
        landed = conn.execute("select coalesce(sum(rows_landed), 0) from raw._load_log").fetchone()
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' "
            "and table_name like 'erp_%'"
        ).fetchall()
        total = sum(
            conn.execute(f'select count(*) from raw."{t}"').fetchone()[0]  # type: ignore[index]
            for (t,) in tables
        )
        assert landed is not None and total == landed[0]
        extract_erp(conn, url)
        src = sqlite3.connect(db)
        for erp_table, landed_table in erp_settings.TABLES.items():
            want = src.execute(f"select count(*) from {erp_table}").fetchone()[0]
            got = conn.execute(
                f'select count(*), count(distinct _record_hash) from raw."{landed_table}"'
            ).fetchone()
            assert got == (want, want), landed_table
        src.close()


def test_missing_column_fails_only_its_source_in_dagster(tmp_path: Path) -> None:
    import dagster as dg

    from dagster_project.defs.ingestion import ASSETS
    from dagster_project.resources import CrmSource, ErpSource, FolderSource, WarehouseResource

    out = tmp_path / "src"
    simulate(out, SCALE, SEED, dirty=Dirty(missing_column=True))
    server = start_in_thread(out / "crm", token="t")
    try:
        result = dg.materialize(
            ASSETS,
            resources={
                "warehouse": WarehouseResource(home=str(tmp_path / "home")),
                "crm": CrmSource(base_url=server.url, token="t"),
                "erp": ErpSource(url=f"sqlite:///{out / 'erp' / 'erp.sqlite'}"),
                "logistics_inbox": FolderSource(path=str(out / "logistics" / "inbox")),
                "survey_exports": FolderSource(path=str(out / "surveys")),
            },
            raise_on_error=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    # the sources land side by side in one step: it fails, once (a bad file is not retried), naming the source
    assert [e.step_key for e in failures] == ["extract_sources"]
    assert "STEP_UP_FOR_RETRY" not in [e.event_type_value for e in result.all_events]
    message = failures[0].step_failure_data.error.message  # type: ignore[union-attr]
    assert "surveys: " in message and "file post_case.csv has no column 'ResponseId'" in message
    # the other sources landed, and are recorded as materialized
    landed = {
        m.asset_key.path[-1] for m in result.asset_materializations_for_node("extract_sources")
    }
    assert {"erp_vbap", "logistics_tracking_events", "crm_cases"} <= landed
    assert not any(t.startswith("surveys_") for t in landed)
