"""Landing contracts: one YAML file per landed table, under ingestion/contracts/<source>/<table>.yml.

A contract names the landed table, its natural key, and each column with the name it has in the
source system, its type and whether it is required. `conform` turns a frame of source values into
the contract's columns and types, and splits off the rows that do not fit (quarantine), each with
the reason and the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "contracts"

POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.Utf8(),
    "integer": pl.Int64(),
    "double": pl.Float64(),
    "boolean": pl.Boolean(),
    "timestamp": pl.Datetime("us", "UTC"),
}
DUCKDB_TYPES = {
    "string": "varchar",
    "integer": "bigint",
    "double": "double",
    "boolean": "boolean",
    "timestamp": "timestamptz",
}


class ContractError(ValueError):
    """A source delivered something the contract cannot accept (e.g. a required column is missing)."""


@dataclass(frozen=True)
class Column:
    name: str
    source_name: str
    type: str
    required: bool = False
    pattern: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Contract:
    table: str
    source: str
    description: str
    natural_key: tuple[str, ...]
    columns: tuple[Column, ...]
    version_column: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def duckdb_ddl(self, schema: str = "raw") -> str:
        cols = [f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in self.columns]
        cols += [
            '"_record_hash" varchar',
            '"_source" varchar',
            '"_source_file" varchar',
            '"_source_line" bigint',
            '"_extra_columns" varchar',
            '"_batch_id" varchar',
            '"_loaded_at" timestamptz',
        ]
        return f'create table if not exists {schema}."{self.table}" ({", ".join(cols)})'

    def duckdb_add_columns(self, existing: set[str], schema: str = "raw") -> list[str]:
        """ALTERs that add contract columns a landed table does not have yet (a contract gained an
        optional column after the table was created); rows landed before keep null there."""
        return [
            f'alter table {schema}."{self.table}" add column "{c.name}" {DUCKDB_TYPES[c.type]}'
            for c in self.columns
            if c.name not in existing
        ]


def snake_case(name: str) -> str:
    """CamelCase / SAP / Qualtrics source names to the snake_case used in raw tables."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name.strip())
    s = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^0-9a-zA-Z]+", "_", s).strip("_").lower()
    return re.sub(r"_+", "_", s)


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_contract(source: str, table: str) -> Contract:
    path = CONTRACTS_DIR / source / f"{table}.yml"
    if not path.exists():
        raise ContractError(f"no landing contract for {source}.{table}: expected {path}")
    # libyaml's parser where PyYAML has it (its wheels do): the same documents, about 8x faster than the
    # pure-Python one, and every run loads the 30 contracts in the run's process and in the extraction's
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    cols = tuple(
        Column(
            name=c["name"],
            source_name=c.get("source_name", c["name"]),
            type=c["type"],
            required=bool(c.get("required", False)),
            pattern=c.get("pattern"),
            description=c.get("description", ""),
        )
        for c in doc["columns"]
    )
    for c in cols:
        if c.type not in POLARS_TYPES:
            raise ContractError(f"contract {path}: column {c.name} has unknown type {c.type!r}")
    return Contract(
        table=doc["table"],
        source=doc["source"],
        description=doc.get("description", ""),
        natural_key=tuple(doc["natural_key"]),
        columns=cols,
        version_column=doc.get("version_column"),
        extra={
            k: v
            for k, v in doc.items()
            if k
            not in {"table", "source", "description", "natural_key", "columns", "version_column"}
        },
    )


def contracts_for(source: str) -> list[Contract]:
    return [load_contract(source, p.stem) for p in sorted((CONTRACTS_DIR / source).glob("*.yml"))]


def _cast(expr: pl.Expr, ctype: str) -> pl.Expr:
    s = expr.cast(pl.Utf8).str.strip_chars()
    s = pl.when(s == "").then(None).otherwise(s)
    if ctype == "string":
        return s
    # a decimal comma (European exports: 312,5) is read as a decimal point; thousands separators are not
    num = s.str.replace(r"^([+-]?\d+),(\d+)$", "$1.$2")
    if ctype == "integer":
        return num.cast(pl.Float64, strict=False).pipe(
            lambda f: pl.when(f == f.round(0)).then(f.cast(pl.Int64, strict=False)).otherwise(None)
        )
    if ctype == "double":
        return num.cast(pl.Float64, strict=False)
    if ctype == "boolean":
        low = s.str.to_lowercase()
        return (
            pl.when(low.is_in(["true", "1", "t", "yes", "y"]))
            .then(True)
            .when(low.is_in(["false", "0", "f", "no", "n"]))
            .then(False)
            .otherwise(None)
        )
    if ctype == "timestamp":
        # ISO-8601 with an offset (+0000, +00:00, Z) or naive (taken as UTC)
        norm = (
            s.str.replace(r"Z$", "+00:00")
            .str.replace(r"([+-]\d{2})(\d{2})$", "$1:$2")
            .str.replace(" ", "T")
        )
        with_tz = norm.str.to_datetime(
            "%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_zone="UTC", time_unit="us"
        )
        naive = norm.str.to_datetime(
            "%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us"
        ).dt.replace_time_zone("UTC")
        return pl.coalesce(with_tz, naive)
    raise ContractError(f"unknown type {ctype}")


