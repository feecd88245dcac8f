"""ERP extraction over SQL (SQLite here): incremental on AEDAT, idempotent, clear errors."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import duckdb
import pytest

from ingestion.common import landing
from ingestion.common.contract import ContractError
from ingestion.erp import extract as erp_extract
from ingestion.erp import settings
from ingestion.erp.extract import ErpError, extract


def test_incremental_and_idempotent(tiny_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "erp.sqlite"
    shutil.copy(tiny_sources / "erp" / "erp.sqlite", db)
    url = f"sqlite:///{db}"
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        first = extract(conn, url)
        n_items = sqlite3.connect(db).execute("select count(*) from VBAP").fetchone()[0]
        assert first["erp_vbap"].rows_landed == n_items
        assert extract(conn, url)["erp_vbap"].rows_landed == 0
        # a changed row arrives with a newer AEDAT: exactly that version lands
        with sqlite3.connect(db) as src:
            src.execute("update VBAP set KWMENG = KWMENG + 1, AEDAT = '20991231' where rowid = 1")
        third = extract(conn, url)
        assert third["erp_vbap"].rows_landed == 1
        assert conn.execute("select count(*) from raw.erp_vbap").fetchone()[0] == n_items + 1


def test_bad_url_is_one_sentence(tmp_path: Path) -> None:
    with (
        duckdb.connect(str(tmp_path / "b.duckdb")) as conn,
        pytest.raises(ErpError, match="unsupported connection URL scheme"),
    ):
        extract(conn, "mysql://x/y")


def test_tables_landed_side_by_side_equal_one_at_a_time(
    tiny_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tiny_sources / 'erp' / 'erp.sqlite'}"
    monkeypatch.setattr(settings, "FETCH_ROWS", 300)  # several chunks per large table, interleaved
    real_land = landing.land
    threads: set[str] = set()

    def recording_land(*args: object, **kwargs: object) -> landing.LoadResult:
        threads.add(threading.current_thread().name)
        return real_land(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(erp_extract, "land", recording_land)

    def landed(workers: int) -> tuple[dict[str, int], dict[str, list[tuple[object, ...]]]]:
        monkeypatch.setattr(settings, "WORKERS", workers)
        with duckdb.connect(str(tmp_path / f"workers{workers}.duckdb")) as conn:
            res = extract(conn, url)
            rows = {
                t: conn.execute(
                    f'select * exclude (_batch_id, _loaded_at) from raw."{t}" order by all'
                ).fetchall()
                for t in res
            }
        return {t: r.rows_landed for t, r in res.items()}, rows

    counts_one, rows_one = landed(1)
    assert len(threads) == 1
    threads.clear()
    counts_two, rows_two = landed(2)
    assert len(threads) == 2, "two tables are landed at the same time"
    assert list(counts_two) == list(settings.TABLES.values()), "results keep the tables' order"
    assert counts_two == counts_one and rows_two == rows_one
    assert counts_two["erp_vbap"] > 3 * settings.FETCH_ROWS


def test_a_failing_table_stops_the_others_and_its_error_is_raised(
    tiny_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tiny_sources / 'erp' / 'erp.sqlite'}"
    real = erp_extract.load_contract

    def broken(source: str, table: str) -> object:
        if table == "erp_vbap":
            raise ContractError("erp: VBAP has no column VBELN (row 1)")
        return real(source, table)

    monkeypatch.setattr(erp_extract, "load_contract", broken)
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        with pytest.raises(ContractError, match="VBAP has no column VBELN"):
            extract(conn, url)
        # the tables queued behind the two that started were not begun
        started = {
            t for (t,) in conn.execute('select distinct "table" from raw._load_log').fetchall()
        }
        assert "erp_vbap" not in started
        assert not started & {"erp_mara", "erp_lfa1", "erp_training"}


def test_an_interrupted_run_stops_its_threads_after_their_current_chunk(
    tiny_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the tables are landing: the run ends after the chunks in flight, not after every table."""
    url = f"sqlite:///{tiny_sources / 'erp' / 'erp.sqlite'}"

    def interrupted(futures: object) -> object:
        raise KeyboardInterrupt
        yield  # a generator, like as_completed

    monkeypatch.setattr(erp_extract, "as_completed", interrupted)
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        with pytest.raises(KeyboardInterrupt):
            extract(conn, url)
        started = {
            t for (t,) in conn.execute('select distinct "table" from raw._load_log').fetchall()
        }
        assert not started & {"erp_mara", "erp_lfa1", "erp_training"}
