"""Write-audit-publish: copy the audited marts from the build file into a new serving file and swap it in.

The serving file is written as a temp file beside the old one and moved into place with os.replace,
so readers that hold the old file open keep reading it, and a failure before the swap leaves the
published data exactly as it was. Parquet copies are swapped file by file the same way.

A publish after an incremental run changes a few tables: the serving file records a fingerprint of
each table it holds (its columns, row count and an order-free sum of its rows' hashes), so a publish
starts from a copy of the previous serving file and copies, and writes as Parquet, only the tables
whose fingerprint in the build file differs. A large table whose columns are unchanged and of which
few rows changed is patched in place instead of copied whole: the rows whose hash occurs a different
number of times in the two files are deleted and inserted again from the build.

This module has no Dagster imports: the publish asset calls it, and so can anything else.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.settings import pipeline_memory_limit, scalar

PUBLISHED_SCHEMAS = ("marts", "reporting")
PUBLISH_LOG_DDL = """create table if not exists meta.publish_log (
    publish_id varchar, published_at timestamptz, run_id varchar, code_version varchar,
    row_counts varchar, check_summary varchar, tables_published integer)"""
CHECK_RESULTS_DDL = """create table if not exists meta.check_results (
    publish_id varchar, check_name varchar, asset varchar, passed boolean, severity varchar, description varchar)"""
FINGERPRINTS_DDL = """create table if not exists meta.table_fingerprints (
    table_schema varchar, table_name varchar, row_count bigint, fingerprint varchar)"""
# a changed table is patched in place, not copied whole, from this many rows, while at most this share of its rows
# changed (a patch leaves deleted rows behind until DuckDB vacuums them; a copy is compact)
PATCH_MIN_ROWS = 100_000
PATCH_MAX_SHARE = 0.05


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class CheckRecord:
    check_name: str
    asset: str
    passed: bool
    severity: str
    description: str


@dataclass(frozen=True)
class PublishResult:
    publish_id: str
    serving_path: Path
    row_counts: dict[str, int]
    published_at: datetime
    # tables whose content was unchanged since the previous publish, carried over from its file
    unchanged: list[str] = field(default_factory=list)
    # tables changed in a few rows, patched in place in a copy of the previous file
    patched: list[str] = field(default_factory=list)


def code_version() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
            return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cqm")
    except PackageNotFoundError:
        return "unknown"


def _tables(conn: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    rows = conn.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_schema in ('marts', 'reporting') and table_type = 'BASE TABLE' "
        "order by table_schema, table_name",
        [catalog],
    ).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def _fingerprint(
    conn: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> tuple[int, str]:
    """(row count, fingerprint) of a table: its columns' names and types, and an order-free sum of
    its rows' hashes. One scan; a changed value, row, column or type changes it."""
    columns = _columns(conn, catalog, schema, table)
    row = conn.execute(
        f'select count(*), cast(coalesce(sum(hash(t)), 0) as varchar) from {catalog}.{schema}."{table}" as t'
    ).fetchone()
    assert row is not None
    content = json.dumps([[list(c) for c in columns], int(row[0]), str(row[1])])
    return int(row[0]), hashlib.sha256(content.encode()).hexdigest()


