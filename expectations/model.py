"""Suites as code: a suite names a warehouse table and the checks it must meet.

A suite holds two kinds of checks, each with its own severity (`BLOCK` stops publishing, `WARN`
only reports), so the wiring never decides what blocks:

- Great Expectations expectations (row-level domains, ranges, pairs, regexes), validated on pandas
  chunks read through a read-only DuckDB connection;
- table-level checks computed in SQL over the whole table on the same read-only connection, which
  chunked pandas batches cannot answer: `ColumnTypes`, `UniqueKey`, `Freshness`, `VolumeChange`.

`raw_suite` and `mart_suite` build a suite with the checks every table of its layer gets (types and
required columns from the landing contract or the dbt YAML, grain uniqueness, freshness, volume
change against the previous load); a suite file adds only the table's own rules.
This module does not import Great Expectations at import time (`BLOCK`/`WARN` load it on first use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CRITICAL = "critical"
WARNING = "warning"
LAYER_SCHEMAS = ("raw", "marts", "reporting")
DBT_MODELS_DIR = Path(__file__).resolve().parents[1] / "dbt" / "models"
# DuckDB's information_schema.columns.data_type for a contract type / a dbt YAML data_type
DUCKDB_TYPE_NAMES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "varchar": "VARCHAR",
    "text": "VARCHAR",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "double precision": "DOUBLE",
    "float": "DOUBLE",
    "date": "DATE",
    "timestamptz": "TIMESTAMP WITH TIME ZONE",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
}


def severity_name(severity: Any) -> str:
    """'critical' or 'warning' for a GX FailureSeverity or a plain string."""
    value = str(getattr(severity, "value", severity)).lower()
    return CRITICAL if value in (CRITICAL, "error", "block") else WARNING


@dataclass(frozen=True)
class ColumnTypes:
    """Every listed column exists with this DuckDB type (information_schema names, e.g. VARCHAR)."""

    types: dict[str, str]
    severity: Any = CRITICAL
    expectation_type: str = "expect_columns_to_have_types"


@dataclass(frozen=True)
class UniqueKey:
    """No two rows share these columns (the table's grain), checked over the whole table."""

    columns: tuple[str, ...]
    severity: Any = CRITICAL
    expectation_type: str = "expect_compound_key_to_be_unique"


@dataclass(frozen=True)
class Freshness:
    """The newest value of `column` (a column or SQL expression giving a timestamp) is recent.

    Without `relative_to` the lag is measured against the time of the check; with it (e.g.
    `max(_loaded_at)`) it is the event-time lag of the latest load.
    """

    column: str
    max_lag_hours: float
    relative_to: str | None = None
    severity: Any = WARNING
    expectation_type: str = "expect_table_to_be_fresh"


@dataclass(frozen=True)
class VolumeChange:
    """The row count moved at most this much since the previous accepted load of the table.

    `max_drop` 0.0 means the table may not shrink (append-only raw tables); `max_growth` None means
    any growth is fine. Without a history (first run, or run_suite without `history`) it passes.
    """

    max_drop: float = 0.0
    max_growth: float | None = None
    severity: Any = CRITICAL
    expectation_type: str = "expect_row_count_change_to_be_within"


TableCheck = ColumnTypes | UniqueKey | Freshness | VolumeChange
TABLE_CHECK_TYPES = (ColumnTypes, UniqueKey, Freshness, VolumeChange)


@dataclass(frozen=True)
class Suite:
    name: str
    schema: str
    table: str
    expectations: list[Any]
    description: str = ""
    # columns the GX chunks read (None = those the expectations name); keeps chunks narrow
    columns: list[str] | None = None
    # row-level checks run on chunks of this many rows
    chunk_rows: int = 250_000
    tags: list[str] = field(default_factory=list)
    # columns holding personal data: failing values are masked in samples, metadata and the report
    pii_columns: tuple[str, ...] = ()

    @property
    def fq_table(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def table_checks(self) -> list[TableCheck]:
        return [e for e in self.expectations if isinstance(e, TABLE_CHECK_TYPES)]

    @property
    def gx_expectations(self) -> list[Any]:
        return [e for e in self.expectations if not isinstance(e, TABLE_CHECK_TYPES)]


def __getattr__(name: str) -> Any:
    # BLOCK / WARN severities, imported lazily so the model can be used without loading GX
    if name in ("BLOCK", "WARN"):
        from great_expectations.expectations.metadata_types import FailureSeverity

        return FailureSeverity.CRITICAL if name == "BLOCK" else FailureSeverity.WARNING
    raise AttributeError(name)


def _not_null(columns: list[str]) -> list[Any]:
    import great_expectations.expectations as gxe

    from expectations.model import BLOCK

    return [gxe.ExpectColumnValuesToNotBeNull(column=c, severity=BLOCK) for c in columns]


def raw_suite(
    table: str,
    *expectations: Any,
    description: str = "",
    key: tuple[str, ...] | None = None,
    key_severity: Any = CRITICAL,
    freshness_hours: float = 48.0,
    event_time: str | None = None,
    event_lag_hours: float | None = None,
    min_rows: int = 1,
    chunk_rows: int = 250_000,
) -> Suite:
    """A suite for raw.<table> with what its landing contract promises, plus `expectations`.

    From the contract: column types (BLOCK), required columns not null (BLOCK), the natural key
    plus version column unique (BLOCK; `key` overrides it). Always: at least `min_rows` rows
    (BLOCK), the table never shrinks between loads (BLOCK), the newest `_loaded_at` younger than
    `freshness_hours` (WARN) and, if `event_time` is given, its newest value no more than
    `event_lag_hours` older than the latest load (WARN).
    """
    import great_expectations.expectations as gxe

    from expectations.model import BLOCK
    from ingestion.common.contract import CONTRACTS_DIR, load_contract

    source = next(p.parent.name for p in CONTRACTS_DIR.glob(f"*/{table}.yml"))
    contract = load_contract(source, table)
    checks: list[Any] = [
        ColumnTypes({c.name: DUCKDB_TYPE_NAMES[c.type] for c in contract.columns}),
        UniqueKey(
            key
            or (
                *contract.natural_key,
                *([contract.version_column] if contract.version_column else []),
            ),
            severity=key_severity,
        ),
        gxe.ExpectTableRowCountToBeBetween(min_value=min_rows, severity=BLOCK),
        VolumeChange(max_drop=0.0),
        Freshness("_loaded_at", freshness_hours),
        *_not_null([c.name for c in contract.columns if c.required]),
    ]
    if event_time is not None:
        checks.append(
            Freshness(event_time, event_lag_hours or 24.0 * 31, relative_to="max(_loaded_at)")
        )
    return Suite(
        name=f"raw_{table}",
        schema="raw",
        table=table,
        description=description or contract.description,
        expectations=[*checks, *expectations],
        chunk_rows=chunk_rows,
        pii_columns=tuple(
            c.name
            for c in contract.columns
            if "PII" in c.description or "free text" in c.description.lower()
        ),
    )


def dbt_model_columns(schema: str, table: str) -> dict[str, str]:
    """Column → declared data_type from the model's YAML beside its SQL (empty if none)."""
    import yaml

    from ingestion.common.contract import SAFE_LOADER

    for path in (DBT_MODELS_DIR / schema).glob(f"{table}.yml"):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        for model in doc.get("models", []):
            if model.get("name") == table:
                return {
                    c["name"]: str(c.get("data_type", "")).lower()
                    for c in model.get("columns", [])
                    if c.get("name")
                }
    return {}


def mart_suite(
    schema: str,
    table: str,
    *expectations: Any,
    key: tuple[str, ...],
    description: str = "",
    required: tuple[str, ...] = (),
    max_drop: float = 0.5,
    max_growth: float | None = None,
    min_rows: int = 1,
) -> Suite:
    """A suite for a published mart: declared column types from its dbt YAML (BLOCK), the grain
    `key` unique and not null (BLOCK), `required` columns not null (BLOCK), at least `min_rows`
    rows (BLOCK), and a row count within `max_drop` / `max_growth` of the previous load (WARN)."""
    import great_expectations.expectations as gxe

    from expectations.model import BLOCK

    declared = dbt_model_columns(schema, table)
    # in dbt YAML `integer` is a 4-byte INTEGER (in landing contracts it means BIGINT)
    dbt_types = {**DUCKDB_TYPE_NAMES, "integer": "INTEGER"}
    types = {c: dbt_types[t] for c, t in declared.items() if t in dbt_types}
    checks: list[Any] = [
        ColumnTypes(types),
        UniqueKey(key),
        gxe.ExpectTableRowCountToBeBetween(min_value=min_rows, severity=BLOCK),
        VolumeChange(max_drop=max_drop, max_growth=max_growth, severity=WARNING),
        *_not_null(list(dict.fromkeys([*key, *required]))),
    ]
    return Suite(
        name=f"{schema}_{table}",
        schema=schema,
        table=table,
        description=description,
        expectations=[*checks, *expectations],
    )


def at_least(column_a: str, column_b: str, severity: Any = None) -> Any:
    """column_a ≥ column_b on every row where both are present (e.g. ci_high ≥ estimate); blocks by default."""
    import great_expectations.expectations as gxe

    from expectations.model import BLOCK

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=severity or BLOCK,
    )
