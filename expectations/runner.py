"""Run a suite on a warehouse table: pandas batches read through a read-only DuckDB connection.

Great Expectations 1.x through SQLAlchemy on DuckDB reports expectations as failed without raising,
so tables are read as Arrow record batches and validated as pandas frames, one chunk at a time.
Row-level results (unexpected counts) are summed over chunks; table-level expectations see the
row count of the whole table. Set-based checks (uniqueness, relationships) live in dbt tests.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from expectations.model import Suite
from ingestion.common.settings import scalar

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
TABLE_LEVEL = {
    "expect_table_row_count_to_be_between",
    "expect_table_columns_to_match_set",
    "expect_column_to_exist",
    "expect_table_column_count_to_be_between",
}


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


@dataclass
class SuiteResult:
    suite: str
    table: str
    rows: int
    outcomes: list[ExpectationOutcome]

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    @property
    def passed(self) -> bool:
        return not self.blocking_failures

    def summary(self) -> str:
        if self.passed:
            return (
                f"{self.suite}: {len(self.outcomes)} expectations on {self.rows} rows of {self.table} passed"
                + (f" ({len(self.warnings)} warnings)" if self.warnings else "")
            )
        return self.blocking_failures[0].sentence(self.table)


@cache
def _batch_definition() -> Any:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    ds = ctx.data_sources.add_pandas("cqm_pandas")
    asset = ds.add_dataframe_asset(name="chunk")
    return asset.add_batch_definition_whole_dataframe("whole_chunk")


def _validate(frame: Any, expectations: list[Any]) -> list[Any]:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name="chunk_suite", expectations=[e.copy() for e in expectations])
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    return list(
        batch.validate(
            suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
        ).results
    )


def run_suite(
    suite: Suite, *, db_path: Path | None = None, conn: duckdb.DuckDBPyConnection | None = None
) -> SuiteResult:
    """Validate `suite` against its table. Opens `db_path` read-only unless a connection is given."""
    own = conn is None
    if conn is None:
        if db_path is None:
            raise ValueError("run_suite needs db_path or conn")
        conn = duckdb.connect(str(db_path), read_only=True)
    try:
        exists = conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [suite.schema, suite.table],
        ).fetchone()
        if not exists or not exists[0]:
            missing = ExpectationOutcome(
                "table_exists", None, "critical", False, observed=f"no table {suite.fq_table}"
            )
            return SuiteResult(suite.name, suite.fq_table, 0, [missing])
        cols = ", ".join(f'"{c}"' for c in suite.columns) if suite.columns else "*"
        total_rows = int(scalar(conn, f'select count(*) from "{suite.schema}"."{suite.table}"'))
        table_level = [e for e in suite.expectations if e.expectation_type in TABLE_LEVEL]
        row_level = [e for e in suite.expectations if e.expectation_type not in TABLE_LEVEL]
        outcomes: dict[int, ExpectationOutcome] = {}

        def fold(i: int, exp: Any, res: Any) -> None:
            r = res.result or {}
            raw_sev = getattr(exp, "severity", "critical")
            sev = str(getattr(raw_sev, "value", raw_sev))
            out = outcomes.setdefault(
                i,
                ExpectationOutcome(
                    exp.expectation_type,
                    getattr(exp, "column", None),
                    sev,
                    True,
                    kwargs={
                        k: v for k, v in res.expectation_config.kwargs.items() if k != "batch_id"
                    },
                ),
            )
            out.success = out.success and bool(res.success)
            out.element_count += int(r.get("element_count", 0) or 0)
            out.unexpected_count += int(r.get("unexpected_count", 0) or 0)
            if not res.success:
                out.sample = (out.sample + [x for x in r.get("partial_unexpected_list", []) or []])[
                    :5
                ]
                out.observed = r.get("observed_value", out.observed)

        reader = conn.execute(
            f'select {cols} from "{suite.schema}"."{suite.table}"'
        ).fetch_record_batch(suite.chunk_rows)
        first = True
        for record_batch in reader:
            frame = record_batch.to_pandas()
            exps = row_level + (table_level if first else [])
            idx = list(range(len(row_level))) + (
                [len(row_level) + j for j in range(len(table_level))] if first else []
            )
            for i, exp, res in zip(idx, exps, _validate(frame, exps), strict=True):
                fold(i, exp, res)
            first = False
        if first:  # empty table: validate an empty frame with the table's columns
            frame = conn.execute(
                f'select {cols} from "{suite.schema}"."{suite.table}" limit 0'
            ).fetch_df()
            for i, (exp, res) in enumerate(
                zip(suite.expectations, _validate(frame, suite.expectations), strict=True)
            ):
                fold(i, exp, res)
        # table-level row counts must see the whole table, not the first chunk
        for j, exp in enumerate(table_level):
            if exp.expectation_type == "expect_table_row_count_to_be_between":
                o = outcomes[len(row_level) + j]
                lo, hi = getattr(exp, "min_value", None), getattr(exp, "max_value", None)
                o.observed = total_rows
                o.success = (lo is None or total_rows >= lo) and (hi is None or total_rows <= hi)
        ordered = [outcomes[i] for i in sorted(outcomes)]
        return SuiteResult(suite.name, suite.fq_table, total_rows, ordered)
    finally:
        if own:
            conn.close()
