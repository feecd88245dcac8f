"""Where the warehouse lives. Paths are overridable with the CQM_HOME environment variable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def cqm_home() -> Path:
    return Path(os.environ.get("CQM_HOME", str(PROJECT_ROOT))).resolve()


def warehouse_dir() -> Path:
    return cqm_home() / "warehouse"


def build_db_path() -> Path:
    return warehouse_dir() / "cqm.duckdb"


def serving_db_path() -> Path:
    return warehouse_dir() / "serving.duckdb"


def parquet_dir() -> Path:
    return warehouse_dir() / "parquet"


# DuckDB's default memory limit is 80 % of RAM, and a connection keeps the blocks it read or wrote cached up to it:
# at 10 M order lines the pipeline's process held 5.1 GB after landing and 10 GB while publishing. Its own
# connections (landing, the Great Expectations checks, publishing) stream batches, chunks and tables, and past
# the limit DuckDB spills to disk; CQM_PIPELINE_MEMORY_LIMIT overrides (-1: DuckDB's default).
PIPELINE_MEMORY_LIMIT = "1GB"


def pipeline_memory_limit() -> str:
    """The memory limit of the pipeline process's own DuckDB connections (dbt's is in dbt/profiles.yml)."""
    return os.environ.get("CQM_PIPELINE_MEMORY_LIMIT", "").strip() or PIPELINE_MEMORY_LIMIT


def scalar(conn: Any, sql: str, params: list[Any] | None = None) -> Any:
    """The single value of a one-row, one-column query (e.g. a count)."""
    row = conn.execute(sql, params or []).fetchone()
    if row is None:
        raise RuntimeError(f"query returned no row: {sql}")
    return row[0]
