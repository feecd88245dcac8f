"""dbt's DuckDB connection is bounded at 2.5 GB unless CQM_DUCKDB_MEMORY_LIMIT sets another limit (-1: DuckDB's default,
80 % of RAM). Past the limit DuckDB spills to disk; the models are written so that it can (docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import reported_memory_limit
from tests.dbt.helpers import dbt_show


def _dbt_memory_limit(tmp_path: Path, env: dict[str, str]) -> str:
    return dbt_show("select current_setting('memory_limit') as memory_limit", tmp_path, env)


def test_dbt_connection_memory_limit_is_bounded_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CQM_DUCKDB_MEMORY_LIMIT", raising=False)
    assert str(reported_memory_limit("2500MB")) in _dbt_memory_limit(tmp_path / "a", {})
    assert str(reported_memory_limit("1GB")) in _dbt_memory_limit(
        tmp_path / "b", {"CQM_DUCKDB_MEMORY_LIMIT": "1GB"}
    )
    # -1 is DuckDB's own default, 80 % of RAM; as a per-cursor SET it lifted the limit altogether
    assert str(reported_memory_limit("-1")) in _dbt_memory_limit(
        tmp_path / "c", {"CQM_DUCKDB_MEMORY_LIMIT": "-1"}
    )
