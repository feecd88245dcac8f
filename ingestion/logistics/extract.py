"""Land carrier status event files (EDI 214 flattened to CSV) dropped in a landing folder.

Each file is landed once: the load log keys it by name and content hash, so a re-delivered file
with new content is read again while an unchanged one is skipped. Files are never modified. Small
files land together, up to GROUP_ROWS rows per transaction, each with its own load-log row; a file
that cannot be read stops the load after the files before it have landed.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl

from ingestion.common.contract import Contract, ContractError, conform, load_contract
from ingestion.common.landing import (
    FilePart,
    LoadResult,
    connect_warehouse,
    land_files,
    loaded_files,
    new_batch_id,
)
from ingestion.common.prefetch import prefetched
from ingestion.common.settings import build_db_path
from ingestion.logistics import settings
from ingestion.logistics.normalize import decode, read_csv_text


class LogisticsError(RuntimeError):
    pass


# files land together until a transaction holds this many rows: a carrier's monthly file at 10 M order lines
# (about 200,000 events) lands alone, as before; a folder of small daily files lands in a few transactions
GROUP_ROWS = 50_000


def pending_files(conn: duckdb.DuckDBPyConnection, folder: Path) -> list[tuple[Path, str]]:
    out = []
    landed = loaded_files(conn, "logistics", settings.TABLE)
    for path in sorted(folder.glob(settings.FILE_GLOB)):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        key = f"{path.name}@{digest}"
        if key not in landed:
            out.append((path, key))
    return out


def _conformed(files: list[tuple[Path, str]], contract: Contract) -> Iterator[FilePart]:
    """Each file's good rows, quarantined rows and extra columns, in order."""
    for path, key in files:
        try:
            df = read_csv_text(decode(path.read_bytes()))
        except pl.exceptions.PolarsError as exc:
            raise LogisticsError(
                f"logistics: cannot parse {path.name} ({str(exc).splitlines()[0]})"
            ) from exc
        # line numbers in the file: header is line 1
        good, bad, extra = conform(df, contract, source_file=path.name, line_offset=1)
        yield FilePart(key, good, bad, extra)


def _grouped(parts: Iterator[FilePart], max_rows: int) -> Iterator[list[FilePart]]:
    """Consecutive files, in order, in groups of at least `max_rows` rows (the last one smaller). When a file
    cannot be read, the files read before it are yielded first, then its error is raised."""
    group: list[FilePart] = []
    rows = 0
    try:
        for part in parts:
            group.append(part)
            rows += part.rows
            if rows >= max_rows:
                yield group
                group, rows = [], 0
    except (LogisticsError, ContractError):
        if group:
            yield group
        raise
    if group:
        yield group


def extract(conn: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, LoadResult]:
    if not folder.is_dir():
        raise LogisticsError(f"logistics: landing folder {folder} does not exist")
    contract = load_contract("logistics", settings.TABLE)
    total = LoadResult(table=settings.TABLE)
    batch = new_batch_id()
    # the next file is read, parsed and conformed (polars) by a thread while this one lands (DuckDB):
    # both release the GIL, so the two overlap; files still land in order
    files = prefetched(_conformed(pending_files(conn, folder), contract))
    for n, group in enumerate(_grouped(files, GROUP_ROWS)):
        total.add(
            land_files(
                conn,
                contract,
                group,
                source_label=f"logistics:file {folder}",
                batch_id=batch,
                # a re-sent event repeats its event date, so the duplicate check reads only landed rows of the
                # files' dates (files arrive in date order: DuckDB skips the other row groups)
                dedupe_range="event_date",
                table_ready=n > 0,
            )
        )
    return {settings.TABLE: total}


def main() -> None:
    p = argparse.ArgumentParser(
        description="Land carrier event files into raw.logistics_tracking_events."
    )
    p.add_argument("folder", type=Path)
    p.add_argument("--db", default=str(build_db_path()))
    a = p.parse_args()
    with connect_warehouse(a.db) as conn:
        try:
            res = extract(conn, a.folder)[settings.TABLE]
        except (LogisticsError, ContractError) as exc:
            raise SystemExit(str(exc)) from None
        print(
            f"raw.{settings.TABLE}: {res.rows_landed} landed from {len(res.files)} files, {res.rows_quarantined} quarantined"
        )


if __name__ == "__main__":
    main()
