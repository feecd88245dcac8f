"""The baseline: the same sources and the same dbt-compiled SQL on plain DuckDB, in one process.

    python -m dagster_project.bench.baseline --sources DIR --db DIR/cqm.duckdb --manifest M --serving S

1. land: every landed table of ingestion/contracts is created straight from the source files with
   DuckDB's readers (read_json for the CRM objects, read_csv for carrier files and survey exports, the
   ERP SQLite tables through Python's sqlite3 into Arrow, since DuckDB's sqlite extension cannot be
   installed offline), with the contract's column names and types (a plain try_cast: no contract
   checks, no quarantine, no content hashes, no cursors).
2. dbt build: seeds from their CSV files, then every model and snapshot of a compiled manifest
   (dbt compile) as `create table/view … as <compiled_code>`, in DAG order.
3. checks: every dbt data test's compiled SQL, counted as dbt does (failures = rows returned), and the
   contracts' not-null constraints as one query per table.
4. publish: marts and reporting copied into a new serving file plus one Parquet file per table.

The database file must be called cqm.duckdb: the compiled SQL names the catalog "cqm".
Prints one JSON line with the start and end time (time.time()) of each stage and what it did.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ingestion.common.contract import DUCKDB_TYPES, Contract, contracts_for
from ingestion.erp import settings as erp_settings
from ingestion.surveys.normalize import export_timezone

SOURCES = ("crm", "erp", "logistics", "surveys")
CRM_OBJECTS = {
    "crm_accounts": "Account",
    "crm_account_history": "AccountHistory",
    "crm_contacts": "Contact",
    "crm_cases": "Case",
    "crm_case_history": "CaseHistory",
    "crm_case_milestones": "CaseMilestone",
}
ERP_TABLES = {landed: erp for erp, landed in erp_settings.TABLES.items()}
# raw's load metadata; a row's identity (the pipeline's content hash, which the carrier events' staging uses to
# pick a re-sent event's first delivery) is a random id here: the baseline loads every row once
META_COLUMNS = (
    "cast(uuid() as varchar) as _record_hash, cast(? as varchar) as _source, "
    "cast(null as varchar) as _source_file, cast(null as bigint) as _source_line, "
    "cast(null as varchar) as _extra_columns, 'baseline' as _batch_id, "
    "cast(? as timestamptz) as _loaded_at"
)
PUBLISHED = ("marts", "reporting")


class BaselineError(RuntimeError):
    pass


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def typed(expr: str, ctype: str) -> str:
    """SQL that types a text value the way the landing contract does (empty text is null)."""
    s = f"nullif(trim(cast({expr} as varchar)), '')"
    if ctype == "string":
        return s
    num = f"regexp_replace({s}, '^([+-]?\\d+),(\\d+)$', '\\1.\\2')"
    if ctype == "integer":
        d = f"try_cast({num} as double)"
        return f"case when {d} = round({d}) then cast({d} as bigint) end"
    if ctype == "double":
        return f"try_cast({num} as double)"
    if ctype == "boolean":
        low = f"lower({s})"
        return (
            f"case when {low} in ('true', '1', 't', 'yes', 'y') then true "
            f"when {low} in ('false', '0', 'f', 'no', 'n') then false end"
        )
    if ctype == "timestamp":
        return f"try_cast({s} as timestamptz)"
    raise BaselineError(f"unknown contract type {ctype}")


def _select_contract(contract: Contract, present: set[str]) -> str:
    cols = []
    for c in contract.columns:
        if c.source_name in present:
            cols.append(f"{typed(_q(c.source_name), c.type)} as {_q(c.name)}")
        elif c.name in present:
            cols.append(f"{typed(_q(c.name), c.type)} as {_q(c.name)}")
        else:
            cols.append(f"cast(null as {DUCKDB_TYPES[c.type]}) as {_q(c.name)}")
    return ", ".join(cols)


def _create_raw(
    conn: duckdb.DuckDBPyConnection, contract: Contract, relation: str, present: set[str]
) -> None:
    conn.execute(
        f"create or replace table raw.{_q(contract.table)} as select "
        f"{_select_contract(contract, present)}, {META_COLUMNS} from {relation}",
        [f"baseline:{contract.source}", time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())],
    )


def _columns(conn: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return {str(r[0]) for r in conn.execute(f"describe select * from {relation}").fetchall()}


def _sqlite_batches(path: Path, table: str) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    cur = src.execute(f"select * from {_q(table)}")
    names = [d[0] for d in cur.description]
    schema = pa.schema([(n, pa.string()) for n in names])

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            while rows := cur.fetchmany(100_000):
                cols = list(zip(*rows, strict=True))
                yield pa.RecordBatch.from_arrays(
                    [
                        pa.array([None if v is None else str(v) for v in col], pa.string())
                        for col in cols
                    ],
                    schema=schema,
                )
        finally:
            src.close()

    return names, batches()


def land(conn: duckdb.DuckDBPyConnection, sources: Path) -> dict[str, int]:
    """Create raw.* from the source files; returns rows per table."""
    conn.execute("create schema if not exists raw")
    rows: dict[str, int] = {}
    for source in SOURCES:
        for contract in contracts_for(source):
            if source == "crm":
                path = sources / "crm" / f"{CRM_OBJECTS[contract.table]}.jsonl"
                probe = f"read_json({_lit(str(path))}, format='newline_delimited', sample_size=-1)"
                present = _columns(conn, probe)
                types = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in sorted(present))
                relation = (
                    f"read_json({_lit(str(path))}, format='newline_delimited', columns={{{types}}})"
                )
                _create_raw(conn, contract, relation, present)
            elif source == "erp":
                names, batches = _sqlite_batches(
                    sources / "erp" / "erp.sqlite", ERP_TABLES[contract.table]
                )
                reader = pa.RecordBatchReader.from_batches(
                    pa.schema([(n, pa.string()) for n in names]), batches
                )
                conn.register("_erp_batches", reader)
                _create_raw(conn, contract, "_erp_batches", set(names))
                conn.unregister("_erp_batches")
            elif source == "logistics":
                glob = str(sources / "logistics" / "inbox" / "*.csv")
                relation = (
                    f"read_csv({_lit(glob)}, all_varchar=true, header=true, union_by_name=true)"
                )
                # landing keeps one copy of identical rows (content hash): so does the baseline
                relation = f"(select distinct * from {relation})"
                _create_raw(conn, contract, relation, _columns(conn, relation))
            else:
                parts = []
                for path in sorted((sources / "surveys").glob("*.csv")):
                    with path.open(encoding="utf-8-sig", newline="") as fh:
                        reader = csv.reader(fh)
                        header_rows = [next(reader) for _ in range(3)]
                    tz = export_timezone(header_rows[2], "UTC")
                    header_sql = ", ".join(_lit(h) for h in header_rows[0])
                    parts.append(
                        f"select *, {_lit(path.stem)} as survey_id, {_lit(tz)} as source_timezone "
                        f"from read_csv({_lit(str(path))}, all_varchar=true, header=false, skip=3, "
                        f"names=[{header_sql}])"
                    )
                relation = "(" + " union all by name ".join(parts) + ")"
                _create_raw(conn, contract, relation, _columns(conn, relation))
            rows[contract.table] = int(
                conn.execute(f"select count(*) from raw.{_q(contract.table)}").fetchone()[0]  # type: ignore[index]
            )
    return rows


def dag_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Seeds, models and snapshots of the manifest, each after everything it depends on."""
    nodes = {
        uid: n
        for uid, n in manifest["nodes"].items()
        if n["resource_type"] in ("seed", "model", "snapshot")
    }
    done: set[str] = set()
    out: list[dict[str, Any]] = []

    def visit(uid: str, path: tuple[str, ...]) -> None:
        if uid in done or uid not in nodes:
            return
        if uid in path:
            raise BaselineError(f"cycle in the dbt graph at {uid}")
        for dep in nodes[uid]["depends_on"].get("nodes", []):
            visit(dep, (*path, uid))
        done.add(uid)
        out.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid, ())
    return out


