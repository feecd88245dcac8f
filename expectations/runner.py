"""Run a suite on a warehouse table: pandas batches read through a read-only DuckDB connection.

Great Expectations 1.x through SQLAlchemy on DuckDB reports expectations as failed without raising,
so tables are read as Arrow record batches and validated as pandas frames, one chunk at a time.
Row-level results (unexpected counts) are summed over chunks; table-level expectations see the
row count of the whole table. The suite's table checks (types, key uniqueness, freshness, volume
change) are computed in SQL over the whole table on the same read-only connection.

Raw tables are append-only and every row carries its load time (`_loaded_at`). Run with
`incremental=True` and a history, a suite's row checks read only the rows loaded after those the last
passing validation of the same expectations saw; the table checks still see the whole table. A
changed suite, a failed or missing validation, or a rebuilt warehouse validates every row again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from expectations.history import VolumeHistory
from expectations.model import (
    CRITICAL,
    ColumnTypes,
    Freshness,
    Suite,
    TableCheck,
    UniqueKey,
    VolumeChange,
    severity_name,
)
from ingestion.common.settings import scalar

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
TABLE_LEVEL = {
    "expect_table_row_count_to_be_between",
    "expect_table_columns_to_match_set",
    "expect_column_to_exist",
    "expect_table_column_count_to_be_between",
}
SAMPLE_SIZE = 5
# part of every suite's fingerprint: bump when the runner validates rows differently, so the next run
# validates every row again
RUNNER_VERSION = 1
LOADED_AT = "_loaded_at"
# GX validates a pandas chunk in one thread (Python and pandas, under the GIL). From this many rows to read,
# chunks are validated in worker processes, one per core (CQM_GX_WORKERS overrides; 1 = in this process):
# a worker takes about 4 s to start (importing GX), which pays off from about a million rows.
PARALLEL_MIN_ROWS = 1_000_000


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    severity: str
    success: bool
    element_count: int = 0
    unexpected_count: int = 0
    sample: list[Any] = field(default_factory=list)
    observed: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def unexpected_percent(self) -> float:
        return 100.0 * self.unexpected_count / self.element_count if self.element_count else 0.0

    def sentence(self, table: str) -> str:
        col = f" column {self.column}" if self.column else ""
        if self.unexpected_count:
            return (
                f"{table}{col}: {self.expectation} failed for {self.unexpected_count} of {self.element_count} rows "
                f"({self.unexpected_percent:.2f} %), e.g. {self.sample[:3]}"
            )
        return f"{table}{col}: {self.expectation} failed (observed {self.observed})"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["unexpected_percent"] = round(self.unexpected_percent, 4)
        d["sample"] = [str(x) for x in self.sample]
        d["observed"] = None if self.observed is None else str(self.observed)
        d["kwargs"] = {k: str(v) for k, v in self.kwargs.items()}
        return d


@dataclass
class SuiteResult:
    suite: str
    table: str
    rows: int
    outcomes: list[ExpectationOutcome]
    # rows the row checks read: all of them, or only those loaded after `validated_since`
    rows_validated: int | None = None
    validated_since: str | None = None

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == CRITICAL]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != CRITICAL]

    @property
    def passed(self) -> bool:
        return not self.blocking_failures

    def summary(self) -> str:
        if self.passed:
            scope = (
                f"{self.rows} rows of {self.table}"
                if self.validated_since is None
                else f"{self.rows} rows of {self.table} (row checks on the {self.rows_validated} "
                f"loaded since {self.validated_since})"
            )
            return f"{self.suite}: {len(self.outcomes)} expectations on {scope} passed" + (
                f" ({len(self.warnings)} warnings)" if self.warnings else ""
            )
        return self.blocking_failures[0].sentence(self.table)


def fingerprint(suite: Suite) -> str:
    """What the suite checks: its expectations' configurations, the columns it reads, the runner's version."""
    parts = [
        json.dumps(e.configuration.to_json_dict(), sort_keys=True, default=str)
        for e in suite.gx_expectations
    ]
    text = json.dumps([RUNNER_VERSION, suite.columns, suite.pii_columns, parts], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_batch_lock = threading.Lock()


def warm_up() -> None:
    """Import Great Expectations and set up its context ahead of the first suite (seconds)."""
    _batch_definition()


_warm_up_started = threading.Event()


def warm_up_in_background() -> None:
    """Start `warm_up` in a daemon thread of this process, once; a failure is left for the first suite to meet.

    The extraction calls it as it hands the sources to their child process and waits: this process is idle then. It
    used to start with the run, where the import (about 3 s of Python) shared the interpreter lock with Dagster's own
    start (definitions, the run's storage, its planned events) and delayed the run by as much (tiny scale: the run's
    first event came 8.4-9.7 s after the command, 4.2-4.9 s without; `docs/benchmarks.md`)."""
    if _warm_up_started.is_set():
        return
    _warm_up_started.set()

    def run() -> None:
        # a failure here is met again by the first suite, which imports it itself and reports it
        with contextlib.suppress(Exception):
            warm_up()

    threading.Thread(target=run, name="gx-warm-up", daemon=True).start()


def _batch_definition() -> Any:
    # one context per process, also when the warm-up thread and the first suite ask at once
    with _batch_lock:
        return _new_batch_definition()


@cache
def _new_batch_definition() -> Any:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    import great_expectations.execution_engine.pandas_execution_engine as pandas_engine
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX fingerprints every pandas batch under HASH_THRESHOLD bytes (1 GB, counted shallow: every chunk) by
    # hashing all its values, a batch marker nothing here reads; it was about 30 % of validating a chunk
    pandas_engine.HASH_THRESHOLD = 0
    # GX turns an expectation's class name into its type name with two regular expressions every time it builds
    # the expectation's configuration, several times per expectation and chunk: a fifth of validating the
    # reporting suites at tiny scale (1.58 -> 1.28 s). A class keeps its name, so the answers are kept
    _cache_gx_type_names()
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    ds = ctx.data_sources.add_pandas("cqm_pandas")
    asset = ds.add_dataframe_asset(name="chunk")
    return asset.add_batch_definition_whole_dataframe("whole_chunk")


def _cache_gx_type_names() -> None:
    import great_expectations.expectations.expectation as gx_expectation

    name = gx_expectation.camel_to_snake
    if not hasattr(name, "cache_info"):
        gx_expectation.camel_to_snake = cache(name)


def _validate(frame: Any, expectations: list[Any], key: list[str] | None = None) -> list[Any]:
    """GX results in the order of `expectations` (GX does not keep the suite's order).

    GX first computes the counts only (result format BASIC: success, element and unexpected
    counts, observed value); the expectations that failed are validated again with SUMMARY for
    their sample values and key columns. The samples' metrics (unexpected values, their counts and
    row indexes) cost GX about as much again as the checks themselves, for every expectation,
    though nearly all of them pass.
    """
    results = _gx_validate(frame, expectations, {"result_format": "BASIC"})
    failed = [i for i, r in enumerate(results) if not r.success]
    if failed:
        summary = {
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE_SIZE,
            # sample rows carry the table's key, so a failing value can be found in the source
            **({"unexpected_index_column_names": key} if key else {}),
        }
        detailed = _gx_validate(frame, [expectations[i] for i in failed], summary)
        for i, res in zip(failed, detailed, strict=True):
            results[i] = res
    return results


def _gx_validate(frame: Any, expectations: list[Any], result_format: dict[str, Any]) -> list[Any]:
    import great_expectations as gx

    tagged = [
        e.copy(update={"meta": {**(e.meta or {}), "cqm_index": i}})
        for i, e in enumerate(expectations)
    ]
    suite = gx.ExpectationSuite(name="chunk_suite", expectations=tagged)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    results = batch.validate(suite, result_format=result_format).results
    by_index = {int(r.expectation_config.meta["cqm_index"]): r for r in results}
    return [by_index[i] for i in range(len(expectations))]


@dataclass
class _Checked:
    """What the runner keeps of one GX result on one chunk (picklable, so a worker can return it)."""

    success: bool
    result: dict[str, Any]
    kwargs: dict[str, Any]


def _check_chunk(chunk: Any, expectations: list[Any], key: list[str] | None) -> list[_Checked]:
    """Validate one chunk, an Arrow record batch or table (what a worker is sent), as a pandas frame."""
    frame = chunk.to_pandas()
    return [
        _Checked(
            bool(r.success),
            dict(r.result or {}),
            {k: v for k, v in r.expectation_config.kwargs.items() if k != "batch_id"},
        )
        for r in _validate(frame, expectations, key)
    ]


def gx_workers() -> int:
    configured = os.environ.get("CQM_GX_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent has DuckDB and Dagster threads running
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


# the pools of the open `worker_pool()` block, by size; None outside one
_shared_pools: dict[int, ProcessPoolExecutor] | None = None
_pools_lock = threading.Lock()


@contextlib.contextmanager
def worker_pool() -> Iterator[None]:
    """Suites validated in this block share their worker processes: started when a suite first needs
    them (a few seconds: each imports Great Expectations), stopped when the block ends. Outside a
    block each suite starts and stops its own. Workers keep GX and their last chunks in memory, so
    they must not outlive the checks: idle, they would sit through the dbt build that follows."""
    global _shared_pools
    with _pools_lock:
        outer = _shared_pools is not None
        if not outer:
            _shared_pools = {}
    try:
        yield
    finally:
        if not outer:
            with _pools_lock:
                pools, _shared_pools = _shared_pools or {}, None
            for pool in pools.values():
                pool.shutdown(cancel_futures=True)


def _acquire_pool(workers: int) -> tuple[ProcessPoolExecutor, bool]:
    """A pool of `workers` processes, and whether the caller must shut it down."""
    with _pools_lock:
        if _shared_pools is None:
            return _pool(workers), True
        if workers not in _shared_pools:
            _shared_pools[workers] = _pool(workers)
        return _shared_pools[workers], False


def _plain(value: Any) -> Any:
    """numpy scalars and tuples of them as plain Python values, so samples read well."""
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _mask(value: Any) -> str:
    text = str(value)
    return text[:1] + "***" if text and text != "None" else text


def _column_label(exp: Any) -> str | None:
    if getattr(exp, "column", None):
        return str(exp.column)
    if getattr(exp, "column_A", None):
        return (
            f"{exp.column_A} ≥ {exp.column_B}"
            if "greater" in exp.expectation_type
            else f"{exp.column_A}, {exp.column_B}"
        )
    cols = getattr(exp, "column_list", None)
    return ", ".join(map(str, cols)) if cols else None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns_read(suite: Suite, available: list[str]) -> list[str]:
    """The columns the GX expectations name, in table order (all if one names none it can be read from)."""
    if suite.columns:
        return suite.columns
    named: set[str] = set()
    for e in suite.gx_expectations:
        if getattr(e, "row_condition", None):
            return available
        for attr in ("column", "column_A", "column_B"):
            v = getattr(e, attr, None)
            if isinstance(v, str):
                named.add(v)
        for v in getattr(e, "column_list", None) or []:
            named.add(str(v))
    return [c for c in available if c in named] or available[:1]


def _unique_key(
    conn: duckdb.DuckDBPyConnection,
    fq: str,
    check: UniqueKey,
    severity: str,
    total_rows: int,
    since: str | None,
) -> ExpectationOutcome:
    """Rows that repeat a key, with the most repeated keys as the sample, from one grouping of the table.

    With `since` (an append-only table whose rows up to then passed), only the keys of the rows loaded
    after it are grouped: a key repeats now only if one of its rows is new, and the rows before passed.
    """
    columns = check.columns
    cols = ", ".join(_q(c) for c in columns)
    scope, params = "", []
    if since is not None:
        match = " and ".join(f"t.{_q(c)} is not distinct from k.{_q(c)}" for c in columns)
        scope = (
            f" as t semi join (select distinct {cols} from {fq} where {_q(LOADED_AT)} > ?::timestamptz)"
            f" as k on {match}"
        )
        params = [since]
    # the total over all repeated keys rides on each sample row (0 when no key repeats)
    rows = conn.execute(
        f"select *, sum(n - 1) over () as extra from ("
        f"select {cols}, count(*) as n from {fq}{scope} group by all having count(*) > 1"
        ") order by n desc limit ?",
        [*params, SAMPLE_SIZE],
    ).fetchall()
    extra = int(rows[0][-1]) if rows else 0
    return ExpectationOutcome(
        check.expectation_type,
        ", ".join(columns),
        severity,
        extra == 0,
        element_count=total_rows,
        unexpected_count=extra,
        sample=[dict(zip([*columns, "rows"], r[:-1], strict=True)) for r in rows],
        observed=f"{extra} rows repeat a key"
        + ("" if since is None else f" among the keys loaded after {since}"),
        kwargs={"columns": list(columns)},
    )


def _table_check(
    conn: duckdb.DuckDBPyConnection,
    suite: Suite,
    check: TableCheck,
    total_rows: int,
    actual_types: dict[str, str],
    history: VolumeHistory | None,
    since: str | None = None,
) -> ExpectationOutcome:
    sev = severity_name(check.severity)
    fq = f"{_q(suite.schema)}.{_q(suite.table)}"
    if isinstance(check, ColumnTypes):
        wrong = [
            f"{c}: {actual_types.get(c, 'missing')} (expected {t})"
            for c, t in check.types.items()
            if actual_types.get(c) != t
        ]
        return ExpectationOutcome(
            check.expectation_type,
            None,
            sev,
            not wrong,
            element_count=len(check.types),
            unexpected_count=len(wrong),
            sample=wrong[:SAMPLE_SIZE],
            observed=f"{len(check.types) - len(wrong)} of {len(check.types)} columns as declared",
            kwargs={"columns": ", ".join(check.types)},
        )
    if isinstance(check, UniqueKey):
        return _unique_key(conn, fq, check, sev, total_rows, since)
    if isinstance(check, Freshness):
        ref = check.relative_to or "now()"
        row = conn.execute(
            f"select max({check.column})::timestamptz, {ref}::timestamptz from {fq}"
        ).fetchone()
        newest, reference = (row or (None, None))[0], (row or (None, None))[1]
        if newest is None or reference is None:
            lag_h = None
        else:
            lag_h = (reference - newest).total_seconds() / 3600.0
        ok = lag_h is not None and lag_h <= check.max_lag_hours
        against = "now" if check.relative_to is None else check.relative_to
        return ExpectationOutcome(
            check.expectation_type,
            check.column,
            sev,
            ok,
            observed=(
                "no values" if lag_h is None else f"newest {newest}, {lag_h:.1f} h behind {against}"
            ),
            sample=[] if ok else [f"max({check.column}) = {newest}"],
            kwargs={"max_lag_hours": check.max_lag_hours, "relative_to": against},
        )
    assert isinstance(check, VolumeChange)
    previous = history.previous_rows(suite.name) if history else None
    if previous is None:
        return ExpectationOutcome(
            check.expectation_type,
            None,
            sev,
            True,
            observed=f"{total_rows} rows; no previous load to compare with",
        )
    low = previous * (1.0 - check.max_drop)
    high = None if check.max_growth is None else previous * (1.0 + check.max_growth)
    ok = total_rows >= low and (high is None or total_rows <= high)
    change = (total_rows - previous) / previous if previous else 0.0
    return ExpectationOutcome(
        check.expectation_type,
        None,
        sev,
        ok,
        observed=f"{total_rows} rows, previous load {previous} ({change:+.1%})"
        + ("" if ok else "; if intended, remove the suite's entry from the volume history"),
        sample=[] if ok else [f"{previous} → {total_rows} rows"],
        kwargs={"max_drop": check.max_drop, "max_growth": check.max_growth},
    )


def run_suite(
    suite: Suite,
    *,
    db_path: Path | None = None,
    conn: duckdb.DuckDBPyConnection | None = None,
    history: VolumeHistory | None = None,
    run_id: str = "",
    incremental: bool = False,
) -> SuiteResult:
    """Validate `suite` against its table. Opens `db_path` read-only unless a connection is given.

    With a `history`, the row count is compared with the previous accepted load and recorded. With
    `incremental` as well (append-only tables with a `_loaded_at` column), the row checks read only
    the rows loaded after those the last passing run of the same suite validated.
    """
    own = conn is None
    if conn is None:
        if db_path is None:
            raise ValueError("run_suite needs db_path or conn")
        conn = duckdb.connect(str(db_path), read_only=True)
    try:
        type_rows = conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [suite.schema, suite.table],
        ).fetchall()
        if not type_rows:
            missing = ExpectationOutcome(
                "table_exists", None, CRITICAL, False, observed=f"no table {suite.fq_table}"
            )
            return SuiteResult(suite.name, suite.fq_table, 0, [missing])
        actual_types = {str(c): str(t) for c, t in type_rows}
        fq = f"{_q(suite.schema)}.{_q(suite.table)}"
        total_rows = int(scalar(conn, f"select count(*) from {fq}"))
        fp = fingerprint(suite)
        since: str | None = None
        through: str | None = None
        if incremental and history is not None and LOADED_AT in actual_types:
            since = history.validated_through(suite.name, fp)
            # single writer: nothing can commit rows stamped before this while the file is open read-only
            newest = scalar(conn, f"select cast(max({_q(LOADED_AT)}) as varchar) from {fq}")
            through = None if newest is None else str(newest)
        checks = [
            _table_check(conn, suite, c, total_rows, actual_types, history, since)
            for c in suite.table_checks
        ]
        gx_outcomes, validated = _run_gx(conn, suite, fq, list(actual_types), total_rows, since)
        result = SuiteResult(
            suite.name,
            suite.fq_table,
            total_rows,
            [*checks, *gx_outcomes],
            rows_validated=validated,
            validated_since=since,
        )
        if history is not None:
            history.record(
                suite.name,
                run_id,
                total_rows,
                result.passed,
                fingerprint=fp,
                validated_through=through,
            )
        return result
    finally:
        if own:
            conn.close()


def _run_gx(
    conn: duckdb.DuckDBPyConnection,
    suite: Suite,
    fq: str,
    available: list[str],
    total_rows: int,
    since: str | None = None,
) -> tuple[list[ExpectationOutcome], int]:
    """The GX expectations' outcomes, and how many rows they read (those loaded after `since`, if given)."""
    expectations = suite.gx_expectations
    if not expectations:
        return [], 0
    key = next((list(c.columns) for c in suite.table_checks if isinstance(c, UniqueKey)), [])
    key = [c for c in key if c in available]
    read = _columns_read(suite, available)
    read = [c for c in available if c in read or c in key]
    cols = ", ".join(_q(c) for c in read)
    table_level = [e for e in expectations if e.expectation_type in TABLE_LEVEL]
    row_level = [e for e in expectations if e.expectation_type not in TABLE_LEVEL]
    outcomes: dict[int, ExpectationOutcome] = {}

    def fold(i: int, exp: Any, res: _Checked) -> None:
        r = res.result
        out = outcomes.setdefault(
            i,
            ExpectationOutcome(
                exp.expectation_type,
                _column_label(exp),
                severity_name(getattr(exp, "severity", CRITICAL)),
                True,
                kwargs=res.kwargs,
            ),
        )
        out.success = out.success and bool(res.success)
        out.element_count += int(r.get("element_count", 0) or 0)
        out.unexpected_count += int(r.get("unexpected_count", 0) or 0)
        if not res.success:
            rows = r.get("partial_unexpected_index_list") or []
            if rows and all(isinstance(x, dict) for x in rows):
                new: list[Any] = [
                    {k: _mask(v) if k in suite.pii_columns else _plain(v) for k, v in row.items()}
                    for row in rows
                ]
            else:
                new = [_plain(x) for x in r.get("partial_unexpected_list", []) or []]
                if out.column in suite.pii_columns:
                    new = [_mask(x) for x in new]
            out.sample = (out.sample + new)[:SAMPLE_SIZE]
            out.observed = r.get("observed_value", out.observed)

    where, params = (
        ("", []) if since is None else (f" where {_q(LOADED_AT)} > ?::timestamptz", [since])
    )
    to_read = (
        total_rows
        if since is None
        else int(scalar(conn, f"select count(*) from {fq}{where}", params))
    )
    workers = gx_workers()
    pool, own_pool = (
        _acquire_pool(workers) if workers > 1 and to_read >= PARALLEL_MIN_ROWS else (None, False)
    )
    # a pool this run started stops with it, also when a chunk fails
    with contextlib.ExitStack() as stop_pool:
        if own_pool and pool is not None:
            stop_pool.callback(pool.shutdown, cancel_futures=True)
        reader = conn.execute(f"select {cols} from {fq}{where}", params).to_arrow_reader(
            suite.chunk_rows
        )
        # chunks are folded in reading order, so counts and samples do not depend on the workers
        pending: deque[tuple[list[int], list[Any], Future[list[_Checked]] | list[_Checked]]] = (
            deque()
        )

        def fold_oldest() -> None:
            idx, exps, checked = pending.popleft()
            results = checked.result() if isinstance(checked, Future) else checked
            for i, exp, res in zip(idx, exps, results, strict=True):
                fold(i, exp, res)

        first = True
        validated = 0
        for record_batch in reader:
            validated += record_batch.num_rows
            exps = row_level + (table_level if first else [])
            idx = list(range(len(row_level))) + (
                [len(row_level) + j for j in range(len(table_level))] if first else []
            )
            if pool is None:
                pending.append((idx, exps, _check_chunk(record_batch, exps, key)))
            else:
                pending.append((idx, exps, pool.submit(_check_chunk, record_batch, exps, key)))
            # at most one chunk per worker waits beyond those being validated: memory stays bounded
            while len(pending) > (workers if pool is not None else 0):
                fold_oldest()
            first = False
        while pending:
            fold_oldest()
    if first:  # empty table: validate an empty frame with the table's columns
        empty = conn.execute(f"select {cols} from {fq} limit 0").to_arrow_table()
        ordered = row_level + table_level
        for i, (exp, res) in enumerate(
            zip(ordered, _check_chunk(empty, ordered, None), strict=True)
        ):
            fold(i, exp, res)
    # table-level row counts must see the whole table, not the first chunk
    for j, exp in enumerate(table_level):
        if exp.expectation_type == "expect_table_row_count_to_be_between":
            o = outcomes[len(row_level) + j]
            lo, hi = getattr(exp, "min_value", None), getattr(exp, "max_value", None)
            o.observed = total_rows
            o.success = (lo is None or total_rows >= lo) and (hi is None or total_rows <= hi)
    return [outcomes[i] for i in sorted(outcomes)], validated
