"""Append conformed rows to raw.<table> in the build DuckDB, with load metadata.

Landing is append-only and idempotent: a row whose content hash is already in the table is not
landed again, so re-reading a file or re-fetching a page after a crash changes nothing. The rows of
one batch, the quarantined rows and the new cursor are written in one transaction, so a load killed
midway leaves raw exactly as it was before that batch.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from ingestion.common.contract import Contract
from ingestion.common.settings import pipeline_memory_limit, scalar

META_DDL = [
    "create schema if not exists raw",
    """create table if not exists raw._quarantine (
        source varchar, "table" varchar, source_file varchar, source_line bigint, reason varchar,
        record varchar, _batch_id varchar, _loaded_at timestamptz)""",
    """create table if not exists raw._cursors (
        source varchar, stream varchar, cursor_value varchar, updated_at timestamptz, primary key (source, stream))""",
    """create table if not exists raw._load_log (
        _batch_id varchar, source varchar, "table" varchar, source_file varchar, rows_read bigint,
        rows_landed bigint, rows_duplicate bigint, rows_quarantined bigint, extra_columns varchar,
        _loaded_at timestamptz)""",
]


def new_batch_id() -> str:
    return uuid.uuid4().hex


def ensure_meta(conn: duckdb.DuckDBPyConnection) -> None:
    for ddl in META_DDL:
        conn.execute(ddl)


def get_cursor(conn: duckdb.DuckDBPyConnection, source: str, stream: str) -> str | None:
    ensure_meta(conn)
    row = conn.execute(
        "select cursor_value from raw._cursors where source = ? and stream = ?", [source, stream]
    ).fetchone()
    return None if row is None else str(row[0])


def _set_cursor(conn: duckdb.DuckDBPyConnection, source: str, stream: str, value: str) -> None:
    conn.execute(
        """insert into raw._cursors values (?, ?, ?, ?)
           on conflict (source, stream) do update set cursor_value = excluded.cursor_value, updated_at = excluded.updated_at""",
        [source, stream, value, datetime.now(UTC)],
    )


@dataclass
class LoadResult:
    table: str
    rows_read: int = 0
    rows_landed: int = 0
    rows_duplicate: int = 0
    rows_quarantined: int = 0
    files: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)

    def add(self, other: LoadResult) -> None:
        self.rows_read += other.rows_read
        self.rows_landed += other.rows_landed
        self.rows_duplicate += other.rows_duplicate
        self.rows_quarantined += other.rows_quarantined
        self.files += other.files
        self.extra_columns = sorted(set(self.extra_columns) | set(other.extra_columns))


# Landing commits one transaction per file, page or chunk. At DuckDB's default the database checkpoints
# whenever its write-ahead log passes 16 MB, i.e. every few commits of a large load, and each checkpoint
# cost more as the table grew (carrier files at 1.5 M events: 15 s of 32 s in commits); with a larger
# threshold the log takes the load and the file is checkpointed once, when the connection closes.
CHECKPOINT_THRESHOLD = "1GB"


def connect_warehouse(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the warehouse for landing: one checkpoint per load, not per few commits;
    bounded memory (landing needs one batch and the duplicate check within its range)."""
    return duckdb.connect(
        str(path),
        config={
            "checkpoint_threshold": CHECKPOINT_THRESHOLD,
            "memory_limit": pipeline_memory_limit(),
        },
    )


@dataclass
class FilePart:
    """One file's conformed rows, for landing several small files in one transaction (`land_files`)."""

    source_file: str  # the load log's key for the file (e.g. name@digest)
    good: pl.DataFrame
    quarantined: pl.DataFrame
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.good.height + self.quarantined.height


def land(
    conn: duckdb.DuckDBPyConnection,
    contract: Contract,
    good: pl.DataFrame,
    quarantined: pl.DataFrame,
    *,
    source_label: str,
    batch_id: str,
    source_file: str,
    extra_columns: list[str] | None = None,
    cursor: tuple[str, str] | None = None,
    dedupe_range: str | None = None,
    in_transaction: bool = False,
    table_ready: bool = False,
) -> LoadResult:
    """Land one batch in one transaction. `cursor` = (stream, value) is stored with it.

    `table_ready` says this connection has landed into this table before, in this load: the load tables and the raw
    table with the contract's columns exist, so their DDL and the catalog query are skipped (six statements, about
    10 ms of a small carrier file's 30 ms).

    With `in_transaction`, the caller has begun a transaction and commits it (or rolls it back): a
    file landed in chunks is then landed whole or not at all.

    `dedupe_range` names a contract column (e.g. the ERP change date) whose value is part of the
    content hash: an identical row already landed has the same value, so the duplicate check reads
    only landed rows whose value lies within the batch's range, and DuckDB skips row groups outside
    it (landed in cursor order) instead of scanning the table's hashes on every batch.
    """
    return land_files(
        conn,
        contract,
        [FilePart(source_file, good, quarantined, list(extra_columns or []))],
        source_label=source_label,
        batch_id=batch_id,
        cursor=cursor,
        dedupe_range=dedupe_range,
        in_transaction=in_transaction,
        table_ready=table_ready,
    )