def _relation(node: dict[str, Any]) -> str:
    return f"{_q(node['schema'])}.{_q(node.get('alias') or node['name'])}"


def _seed(conn: duckdb.DuckDBPyConnection, node: dict[str, Any], project_dir: Path) -> None:
    path = project_dir / node["original_file_path"]
    types = node["config"].get("column_types") or {}
    opts = ""
    if types:
        opts = ", types={" + ", ".join(f"{_lit(c)}: {_lit(t)}" for c, t in types.items()) + "}"
    conn.execute(
        f"create or replace table {_relation(node)} as select * from read_csv({_lit(str(path))}, header=true{opts})"
    )


def build(
    conn: duckdb.DuckDBPyConnection, manifest: dict[str, Any], project_dir: Path
) -> dict[str, int]:
    """Run seeds, snapshots and models as CREATE … AS in DAG order; returns counts per kind."""
    counts: dict[str, int] = {}
    schemas = {n["schema"] for n in manifest["nodes"].values() if "schema" in n}
    for schema in sorted(schemas):
        conn.execute(f"create schema if not exists {_q(schema)}")
    for node in dag_order(manifest):
        kind = node["resource_type"]
        mat = node["config"].get("materialized")
        try:
            if kind == "seed":
                _seed(conn, node, project_dir)
            elif mat == "ephemeral":
                continue
            elif kind == "snapshot":
                # a first snapshot: every row is the current version, from its updated_at column (timestamp
                # strategy) or from now (check strategy)
                cfg = node["config"]
                key = cfg["unique_key"]
                since = (
                    cfg["updated_at"]
                    if cfg.get("strategy") == "timestamp"
                    else "cast(now() as timestamp)"
                )
                until = cfg.get("dbt_valid_to_current") or "cast('9999-12-31' as timestamp)"
                conn.execute(
                    f"create or replace table {_relation(node)} as select *, "
                    f"md5(cast({key} as varchar) || cast({since} as varchar)) as dbt_scd_id, "
                    f"{since} as dbt_updated_at, {since} as dbt_valid_from, "
                    f"{until} as dbt_valid_to from ({node['compiled_code']}) as s"
                )
            elif mat == "view":
                conn.execute(f"create or replace view {_relation(node)} as {node['compiled_code']}")
            else:  # table, incremental (a first build is a full one)
                conn.execute(
                    f"create or replace table {_relation(node)} as {node['compiled_code']}"
                )
        except duckdb.Error as exc:
            raise BaselineError(
                f"baseline: {node['unique_id']} failed: {str(exc).splitlines()[0]}"
            ) from exc
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def run_tests(conn: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> dict[str, Any]:
    """Every data test as dbt runs it (the number of rows the compiled query returns), and the not-null
    constraints of the contracts, which the pipeline's tables enforce as they are written: one query per
    table here."""
    failing: list[str] = []
    n = 0
    for uid, node in sorted(manifest["nodes"].items()):
        required = [
            name
            for name, col in node.get("columns", {}).items()
            if any(c.get("type") == "not_null" for c in col.get("constraints") or [])
        ]
        if node["resource_type"] == "model" and required:
            nulls = " or ".join(f"{_q(c)} is null" for c in required)
            row = conn.execute(f"select count(*) from {_relation(node)} where {nulls}").fetchone()
            n += 1
            if row and row[0]:
                failing.append(f"{uid} not-null constraints ({row[0]} rows)")
        if node["resource_type"] != "test":
            continue
        row = conn.execute(
            f"select count(*) from ({node['compiled_code']}) as dbt_internal_test"
        ).fetchone()
        n += 1
        if row and row[0] and node["config"].get("severity", "ERROR").upper() == "ERROR":
            failing.append(f"{uid} ({row[0]} rows)")
    return {"tests": n, "failing": failing}


def publish(conn: duckdb.DuckDBPyConnection, serving: Path) -> dict[str, int]:
    """Copy marts and reporting into a fresh serving file and one Parquet file per table."""
    tmp = serving.with_name(serving.name + ".tmp")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)
    parquet = serving.parent / "parquet"
    conn.execute(f"attach {_lit(str(tmp))} as serving")
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = 'cqm' "
        f"and table_type = 'BASE TABLE' and table_schema in {PUBLISHED} order by 1, 2"
    ).fetchall()
    rows: dict[str, int] = {}
    for schema in PUBLISHED:
        conn.execute(f"create schema if not exists serving.{schema}")
    for schema, table in tables:
        conn.execute(
            f"create table serving.{schema}.{_q(table)} as select * from cqm.{schema}.{_q(table)}"
        )
        out = parquet / schema / f"{table}.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        conn.execute(
            f"copy (select * from serving.{schema}.{_q(table)}) to {_lit(str(out))} (format parquet)"
        )
        rows[f"{schema}.{table}"] = int(
            conn.execute(f"select count(*) from serving.{schema}.{_q(table)}").fetchone()[0]  # type: ignore[index]
        )
    conn.execute("detach serving")
    os.replace(tmp, serving)
    return rows


