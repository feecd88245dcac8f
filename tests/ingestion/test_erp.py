"""ERP extraction over SQL (SQLite here): incremental on AEDAT, idempotent, clear errors."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

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
