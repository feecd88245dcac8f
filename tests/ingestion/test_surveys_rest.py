"""The survey connector's rest kind against the simulator's Qualtrics-like API on 127.0.0.1: it lands the
same raw rows as the files kind, retries 429/500 with backoff, keeps a durable cursor per survey, counts
a ResponseId delivered twice once, quarantines malformed rows with page and line, and a rerun or a load
killed midway lands nothing twice."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.common import landing
from ingestion.common.contract import ContractError, load_contract
from ingestion.surveys.extract import extract as extract_files
from ingestion.surveys.rest import SurveyApiError, SurveyClient
from ingestion.surveys.rest import extract as extract_rest
from simulator.dirty import Dirty
from simulator.survey_server import SurveyServer, start_in_thread
from simulator.writers import simulate

COLS = ", ".join(c.name for c in load_contract("surveys", "surveys_responses").columns)
TOKEN = "t"


def _rows(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return sorted(conn.execute(f"select {COLS} from raw.surveys_responses").fetchall(), key=repr)


@pytest.fixture
def api(tiny_sources: Path, tmp_path: Path) -> Iterator[tuple[SurveyServer, Path]]:
    folder = tmp_path / "exports"
    shutil.copytree(tiny_sources / "surveys", folder)
    server = start_in_thread(folder, token=TOKEN)
    yield server, folder
    server.shutdown()
    server.server_close()


def test_rest_lands_the_same_rows_as_the_files_kind_through_transient_errors(
    api: tuple[SurveyServer, Path], tmp_path: Path
) -> None:
    server, folder = api
    server.fail_rate = 0.3
    with (
        duckdb.connect(str(tmp_path / "f.duckdb")) as f,
        duckdb.connect(str(tmp_path / "r.duckdb")) as r,
    ):
        extract_files(f, folder)
        client = SurveyClient(server.url, TOKEN, page_size=40)
        res = extract_rest(r, server.url, TOKEN, client=client)["surveys_responses"]
        client.close()
        assert client.retries > 0, "429/500 answers were retried"
        assert res.rows_landed > 80 and len(res.files) > 2, "several pages"
        assert _rows(r) == _rows(f), "files and rest land the same raw rows"
        cursors = dict(
            r.execute(
                "select stream, cursor_value from raw._cursors where source = 'surveys'"
            ).fetchall()
        )
        assert set(cursors) == {"post_case", "post_delivery"}
        assert all(v.endswith("Z") for v in cursors.values())


def test_rerun_is_idempotent_and_reads_only_new_responses(
    api: tuple[SurveyServer, Path], tmp_path: Path
) -> None:
    server, folder = api
    export = folder / "post_delivery.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines[0].split(",").index("RecordedDate")
    latest = set(sorted(lines[3:], key=lambda x: x.split(",")[at])[-10:])
    # the 10 responses recorded last arrive later
    export.write_text("".join(x for x in lines if x not in latest), encoding="utf-8")
    server.data.reload()
    with duckdb.connect(str(tmp_path / "r.duckdb")) as conn:
        first = extract_rest(conn, server.url, TOKEN)["surveys_responses"]
        again = extract_rest(conn, server.url, TOKEN)["surveys_responses"]
        assert again.rows_landed == 0 and again.rows_read < first.rows_read, "cursor: only the tail"
        export.write_text("".join(lines), encoding="utf-8")
        server.data.reload()
        later = extract_rest(conn, server.url, TOKEN)["surveys_responses"]
        assert later.rows_landed == 10
        n = conn.execute(
            "select count(*), count(distinct response_id) from raw.surveys_responses"
        ).fetchone()
        assert n == (first.rows_landed + 10, first.rows_landed + 10)


def test_load_killed_midway_is_completed_by_the_next_run(
    api: tuple[SurveyServer, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _folder = api
    with duckdb.connect(str(tmp_path / "whole.duckdb")) as whole:
        extract_rest(whole, server.url, TOKEN)
        want = _rows(whole)
    real = landing._set_cursor
    calls = {"n": 0}

    def dying(*args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed midway")  # inside the page's transaction
        real(*args)  # type: ignore[arg-type]

    with duckdb.connect(str(tmp_path / "r.duckdb")) as conn:
        monkeypatch.setattr(landing, "_set_cursor", dying)
        with pytest.raises(KeyboardInterrupt):
            extract_rest(
                conn, server.url, TOKEN, client=SurveyClient(server.url, TOKEN, page_size=25)
            )
        monkeypatch.setattr(landing, "_set_cursor", real)
        n = conn.execute("select count(*) from raw.surveys_responses").fetchone()
        logged = conn.execute("select sum(rows_landed), count(*) from raw._load_log").fetchone()
        assert n is not None and logged is not None and logged[1] == 2
        assert 0 < n[0] == logged[0] < len(want), "two whole pages, nothing of the third"
        extract_rest(conn, server.url, TOKEN, client=SurveyClient(server.url, TOKEN, page_size=25))
        assert _rows(conn) == want, "nothing lost, nothing doubled"


def test_dirty_exports_duplicates_malformed_rows_and_decimal_commas(tmp_path: Path) -> None:
    out = tmp_path / "dirty"
    simulate(out, 0.05, 3, dirty=Dirty.parse("duplicates=0.1,malformed=0.05,decimal_comma=0.2,bom"))
    server = start_in_thread(out / "surveys", token=TOKEN)
    try:
        with (
            duckdb.connect(str(tmp_path / "f.duckdb")) as f,
            duckdb.connect(str(tmp_path / "r.duckdb")) as r,
        ):
            files = extract_files(f, out / "surveys")["surveys_responses"]
            rest = extract_rest(r, server.url, TOKEN)["surveys_responses"]
            assert rest.rows_duplicate > 0, "a ResponseId delivered twice is counted"
            assert rest.rows_quarantined > 0
            # a malformed response delivered twice: quarantined twice from the file, once (plus one
            # duplicate) from the API, which drops the repeated ResponseId first
            assert (rest.rows_quarantined + rest.rows_duplicate, rest.rows_read) == (
                files.rows_quarantined + files.rows_duplicate,
                files.rows_read,
            )
            q = r.execute(
                "select source, source_file, source_line, reason from raw._quarantine"
            ).fetchall()
            assert all(s == "surveys" and " page " in sf and ln >= 1 for s, sf, ln, _ in q)
            assert {x[3] for x in q} == {"Q1: not a valid integer"}
            assert _rows(r) == _rows(f), "decimal commas read as numbers, as from the files"
    finally:
        server.shutdown()
        server.server_close()


def test_missing_column_and_bad_token_fail_with_one_sentence(tmp_path: Path) -> None:
    out = tmp_path / "m"
    simulate(out, 0.02, 5, dirty=Dirty(missing_column=True))
    server = start_in_thread(out / "surveys", token=TOKEN)
    try:
        with duckdb.connect(str(tmp_path / "r.duckdb")) as conn:
            with pytest.raises(SurveyApiError, match="answered HTTP 401"):
                extract_rest(conn, server.url, "wrong")
            with pytest.raises(
                ContractError, match=r"surveys: file post_case page 1 .* has no column 'ResponseId'"
            ):
                extract_rest(conn, server.url, TOKEN)
    finally:
        server.shutdown()
        server.server_close()