def _columns(
    conn: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> list[tuple[str, str]]:
    rows = conn.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [(str(c), str(t)) for c, t in rows]


def _patch(conn: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> bool:
    """Bring the serving copy of a table to the build file's rows by deleting and inserting only the
    rows that differ, as multisets of row hashes (the fingerprint's own assumption: no two different
    rows share a hash). False when the columns differ, the table is small or too many rows changed
    (nothing is changed then), or when the patched table's row count is not the build's; the caller
    then drops it and copies it whole."""
    if _columns(conn, "build", schema, table) != _columns(conn, catalog, schema, table):
        return False
    name = f'{schema}."{table}"'
    rows = int(scalar(conn, f"select count(*) from {name}"))
    if rows < PATCH_MIN_ROWS:
        return False
    conn.execute(
        f"create or replace temp table _built as select hash(t) as h, rowid as r from build.{name} as t"
    )
    conn.execute(
        f"create or replace temp table _served as select hash(t) as h, rowid as r from {name} as t"
    )
    # the hashes whose number of rows differs: every row with one is deleted, and inserted again from the build
    conn.execute(
        "create or replace temp table _differ as select h from ("
        " select h, 1 as n from _built union all select h, -1 as n from _served"
        ") as both_files group by h having sum(n) <> 0"
    )
    changed = int(
        scalar(
            conn,
            "select (select count(*) from _served semi join _differ using (h))"
            " + (select count(*) from _built semi join _differ using (h))",
        )
    )
    patch = changed <= PATCH_MAX_SHARE * rows
    if patch:
        conn.execute(
            f"delete from {name} where rowid in (select r from _served semi join _differ using (h))"
        )
        conn.execute(
            f"insert into {name} select * from build.{name}"
            " where rowid in (select r from _built semi join _differ using (h))"
        )
        # the same rows as the build now; a count that differs can only be two rows sharing a hash
        patch = scalar(conn, f"select count(*) from {name}") == scalar(
            conn, "select count(*) from _built"
        )
    for temp in ("_built", "_served", "_differ"):
        conn.execute(f"drop table {temp}")
    return patch


def _published_fingerprints(serving_path: Path) -> dict[tuple[str, str], str]:
    """The fingerprints the serving file recorded, or {} when it has none to reuse (no file, a file from
    before fingerprints, or one with a write-ahead log beside it, which a file copy would not carry)."""
    if not serving_path.exists() or serving_path.with_name(serving_path.name + ".wal").exists():
        return {}
    try:
        with duckdb.connect(
            str(serving_path), read_only=True, config={"memory_limit": pipeline_memory_limit()}
        ) as previous:
            rows = previous.execute(
                "select table_schema, table_name, fingerprint from meta.table_fingerprints"
            ).fetchall()
    except duckdb.Error:
        return {}
    return {(str(s), str(t)): str(f) for s, t, f in rows}


def refusal(
    checks: list[CheckRecord],
    upstream: list[str] | None = None,
    materialized: set[str] | None = None,
) -> str | None:
    """Why this run may not publish, in one sentence, or None when it may.

    A run publishes only if no blocking (error-severity) check failed in it and, when `upstream`
    is given, every upstream asset was materialized in this same run (none skipped or left out).
    """
    failed = [c for c in checks if not c.passed and c.severity == "critical"]
    if failed:
        return (
            f"publish refused: check {failed[0].check_name} on {failed[0].asset} failed "
            f"({failed[0].description})"
        )
    if upstream is not None:
        missing = [a for a in upstream if a not in (materialized or set())]
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            return (
                f"publish refused: {missing[0]}{more} was not materialized in this run "
                "(skipped or not selected upstream), so the serving file would mix old and new data"
            )
    return None


def publish(
    build_path: Path,
    serving_path: Path,
    parquet_dir: Path,
    *,
    run_id: str,
    checks: list[CheckRecord] | None = None,
    upstream: list[str] | None = None,
    materialized: set[str] | None = None,
) -> PublishResult:
    """Publish every table of the build file's marts and reporting schemas. Returns what was published.

    Refuses (PublishError, serving file untouched) when a blocking check failed or, if `upstream`
    is given, when one of those assets was not in `materialized` (it was skipped in this run).
    """
    if not build_path.exists():
        raise PublishError(f"publish: build file {build_path} does not exist; materialize first")
    checks = checks or []
    reason = refusal(checks, upstream, materialized)
    if reason:
        raise PublishError(reason)
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    publish_id = uuid.uuid4().hex
    tmp = serving_path.with_name(f".{serving_path.name}.{publish_id}.tmp")
    parquet_tmp = parquet_dir.with_name(f".{parquet_dir.name}.{publish_id}.tmp")
    now = datetime.now(UTC)
    row_counts: dict[str, int] = {}
    previous = _published_fingerprints(serving_path)
    kept: set[tuple[str, str]] = set()
    patched: set[tuple[str, str]] = set()
    try:
        if previous:
            # the tables whose fingerprint is unchanged are already in the previous file: start from a copy
            shutil.copyfile(serving_path, tmp)
        # bounded: the tables are copied one at a time, streaming; past the limit DuckDB spills
        with duckdb.connect(str(tmp), config={"memory_limit": pipeline_memory_limit()}) as conn:
            conn.execute(f"attach '{build_path}' as build (read_only)")
            tables = _tables(conn, "build")
            if not tables:
                raise PublishError(
                    f"publish: build file {build_path} has no tables in schemas marts or reporting"
                )
            for schema in (*PUBLISHED_SCHEMAS, "meta"):
                conn.execute(f"create schema if not exists {schema}")
            prints = {t: _fingerprint(conn, "build", *t) for t in tables}
            catalog = str(scalar(conn, "select current_database()"))
            for schema, table in _tables(conn, catalog):
                if previous.get((schema, table)) == prints.get((schema, table), (0, ""))[1]:
                    kept.add((schema, table))
                elif (schema, table) in prints and _patch(conn, catalog, schema, table):
                    patched.add((schema, table))
                else:  # changed, or no longer built
                    conn.execute(f'drop table {schema}."{table}"')
            for schema, table in tables:
                if (schema, table) not in kept | patched:
                    conn.execute(
                        f'create table {schema}."{table}" as select * from build.{schema}."{table}"'
                    )
                row_counts[f"{schema}.{table}"] = prints[(schema, table)][0]
            conn.execute("detach build")
            conn.execute(PUBLISH_LOG_DDL)
            conn.execute(CHECK_RESULTS_DDL)
            conn.execute(FINGERPRINTS_DDL)
            conn.execute("delete from meta.table_fingerprints")
            conn.executemany(
                "insert into meta.table_fingerprints values (?, ?, ?, ?)",
                [[schema, table, n, fp] for (schema, table), (n, fp) in prints.items()],
            )
            # this publish's checks only; the history of publishes is carried over
            conn.execute("delete from meta.check_results")
            if serving_path.exists() and not previous:
                # carry the history over; the old file may be open read-only by BI tools, which is fine
                conn.execute(f"attach '{serving_path}' as previous (read_only)")
                has_log = conn.execute(
                    "select count(*) from information_schema.tables where table_catalog = 'previous' "
                    "and table_schema = 'meta' and table_name = 'publish_log'"
                ).fetchone()
                if has_log and has_log[0]:
                    conn.execute(
                        "insert into meta.publish_log select * from previous.meta.publish_log"
                    )
                conn.execute("detach previous")
            summary = {
                "checks": len(checks),
                "passed": sum(c.passed for c in checks),
                "warnings": sum((not c.passed) and c.severity != "critical" for c in checks),
                "warned": sorted(c.check_name for c in checks if not c.passed),
                "gx_suites": sum(c.check_name.startswith("gx_") for c in checks),
            }
            conn.execute(
                "insert into meta.publish_log values (?, ?, ?, ?, ?, ?, ?)",
                [
                    publish_id,
                    now,
                    run_id,
                    code_version(),
                    json.dumps(row_counts, sort_keys=True),
                    json.dumps(summary, sort_keys=True),
                    len(tables),
                ],
            )
            for c in checks:
                conn.execute(
                    "insert into meta.check_results values (?, ?, ?, ?, ?, ?)",
                    [publish_id, c.check_name, c.asset, c.passed, c.severity, c.description],
                )
            row_counts["meta.publish_log"] = int(
                scalar(conn, "select count(*) from meta.publish_log")
            )
            row_counts["meta.check_results"] = len(checks)
            row_counts["meta.table_fingerprints"] = len(prints)
            # Parquet copies, written beside the final folder first; an unchanged table keeps its file
            unchanged = {t for t in kept if (parquet_dir / t[0] / f"{t[1]}.parquet").exists()}
            meta = [
                ("meta", "publish_log"),
                ("meta", "check_results"),
                ("meta", "table_fingerprints"),
            ]
            for schema, table in [*tables, *meta]:
                if (schema, table) in unchanged:
                    continue
                out = parquet_tmp / schema / f"{table}.parquet"
                out.parent.mkdir(parents=True, exist_ok=True)
                conn.execute(
                    f"copy (select * from {schema}.\"{table}\") to '{out}' (format parquet)"
                )
            conn.execute("checkpoint")
        os.replace(tmp, serving_path)
        fresh = {src.relative_to(parquet_tmp) for src in parquet_tmp.rglob("*.parquet")}
        for rel in sorted(fresh):
            dst = parquet_dir / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(parquet_tmp / rel, dst)
        # the copy of a table this publish no longer holds would outlive it: files mirror the serving file
        current = fresh | {Path(schema) / f"{table}.parquet" for schema, table in unchanged}
        for old in parquet_dir.rglob("*.parquet"):
            if old.relative_to(parquet_dir) not in current:
                old.unlink()
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
        shutil.rmtree(parquet_tmp, ignore_errors=True)
    return PublishResult(
        publish_id,
        serving_path,
        row_counts,
        now,
        sorted(f"{s}.{t}" for s, t in kept),
        sorted(f"{s}.{t}" for s, t in patched),
    )


def read_kpis(serving_path: Path) -> list[dict[str, Any]]:
    with duckdb.connect(str(serving_path), read_only=True) as conn:
        cur = conn.execute("select * from reporting.kpi_summary order by kpi")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