def run(
    sources: Path, db: Path, manifest_path: Path, serving: Path, project_dir: Path
) -> dict[str, Any]:
    if db.name != "cqm.duckdb":
        raise BaselineError("baseline: the database file must be called cqm.duckdb")
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    stages: dict[str, dict[str, Any]] = {}
    conn = duckdb.connect(str(db))
    conn.execute("set TimeZone = 'UTC'")
    try:
        t = time.time()
        raw_rows = land(conn, sources)
        stages["extract_land"] = {"start": t, "end": time.time(), "rows": sum(raw_rows.values())}
        t = time.time()
        counts = build(conn, manifest, project_dir)
        stages["dbt_build"] = {"start": t, "end": time.time(), "nodes": counts}
        t = time.time()
        tests = run_tests(conn, manifest)
        stages["checks"] = {"start": t, "end": time.time(), **tests}
        t = time.time()
        published = publish(conn, serving)
        conn.execute("checkpoint")
        stages["publish"] = {"start": t, "end": time.time(), "tables": len(published)}
    finally:
        conn.close()
    return {"stages": stages, "raw_rows": raw_rows}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--sources", type=Path, required=True)
    p.add_argument("--db", type=Path, required=True, help="…/cqm.duckdb")
    p.add_argument("--manifest", type=Path, required=True, help="a compiled dbt manifest.json")
    p.add_argument("--serving", type=Path, required=True)
    p.add_argument("--project-dir", type=Path, required=True)
    a = p.parse_args(argv)
    try:
        result = run(a.sources, a.db, a.manifest, a.serving, a.project_dir)
    except BaselineError as exc:
        print(json.dumps({"error": str(exc)}))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