def conform(
    df: pl.DataFrame,
    contract: Contract,
    *,
    source_file: str,
    line_offset: int = 0,
    line_numbers: pl.Series | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Map source columns to the contract and split good rows from rows to quarantine.

    Returns (good, quarantined, extra_columns). `good` has the contract's columns plus
    `_source_file`, `_source_line` and `_extra_columns`; `quarantined` has `_source_file`,
    `_source_line`, `reason` and `record` (the source row as JSON text).
    Raises ContractError naming the file and column if a required column is missing.
    """
    present = {c: c for c in df.columns}
    by_snake = {snake_case(c): c for c in df.columns}
    src_cols: dict[str, str | None] = {}
    for col in contract.columns:
        src = (
            present.get(col.source_name)
            or by_snake.get(snake_case(col.source_name))
            or present.get(col.name)
        )
        if src is None and col.required:
            raise ContractError(
                f"{contract.source}: file {source_file} has no column '{col.source_name}', which the landing contract "
                f"for raw.{contract.table} requires"
            )
        src_cols[col.name] = src
    known = {s for s in src_cols.values() if s}
    extra = [c for c in df.columns if c not in known and not c.startswith("_")]
    lines = (
        line_numbers
        if line_numbers is not None
        else pl.Series(
            "_source_line", range(line_offset + 1, line_offset + 1 + df.height), dtype=pl.Int64
        )
    )
    work = df.with_columns(lines.alias("_source_line"))
    exprs = []
    problems = []
    for col in contract.columns:
        src = src_cols[col.name]
        if src is None:
            exprs.append(pl.lit(None, dtype=POLARS_TYPES[col.type]).alias(col.name))
            continue
        raw = pl.col(src)
        typed = _cast(raw, col.type).alias(col.name)
        exprs.append(typed)
        raw_present = raw.cast(pl.Utf8).str.strip_chars().fill_null("") != ""
        bad_type = raw_present & _cast(raw, col.type).is_null()
        problems.append(
            pl.when(bad_type)
            .then(pl.lit(f"{col.source_name}: not a valid {col.type}"))
            .otherwise(None)
        )
        if col.required:
            problems.append(
                pl.when(~raw_present)
                .then(pl.lit(f"{col.source_name}: required value is missing"))
                .otherwise(None)
            )
        if col.pattern:
            mism = raw_present & ~raw.cast(pl.Utf8).str.strip_chars().str.contains(col.pattern)
            problems.append(
                pl.when(mism)
                .then(pl.lit(f"{col.source_name}: does not match {col.pattern}"))
                .otherwise(None)
            )
    reason = (
        pl.concat_str(problems, separator="; ", ignore_nulls=True)
        if problems
        else pl.lit(None, dtype=pl.Utf8)
    )
    work = work.with_columns(reason.alias("_reason"))
    work = work.with_columns(
        pl.when(pl.col("_reason") == "").then(None).otherwise(pl.col("_reason")).alias("_reason")
    )
    bad = work.filter(pl.col("_reason").is_not_null())
    good = work.filter(pl.col("_reason").is_null())
    record_cols = [c for c in df.columns if not c.startswith("_")]
    quarantined = bad.select(
        pl.lit(source_file).alias("_source_file"),
        pl.col("_source_line"),
        pl.col("_reason").alias("reason"),
        pl.struct([pl.col(c).cast(pl.Utf8) for c in record_cols])
        .struct.json_encode()
        .alias("record"),
    )
    extra_json = (
        pl.struct([pl.col(c).cast(pl.Utf8) for c in extra]).struct.json_encode()
        if extra
        else pl.lit(None, dtype=pl.Utf8)
    )
    good = good.select(
        [
            *exprs,
            pl.lit(source_file).alias("_source_file"),
            pl.col("_source_line"),
            extra_json.alias("_extra_columns"),
        ]
    )
    return good, quarantined, extra
