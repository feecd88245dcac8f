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


def scalar(conn: Any, sql: str, params: list[Any] | None = None) -> Any:
    """The single value of a one-row, one-column query (e.g. a count)."""
    row = conn.execute(sql, params or []).fetchone()
    if row is None:
        raise RuntimeError(f"query returned no row: {sql}")
    return row[0]
