"""dbt's DuckDB connection is bounded at 3 GB unless CQM_DUCKDB_MEMORY_LIMIT sets another limit (-1: DuckDB's default,
80 % of RAM). Past the limit DuckDB spills to disk; the models are written so that it can (docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import reported_memory_limit
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


def test_dbt_connection_memory_limit_is_bounded_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CQM_DUCKDB_MEMORY_LIMIT", raising=False)
    assert str(reported_memory_limit("3GB")) in _dbt_memory_limit(tmp_path / "a", {})
    assert str(reported_memory_limit("1GB")) in _dbt_memory_limit(
        tmp_path / "b", {"CQM_DUCKDB_MEMORY_LIMIT": "1GB"}
    )
