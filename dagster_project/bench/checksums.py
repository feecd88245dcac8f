"""Order-independent checksums of published tables, per column, to prove two builds agree.

Each column is hashed as text (so INTEGER 5 and BIGINT 5 agree) and the hashes are summed, so row
order does not matter. Doubles are rounded to 9 significant digits first: DuckDB sums doubles in
parallel, in an order that changes from run to run, so the last bits of a sum or average may differ
between two identical builds.

Columns that differ by construction are left out and named in the report:
- `_loaded_at`, `_batch_id`, `_source`, `_source_file`, `_source_line`, `_record_hash`,
  `_extra_columns`: load metadata written by the landing step, which the baseline does not have, and the
  load times and batches the incremental facts carry from it (`source_loaded_at`, `*_batch_id` other than
  the goods' `batch_id`);
- `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`: snapshot bookkeeping stamped
  with the time the snapshot ran.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

EXCLUDED = {
    "_loaded_at": "load time, stamped by landing",
    "source_loaded_at": "load time carried by the incremental facts (when the source row landed)",
    "source_file": "load metadata (the carrier file an event was first loaded from)",
    "_batch_id": "load batch id, random per load",
    "source_batch_id": "load batch id carried by an incremental fact (random per load)",
    "order_item_batch_id": "load batch id carried by an incremental fact (random per load)",
    "order_batch_id": "load batch id carried by an incremental fact (random per load)",
    "delivery_batch_id": "load batch id carried by an incremental fact (random per load)",
    "events_batch_id": "load batch id carried by an incremental fact (random per load)",
    "_source": "load metadata (source label)",
    "_source_file": "load metadata (file/page the row came from)",
    "_source_line": "load metadata (line in the file)",
    "_record_hash": "landing content hash (baseline does not hash)",
    "_extra_columns": "landing metadata",
    "dbt_scd_id": "snapshot id, hashed from the snapshot time",
    "dbt_updated_at": "snapshot time",
    "dbt_valid_from": "snapshot time",
    "dbt_valid_to": "snapshot time",
}
SNAPSHOT_TIME_KEYS = {
    "product_key": "hashes dbt_valid_from (snapshot time): distinct and non-null counts compared",
    "supplier_key": "hashes dbt_valid_from (snapshot time): distinct and non-null counts compared",
    "employee_key": "hashes dbt_valid_from (snapshot time): distinct and non-null counts compared",
    "owner_employee_key": "references employee_key: distinct and non-null counts compared",
    "responsible_employee_key": "references employee_key: distinct and non-null counts compared",
}
FLOATS = ("DOUBLE", "FLOAT", "REAL")

Checksums = dict[str, dict[str, str]]  # table -> column (or "_rows") -> checksum


def _column_expr(name: str, dtype: str) -> str:
    q = '"' + name.replace('"', '""') + '"'
    if name in SNAPSHOT_TIME_KEYS:
        return f"cast(count(distinct {q}) as varchar) || '/' || cast(count({q}) as varchar)"
    if dtype.upper() in FLOATS:
        # the column's sum to 7 significant digits: parallel aggregation changes the last bits of
        # doubles from run to run, and rounding each value can still cross a rounding boundary
        return f"printf('%.6e', sum(case when isnan({q}) or isinf({q}) then 0 else {q} end))"
    return f"sum(hash(cast({q} as varchar)))"


def checksums(db: Path, schemas: tuple[str, ...] = ("marts", "reporting")) -> Checksums:
    out: Checksums = {}
    with duckdb.connect(str(db), read_only=True) as conn:
        # DuckDB draws a progress bar for a query that runs over two seconds, into a log file too: not among the
        # bench's lines
        conn.execute("set enable_progress_bar = false")
        catalog = str(conn.execute("select current_database()").fetchone()[0])  # type: ignore[index]
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = ? and table_schema in (select unnest(?)) and table_type = 'BASE TABLE' "
            "order by 1, 2",
            [catalog, list(schemas)],
        ).fetchall()
        for schema, table in tables:
            cols = conn.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
                [catalog, schema, table],
            ).fetchall()
            kept = [(c, t) for c, t in cols if c not in EXCLUDED]
            exprs = ["count(*)"] + [_column_expr(c, t) for c, t in kept]
            row = (
                conn.execute(f'select {", ".join(exprs)} from "{schema}"."{table}"').fetchone()
                or ()
            )
            sums = {"_rows": str(row[0])}
            sums.update({c: str(v) for (c, _), v in zip(kept, row[1:], strict=True)})
            out[f"{schema}.{table}"] = sums
    return out


def excluded_columns(db: Path, schemas: tuple[str, ...] = ("marts", "reporting")) -> dict[str, str]:
    """The excluded columns that actually occur in the published tables, with the reason."""
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "select distinct table_schema || '.' || table_name, column_name from information_schema.columns "
            "where table_schema in (select unnest(?)) order by 1, 2",
            [list(schemas)],
        ).fetchall()
    reasons = {**EXCLUDED, **SNAPSHOT_TIME_KEYS}
    return {f"{t}.{c}": reasons[c] for t, c in rows if c in reasons}


def differences(a: Checksums, b: Checksums) -> list[str]:
    """Human-readable differences: missing tables, row counts, columns whose checksums differ."""
    out = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            out.append(f"{table}: only in {'pipeline' if table in a else 'baseline'}")
            continue
        if a[table]["_rows"] != b[table]["_rows"]:
            out.append(f"{table}: {a[table]['_rows']} rows vs {b[table]['_rows']}")
        cols = [c for c in a[table] if c != "_rows" and a[table].get(c) != b[table].get(c)]
        if cols:
            out.append(f"{table}: columns differ: {', '.join(cols)}")
    return out
