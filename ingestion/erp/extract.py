"""Extract ERP tables from an SQL database given by a connection URL.

Supported URLs: `sqlite:////absolute/path/erp.sqlite` (or `sqlite:///relative/path`) and `postgresql://user:password@host:port/db`.
Each table is read incrementally on its change date AEDAT (inclusive: rows changed on the cursor day
are re-read and dropped as duplicates at landing), in chunks of FETCH_ROWS rows.
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

import duckdb
import polars as pl

from ingestion.common.contract import load_contract
from ingestion.common.landing import (
    LoadResult,
    connect_warehouse,
    ensure_meta,
    get_cursor,
    land,
    new_batch_id,
)
from ingestion.common.prefetch import prefetched
from ingestion.common.settings import build_db_path
from ingestion.erp import settings


class ErpError(RuntimeError):
    pass


@contextmanager
def connect(url: str) -> Iterator[tuple[Any, str]]:
    """Yield (DB-API connection, parameter placeholder) for an ERP URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # SQLAlchemy convention: sqlite:///relative/path, sqlite:////absolute/path
        path = url[len("sqlite:///") :]
        try:
            # read by the prefetch thread, one chunk ahead of landing
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.OperationalError as exc:
            raise ErpError(f"erp: cannot open SQLite database {path} ({exc})") from exc
        try:
            yield conn, "?"
        finally:
            conn.close()
    elif parsed.scheme in ("postgresql", "postgres"):
        import psycopg

        try:
            pconn = psycopg.connect(url, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise ErpError(
                f"erp: cannot connect to PostgreSQL at {parsed.hostname}:{parsed.port} ({exc})"
            ) from exc
        try:
            yield pconn, "%s"
        finally:
            pconn.close()
    else:
        raise ErpError(
            f"erp: unsupported connection URL scheme '{parsed.scheme}' (use sqlite:/// or postgresql://)"
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_chunks(conn: Any, placeholder: str, table: str, since: str) -> Iterator[pl.DataFrame]:
    cur = conn.cursor()
    try:
        cur.execute(
            f"select * from {_quote(table)} where {_quote(settings.CURSOR_COLUMN)} >= {placeholder} "
            f"order by {_quote(settings.CURSOR_COLUMN)}",
            (since,),
        )
    except Exception as exc:
        raise ErpError(f"erp: cannot read table {table} ({exc})") from exc
    cols = [d[0] for d in cur.description]
    while True:
        rows = cur.fetchmany(settings.FETCH_ROWS)
        if not rows:
            break
        yield pl.DataFrame(
            [
                _text_column(c, values)
                for c, values in zip(cols, zip(*rows, strict=True), strict=True)
            ]
        )


def _text_column(name: str, values: tuple[Any, ...]) -> pl.Series:
    """One fetched column as text, exactly as `str(value)` (None stays null), built column-wise.

    Text and integer columns (nearly all of an ERP table) are converted by polars in one go; any
    other type (floats, decimals, dates, booleans, mixed) keeps Python's `str()` per value, whose
    spelling polars' casts do not always match (e.g. 1e-05, True) and which the content hash sees.
    """
    try:
        series = pl.Series(name, values)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        series = None
    if series is not None and series.dtype == pl.Utf8:
        return series
    if series is not None and series.dtype == pl.Int64:
        return series.cast(pl.Utf8)
    if series is not None and series.dtype == pl.Null:
        return pl.Series(name, values, dtype=pl.Utf8)
    return pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.Utf8)


def extract(
    conn: duckdb.DuckDBPyConnection, url: str, *, tables: list[str] | None = None
) -> dict[str, LoadResult]:
    """Land the ERP's tables (all of settings.TABLES, or `tables`) and return each one's result.

    Tables are landed settings.WORKERS at a time (see there), each in its own thread, source connection and
    DuckDB cursor; each chunk is still one transaction with its cursor, so a run stopped anywhere leaves whole
    chunks. When one table fails, the others stop after their current chunk and its error is raised.
    """
    names = tables or list(settings.TABLES)
    with connect(url):
        pass  # a bad URL or an unreachable database is one error, before any thread starts
    ensure_meta(conn)  # created once, not by two threads' first transactions at the same time
    order = sorted(
        names,
        key=lambda t: (
            settings.LARGEST_FIRST.index(t)
            if t in settings.LARGEST_FIRST
            else len(settings.LARGEST_FIRST)
        ),
    )
    stop = threading.Event()
    results: dict[str, LoadResult] = {}
    with ThreadPoolExecutor(
        max_workers=max(1, min(settings.WORKERS, len(order))), thread_name_prefix="erp"
    ) as pool:
        futures = {t: pool.submit(_extract_table, conn, url, t, stop) for t in order}
        try:
            failed = [f.exception() for f in as_completed(futures.values()) if f.exception()]
        except BaseException:
            stop.set()  # interrupted while waiting (Ctrl-C): the threads stop after their current chunk
            raise
    if failed:
        raise failed[0]  # type: ignore[misc]
    for table in names:
        result = futures[table].result()
        if result is not None:
            results[result.table] = result
    return results


def _extract_table(
    conn: duckdb.DuckDBPyConnection, url: str, table: str, stop: threading.Event
) -> LoadResult | None:
    """Land one ERP table from its cursor on; None if the run stopped before it began."""
    if stop.is_set():
        return None
    try:
        return _land_table(conn, url, table, stop)
    except BaseException:
        stop.set()  # by this thread, before it takes the next table
        raise


def _land_table(
    conn: duckdb.DuckDBPyConnection, url: str, table: str, stop: threading.Event
) -> LoadResult:
    from ingestion.common.contract import conform

    landed = settings.TABLES[table]
    contract = load_contract("erp", landed)
    # the change date is part of every row's content: duplicates share it
    dedupe_range = next(
        (c.name for c in contract.columns if c.source_name == settings.CURSOR_COLUMN),
        None,
    )
    label = f"erp:sql {urlparse(url).scheme}"
    with conn.cursor() as cur, connect(url) as (src, ph):
        since = get_cursor(cur, "erp", table) or settings.INITIAL_CURSOR
        batch = new_batch_id()
        total = LoadResult(table=landed)
        offset = 0
        for chunk in prefetched(read_chunks(src, ph, table, since)):
            if stop.is_set():
                break  # another table failed; the chunks landed so far stay, with their cursor
            good, bad, extra = conform(chunk, contract, source_file=f"{table}", line_offset=offset)
            offset += chunk.height
            col = settings.CURSOR_COLUMN
            new_cursor = (
                max(since, str(chunk[col].drop_nulls().max() or since))
                if col in chunk.columns
                else since
            )
            total.add(
                land(
                    cur,
                    contract,
                    good,
                    bad,
                    source_label=label,
                    batch_id=batch,
                    source_file=f"{table} since {since}",
                    extra_columns=extra,
                    cursor=(table, new_cursor),
                    dedupe_range=dedupe_range,
                )
            )
    return total


def main() -> None:
    p = argparse.ArgumentParser(description="Extract ERP tables into raw.erp_* tables.")
    p.add_argument("--url", required=True, help="sqlite:///path/erp.sqlite or postgresql://...")
    p.add_argument("--db", default=str(build_db_path()))
    a = p.parse_args()
    with connect_warehouse(a.db) as conn:
        for table, res in extract(conn, a.url).items():
            print(
                f"raw.{table}: {res.rows_landed} landed, {res.rows_duplicate} duplicate, {res.rows_quarantined} quarantined"
            )


if __name__ == "__main__":
    main()