def land_files(
    conn: duckdb.DuckDBPyConnection,
    contract: Contract,
    parts: list[FilePart],
    *,
    source_label: str,
    batch_id: str,
    cursor: tuple[str, str] | None = None,
    dedupe_range: str | None = None,
    in_transaction: bool = False,
    table_ready: bool = False,
) -> LoadResult:
    """Land the rows of one or more files in one transaction, with a load-log row per file (see `land`).

    Several small files land together because a transaction costs about 8 ms of statements whatever its size
    (144 carrier files of 80 rows: 1.2 s of 1.7 s). A row repeated in a later file of the same call counts as that
    file's duplicate, as it would if the files landed one after another."""
    if not parts:
        raise ValueError("land_files needs at least one file")
    if not table_ready:
        ensure_meta(conn)
        conn.execute(contract.duckdb_ddl())
        existing = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ?",
                [contract.table],
            ).fetchall()
        }
        for alter in contract.duckdb_add_columns(existing):
            conn.execute(alter)
    now = datetime.now(UTC)
    cols = contract.column_names
    single = len(parts) == 1
    if single:
        good = parts[0].good
    else:  # which file a row came from, to count each file's landed rows
        good = pl.concat(
            [p.good.with_columns(pl.lit(i, pl.UInt32).alias("_part")) for i, p in enumerate(parts)],
            how="vertical_relaxed",
        )
    bad = [p.quarantined for p in parts if p.quarantined.height]
    quarantined = pl.concat(bad, how="vertical_relaxed") if bad else parts[0].quarantined
    hashed = good.with_columns(
        pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("\x00") for c in cols], separator="\x1f")
        .hash(seed=0)
        .cast(pl.Utf8)
        .alias("_record_hash")
    ).unique(subset=["_record_hash"], keep="first", maintain_order=True)
    staged = hashed.with_columns(
        pl.lit(source_label).alias("_source"),
        pl.lit(batch_id).alias("_batch_id"),
        pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("_loaded_at"),
    )
    order = [
        *cols,
        "_record_hash",
        "_source",
        "_source_file",
        "_source_line",
        "_extra_columns",
        "_batch_id",
        "_loaded_at",
    ]
    staged = staged.select(order if single else [*order, "_part"])
    quoted = ", ".join(f'"{c}"' for c in order)
    within, params = "", []
    if dedupe_range is not None and staged.height:
        values = staged[dedupe_range]
        if values.null_count() == 0:
            within = f' and r."{dedupe_range}" between ? and ?'
            params = [values.min(), values.max()]
    insert = (
        f'insert into raw."{contract.table}" ({quoted}) select {quoted} from _landing_batch b '
        f'where not exists (select 1 from raw."{contract.table}" r '
        f"where r._record_hash = b._record_hash{within})"
    )
    if not in_transaction:
        conn.execute("begin transaction")
    try:
        conn.register("_landing_batch", staged.to_arrow())
        # one file (every ERP chunk, CRM page, large carrier file): landed = the table's count after minus before;
        # several: the inserted rows' hashes tell which file each came from
        if single:
            before = scalar(conn, f'select count(*) from raw."{contract.table}"')
            conn.execute(insert, params)
            landed = [
                int(scalar(conn, f'select count(*) from raw."{contract.table}"')) - int(before)
            ]
        else:
            new = conn.execute(insert + " returning _record_hash", params).pl()["_record_hash"]
            per_part = (
                staged.filter(pl.col("_record_hash").is_in(new.implode())).group_by("_part").len()
            )
            counts = dict(zip(per_part["_part"].to_list(), per_part["len"].to_list(), strict=True))
            landed = [int(counts.get(i, 0)) for i in range(len(parts))]
        conn.unregister("_landing_batch")
        if quarantined.height:
            q = quarantined.select(
                pl.lit(contract.source).alias("source"),
                pl.lit(contract.table).alias("table"),
                pl.col("_source_file").alias("source_file"),
                pl.col("_source_line").alias("source_line"),
                pl.col("reason"),
                pl.col("record"),
                pl.lit(batch_id).alias("_batch_id"),
                pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("_loaded_at"),
            )
            conn.register("_quarantine_batch", q.to_arrow())
            conn.execute("insert into raw._quarantine select * from _quarantine_batch")
            conn.unregister("_quarantine_batch")
        result = LoadResult(table=contract.table)
        log = []
        for part, n in zip(parts, landed, strict=True):
            one = LoadResult(
                table=contract.table,
                rows_read=part.rows,
                rows_landed=n,
                rows_duplicate=part.good.height - n,
                rows_quarantined=part.quarantined.height,
                files=[part.source_file],
                extra_columns=list(part.extra_columns),
            )
            result.add(one)
            log.append(
                [
                    batch_id,
                    contract.source,
                    contract.table,
                    part.source_file,
                    one.rows_read,
                    one.rows_landed,
                    one.rows_duplicate,
                    one.rows_quarantined,
                    ",".join(one.extra_columns) or None,
                    now,
                ]
            )
        conn.executemany("insert into raw._load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", log)
        if cursor is not None:
            _set_cursor(conn, contract.source, cursor[0], cursor[1])
        if not in_transaction:
            conn.execute("commit")
    except BaseException:
        if not in_transaction:
            conn.execute("rollback")
        raise
    return result


def loaded_files(conn: duckdb.DuckDBPyConnection, source: str, table: str) -> set[str]:
    """The file keys (name@digest) already landed into `table` from `source`: one query for a folder of files."""
    ensure_meta(conn)
    rows = conn.execute(
        'select distinct source_file from raw._load_log where source = ? and "table" = ?',
        [source, table],
    ).fetchall()
    return {str(r[0]) for r in rows}


def file_already_loaded(
    conn: duckdb.DuckDBPyConnection, source: str, table: str, source_file: str
) -> bool:
    ensure_meta(conn)
    row = conn.execute(
        'select count(*) from raw._load_log where source = ? and "table" = ? and source_file = ?',
        [source, table, source_file],
    ).fetchone()
    return bool(row and row[0])
