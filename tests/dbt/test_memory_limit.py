"""dbt's DuckDB connection is bounded at 4 GB unless CQM_DUCKDB_MEMORY_LIMIT sets another limit (-1: DuckDB's default,
80 % of RAM). Past the limit DuckDB spills to disk; the models are written so that it can (docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.dbt.helpers import DBT, DBT_DIR


def _dbt_memory_limit(tmp_path: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [
            DBT,
            "show",
            "--inline",
            "select current_setting('memory_limit') as memory_limit",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={**os.environ, "CQM_DUCKDB_PATH": str(tmp_path / "cqm.duckdb"), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    return proc.stdout


def _as_duckdb_reports(limit: str) -> str:
    with duckdb.connect(":memory:", config={"memory_limit": limit}) as conn:
        row = conn.execute("select current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def test_dbt_connection_memory_limit_is_bounded_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CQM_DUCKDB_MEMORY_LIMIT", raising=False)
    assert _as_duckdb_reports("4GB") in _dbt_memory_limit(tmp_path / "a", {})
    assert _as_duckdb_reports("1GB") in _dbt_memory_limit(
        tmp_path / "b", {"CQM_DUCKDB_MEMORY_LIMIT": "1GB"}
    )
