"""Shared fixtures. Every test owns its own temporary warehouse; nothing touches warehouse/ of the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY_SCALE = 0.2
TINY_SEED = 7


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    manifest = ROOT / "dbt" / "target" / "manifest.json"
    if not manifest.exists():
        dbt = str(Path(sys.executable).parent / "dbt")
        subprocess.run(
            [
                dbt,
                "parse",
                "--project-dir",
                str(ROOT / "dbt"),
                "--profiles-dir",
                str(ROOT / "dbt"),
                "--quiet",
            ],
            check=True,
        )


@pytest.fixture(scope="session")
def tiny_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo source systems at tiny scale, written once per session. Treat as read-only."""
    from simulator.writers import simulate

    out = tmp_path_factory.mktemp("tiny_sources")
    simulate(out, TINY_SCALE, TINY_SEED)
    return out


def reported_memory_limit(limit: str) -> object:
    """What current_setting('memory_limit') shows for a connection opened with this limit."""
    import duckdb

    with duckdb.connect(":memory:", config={"memory_limit": limit}) as conn:
        row = conn.execute("select current_setting('memory_limit')").fetchone()
    assert row is not None
    return row[0]


def make_home(tmp: Path, sources: Path) -> Path:
    """A CQM_HOME of its own with a private copy of the demo sources."""
    home = tmp / "home"
    shutil.copytree(sources, home / "warehouse" / "sources")
    return home


@pytest.fixture
def cqm_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for var in (
        "CQM_CRM_URL",
        "CQM_CRM_TOKEN",
        "CQM_ERP_URL",
        "CQM_LOGISTICS_DIR",
        "CQM_SURVEYS_DIR",
        "CQM_SURVEYS_URL",
        "CQM_SURVEYS_TOKEN",
        "CQM_DUCKDB_PATH",
    ):
        monkeypatch.delenv(var, raising=False)
    yield monkeypatch


def run_home(home: Path) -> None:
    """simulate → materialize everything through Dagster → publish, in this process."""
    from dagster_project.cli import demo_sources, run_pipeline

    old = os.environ.get("CQM_HOME")
    os.environ["CQM_HOME"] = str(home)
    try:
        with demo_sources(home):
            run_pipeline(home)
    finally:
        if old is None:
            os.environ.pop("CQM_HOME", None)
        else:
            os.environ["CQM_HOME"] = old


@pytest.fixture(scope="session")
def pipeline_home(tmp_path_factory: pytest.TempPathFactory, tiny_sources: Path) -> Path:
    """One full tiny pipeline run, shared by the tests that only read its results."""
    home = make_home(tmp_path_factory.mktemp("pipeline"), tiny_sources)
    run_home(home)
    return home


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 for one test (skips locally, fails in CI, without binaries)."""
    from tests.pg import require_pg_bin, throwaway_cluster

    with throwaway_cluster(require_pg_bin()) as url:
        yield url
