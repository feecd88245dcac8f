"""File sources: carrier event CSVs and survey exports, with real-world encodings and headers."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.common.contract import ContractError
from ingestion.logistics.extract import extract as extract_logistics
from ingestion.logistics.normalize import decode
from ingestion.surveys.extract import extract as extract_surveys
from ingestion.surveys.normalize import read_export

HEADER = "scac,pro_number,shipment_id,status_code,status_reason_code,event_date,event_time,time_code,city,state,country\n"


def test_decode_bom_and_cp1252() -> None:
    assert decode("\ufeffa,b\n".encode()) == "a,b\n"
    assert decode("São Paulo".encode("cp1252")) == "São Paulo"


def test_logistics_quarantine_and_idempotent(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ODFL_202503.csv").write_bytes(
        (
            "\ufeff" + HEADER + "ODFL,P1,S1,AF,NS,20250301,0830,ET,Boston,MA,US\n"
            "ODFL,P1,S1,D1,NS,2025-03-02,0915,ET,Boston,MA,US\n"
        ).encode()
    )
    (inbox / "SAIA_202503.csv").write_bytes(
        (HEADER + "SAIA,P2,S2,D1,NS,20250303,1000,CT,Bogotá,IL,US\n").encode("cp1252")
    )
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        res = extract_logistics(conn, inbox)["logistics_tracking_events"]
        assert (res.rows_landed, res.rows_quarantined) == (2, 1)
        q = conn.execute("select source_file, source_line, reason from raw._quarantine").fetchall()
        assert q == [("ODFL_202503.csv", 3, "event_date: does not match ^\\d{8}$")]
        assert (
            conn.execute(
                "select city from raw.logistics_tracking_events where pro_number = 'P2'"
            ).fetchone()[0]
            == "Bogotá"
        )
        again = extract_logistics(conn, inbox)["logistics_tracking_events"]
        assert again.rows_read == 0, "an unchanged file is not read again"
        # a new file and a re-sent one with a changed line: both are read, each new row lands once
        (inbox / "ABFS_202503.csv").write_text(
            HEADER + "ABFS,P3,S3,D1,NS,20250304,1100,ET,Reno,NV,US\n"
        )
        (inbox / "SAIA_202503.csv").write_bytes(
            (
                HEADER
                + "SAIA,P2,S2,D1,NS,20250303,1000,CT,Bogotá,IL,US\nSAIA,P2,S2,X1,NS,20250303,1200,CT,Bogotá,IL,US\n"
            ).encode("cp1252")
        )
        later = extract_logistics(conn, inbox)["logistics_tracking_events"]
        assert (later.rows_read, later.rows_landed, later.rows_duplicate) == (3, 2, 1)
        assert [f.split("@")[0] for f in later.files] == ["ABFS_202503.csv", "SAIA_202503.csv"]


def test_logistics_missing_column_fails_with_file_and_column(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ABFS_202503.csv").write_text(
        HEADER.replace("status_code,", "") + "ABFS,P1,S1,NS,20250301,0830,UT,X,Y,US\n"
    )
    with (
        duckdb.connect(str(tmp_path / "b.duckdb")) as conn,
        pytest.raises(ContractError, match=r"file ABFS_202503\.csv has no column 'status_code'"),
    ):
        extract_logistics(conn, inbox)


def test_small_files_land_together_with_a_load_log_row_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    row = "ODFL,P1,S1,AF,NS,20250301,0830,ET,Boston,MA,US\n"
    (inbox / "ODFL_202503.csv").write_text(HEADER + row + row.replace("AF", "X1"))
    # the same event re-sent in a later file, and a malformed date
    (inbox / "ODFL_202504.csv").write_text(
        HEADER + row + "ODFL,P2,S2,D1,NS,2025-04-02,0915,ET,Boston,MA,US\n"
    )
    (inbox / "SAIA_202503.csv").write_text(
        HEADER + "SAIA,P3,S3,D1,NS,20250303,1000,CT,Reno,NV,US\n"
    )
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        recording = _Recording(conn)
        res = extract_logistics(recording, inbox)["logistics_tracking_events"]  # type: ignore[arg-type]
        assert recording.statements.count("begin transaction") == 1, (
            "three small files, one transaction"
        )
        assert (res.rows_read, res.rows_landed, res.rows_duplicate, res.rows_quarantined) == (
            5,
            3,
            1,
            1,
        )
        log = conn.execute(
            "select split_part(source_file, '@', 1), rows_read, rows_landed, rows_duplicate, rows_quarantined "
            "from raw._load_log order by 1"
        ).fetchall()
        assert log == [
            ("ODFL_202503.csv", 2, 2, 0, 0),
            ("ODFL_202504.csv", 2, 0, 1, 1),  # its first row is the earlier file's
            ("SAIA_202503.csv", 1, 1, 0, 0),
        ]
        assert extract_logistics(conn, inbox)["logistics_tracking_events"].rows_read == 0

    # a group closes once it holds GROUP_ROWS rows: one file per transaction at 1
    monkeypatch.setattr("ingestion.logistics.extract.GROUP_ROWS", 1)
    with duckdb.connect(str(tmp_path / "c.duckdb")) as conn:
        recording = _Recording(conn)
        res = extract_logistics(recording, inbox)["logistics_tracking_events"]  # type: ignore[arg-type]
        assert recording.statements.count("begin transaction") == 3
        assert (res.rows_landed, res.rows_duplicate) == (3, 1)


class _Recording:
    """A connection that records the statements it executes (duckdb's connection cannot be patched)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self.statements: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)

    def execute(self, sql: str, *args: object) -> object:
        self.statements.append(sql)
        return self.conn.execute(sql, *args)


def test_a_file_that_cannot_be_read_stops_the_load_after_the_files_before_it(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ABFS_202503.csv").write_text(
        HEADER + "ABFS,P1,S1,AF,NS,20250301,0830,ET,Reno,NV,US\n"
    )
    (inbox / "ABFS_202504.csv").write_text(
        HEADER + "ABFS,P2,S2,AF,NS,20250401,0830,ET,Reno,NV,US\n"
    )
    (inbox / "ODFL_202503.csv").write_text(
        HEADER.replace("status_code,", "") + "ODFL,P3,S3,NS,20250301,0830,ET,X,Y,US\n"
    )
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        with pytest.raises(ContractError, match=r"file ODFL_202503\.csv has no column"):
            extract_logistics(conn, inbox)
        landed = conn.execute(
            "select split_part(source_file, '@', 1) from raw._load_log order by 1"
        ).fetchall()
        assert landed == [("ABFS_202503.csv",), ("ABFS_202504.csv",)]
        assert conn.execute("select count(*) from raw.logistics_tracking_events").fetchone() == (2,)


def test_survey_export_timezone_and_three_headers(tiny_sources: Path, tmp_path: Path) -> None:
    text = (tiny_sources / "surveys" / "post_delivery.csv").read_text()
    frame, tz, skipped = read_export(text)
    assert tz == "America/New_York" and skipped == 3
    assert frame.height == len(text.splitlines()) - 3
    folder = tmp_path / "surveys"
    shutil.copytree(tiny_sources / "surveys", folder)
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        res = extract_surveys(conn, folder)["surveys_responses"]
        assert res.rows_landed > 0 and res.rows_quarantined == 0
        first_line = conn.execute("select min(_source_line) from raw.surveys_responses").fetchone()[
            0
        ]
        assert first_line == 4
        assert extract_surveys(conn, folder)["surveys_responses"].rows_read == 0


def test_landing_connection_checkpoints_once_per_load(tmp_path: Path) -> None:
    """Landing commits per file; the warehouse connection must not checkpoint every 16 MB of log."""
    from dagster_project.resources import WarehouseResource
    from ingestion.common.landing import CHECKPOINT_THRESHOLD, connect_warehouse

    setting = "select current_setting('checkpoint_threshold')"
    with duckdb.connect(":memory:") as plain:
        default = plain.execute(setting).fetchone()
    with duckdb.connect(":memory:", config={"checkpoint_threshold": CHECKPOINT_THRESHOLD}) as c:
        wanted = c.execute(setting).fetchone()
    assert wanted != default
    with connect_warehouse(tmp_path / "w.duckdb") as conn:
        assert conn.execute(setting).fetchone() == wanted
    with WarehouseResource(home=str(tmp_path)).connect() as conn:
        assert conn.execute(setting).fetchone() == wanted


def test_landing_connection_has_a_bounded_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's default (80 % of RAM) let landing keep what it wrote cached: 5.1 GB at 10 M order lines."""
    from ingestion.common.landing import connect_warehouse
    from ingestion.common.settings import PIPELINE_MEMORY_LIMIT
    from tests.conftest import reported_memory_limit

    setting = "select current_setting('memory_limit')"
    with connect_warehouse(tmp_path / "w.duckdb") as conn:
        assert conn.execute(setting).fetchone() == (reported_memory_limit(PIPELINE_MEMORY_LIMIT),)
    monkeypatch.setenv("CQM_PIPELINE_MEMORY_LIMIT", "2GB")
    with connect_warehouse(tmp_path / "w.duckdb") as conn:
        assert conn.execute(setting).fetchone() == (reported_memory_limit("2GB"),)


def test_survey_export_encoding_is_found_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.surveys import extract as surveys

    monkeypatch.setattr(surveys, "READ_BYTES", 16)  # many blocks: a character can straddle two
    path = tmp_path / "s.csv"
    cases = {
        "ResponseId,Q5\nR1," + "x" * 40 + "São Paulo\n": ("utf-8", "utf-8"),
        "\ufeffResponseId,Q5\nR1,São Paulo\n": ("utf-8", "utf-8-sig"),
        "ResponseId,Q5\nR1," + "x" * 40 + "São Paulo\n": ("cp1252", "cp1252"),
    }
    for text, (written, found) in cases.items():
        path.write_bytes(text.encode(written))
        digest, encoding = surveys._fingerprint(path)
        assert encoding == found
        assert path.read_text(encoding=encoding) == text.lstrip("\ufeff")
        assert len(digest) == 16


def test_a_survey_export_lands_in_chunks_whole_or_not_at_all(
    tiny_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion.surveys import extract as surveys
    from ingestion.surveys import settings

    folder = tmp_path / "surveys"
    shutil.copytree(tiny_sources / "surveys", folder)
    columns = "survey_id, response_id, _source_line, _record_hash"

    def landed(db: Path) -> list[tuple[object, ...]]:
        with duckdb.connect(str(db)) as conn:
            return conn.execute(
                f"select {columns} from raw.surveys_responses order by all"
            ).fetchall()

    with duckdb.connect(str(tmp_path / "whole.duckdb")) as conn:
        whole = extract_surveys(conn, folder)["surveys_responses"]
    expected = landed(tmp_path / "whole.duckdb")
    assert whole.rows_landed == len(expected) > 30

    monkeypatch.setattr(settings, "CHUNK_ROWS", 7)
    real_land = surveys.land
    calls: list[int] = []

    def failing_land(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_land(*args, **kwargs)  # type: ignore[arg-type]

    db = tmp_path / "chunked.duckdb"
    monkeypatch.setattr(surveys, "land", failing_land)
    with duckdb.connect(str(db)) as conn, pytest.raises(RuntimeError, match="disk full"):
        extract_surveys(conn, folder)
    with duckdb.connect(str(db)) as conn:
        # the table was created in the same transaction: it is rolled back as well
        left = conn.execute(
            "select (select count(*) from duckdb_tables() where table_name = 'surveys_responses'), "
            "(select count(*) from raw._load_log)"
        ).fetchone()
    assert left == (0, 0), "the two chunks landed before the failure were rolled back"

    monkeypatch.setattr(surveys, "land", real_land)
    with duckdb.connect(str(db)) as conn:
        chunked = extract_surveys(conn, folder)["surveys_responses"]
    assert landed(db) == expected, "same rows, line numbers and hashes as in one piece"
    assert (chunked.rows_read, chunked.rows_landed) == (whole.rows_read, whole.rows_landed)
    assert chunked.files == whole.files
