"""CRM extraction against the demo REST API: paging, retries on 429/500, cursors, idempotent reruns."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.crm.extract import CrmClient, extract
from ingestion.crm.normalize import cursor_after
from ingestion.crm.settings import STREAMS
from simulator.crm_server import start_in_thread


def test_cursor_never_moves_backwards() -> None:
    assert (
        cursor_after(
            [{"SystemModstamp": "2025-01-01T00:00:00.000+0000"}], "2025-02-01T00:00:00.000+0000"
        )
        == "2025-02-01T00:00:00.000+0000"
    )
    assert (
        cursor_after(
            [{"SystemModstamp": "2025-03-01T00:00:00.000+0000"}], "2025-02-01T00:00:00.000+0000"
        )
        == "2025-03-01T00:00:00.000+0000"
    )


def test_extract_with_flaky_server_is_complete_and_idempotent(
    tiny_sources: Path, tmp_path: Path
) -> None:
    server = start_in_thread(tiny_sources / "crm", token="t", fail_rate=0.3)
    try:
        with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
            client = CrmClient(server.url, "t", page_size=25)
            first = extract(conn, server.url, "t", client=client)
            assert client.retries > 0, "the flaky server should have forced retries"
            expected = sum(1 for _ in (tiny_sources / "crm" / "Case.jsonl").open())
            assert first["crm_cases"].rows_landed == expected
            assert (
                conn.execute("select count(distinct id) from raw.crm_cases").fetchone()[0]
                == expected
            )
            second = extract(conn, server.url, "t", client=client)
            assert all(r.rows_landed == 0 for r in second.values()), "a rerun must land nothing new"
            cursors = dict(
                conn.execute(
                    "select stream, cursor_value from raw._cursors where source = 'crm'"
                ).fetchall()
            )
            assert set(cursors) == set(STREAMS)
            client.close()
    finally:
        server.shutdown()
        server.server_close()
