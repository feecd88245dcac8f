"""A source's extraction runs in a child process (ingestion/common/isolated.py): it lands in the build file, its
result and its errors come back as they were, and the process it ran in is gone when it returns."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.common.contract import ContractError
from ingestion.common.isolated import land_in_child
from ingestion.common.landing import LoadResult


def land_rows(conn: duckdb.DuckDBPyConnection, n: int) -> dict[str, LoadResult]:
    """An extract function: lands n rows and reports the process it ran in."""
    conn.execute("create schema if not exists raw")
    conn.execute("create or replace table raw.t as select range as i from range(?)", [n])
    return {"t": LoadResult("t", rows_read=n, rows_landed=n, files=[str(os.getpid())])}


def spin(conn: duckdb.DuckDBPyConnection, seconds: float) -> dict[str, LoadResult]:
    """An extract function that only uses CPU."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return {}


def refuse(conn: duckdb.DuckDBPyConnection, message: str) -> dict[str, LoadResult]:
    raise ContractError(message)


def test_the_child_lands_in_the_build_file_and_returns_its_result(tmp_path: Path) -> None:
    db = tmp_path / "cqm.duckdb"
    results = land_in_child(f"{__name__}:land_rows", db, 1234)
    assert results["t"].rows_landed == 1234
    child = int(results["t"].files[0])
    assert child != os.getpid()
    with pytest.raises(ProcessLookupError):  # the child has exited, and with it the memory it used
        os.kill(child, 0)
    # the child closed the file: this process can open it for writing
    with duckdb.connect(str(db)) as conn:
        assert conn.execute("select count(*) from raw.t").fetchone() == (1234,)


def test_the_childs_error_is_raised_here_with_its_message(tmp_path: Path) -> None:
    message = "surveys: post_delivery.csv row 7: column nps_score missing"
    with pytest.raises(ContractError, match=message):
        land_in_child(f"{__name__}:refuse", tmp_path / "cqm.duckdb", message)


def test_the_childs_cpu_time_is_counted_as_this_processs_childrens(tmp_path: Path) -> None:
    """The bench counts a pipeline's CPU seconds from its children's times: a child that is not this process's
    own (e.g. forked by a fork server) would escape it."""
    before = os.times()
    land_in_child(f"{__name__}:spin", tmp_path / "cqm.duckdb", 0.5)
    after = os.times()
    used = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    assert used >= 0.5
