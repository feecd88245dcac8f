"""Run one source's extraction in a child process, which opens the build file itself.

The memory an extraction used (DuckDB's buffers, polars' frames, Python's objects) is not all given back to the
system when it ends: the allocators keep most of it for the process's next use. In the pipeline's process that
memory then stayed through the dbt build, which runs beside it in its own process: 1.2 GB at 10 M order lines
(docs/benchmarks.md). A child process gives all of it back when it exits.

The child is spawned (a fresh interpreter; about a second to import duckdb and polars): a fork of the run's
process would copy its threads' locks, and children forked by a fork server are not the run's children, so
their CPU time would escape the accounting of whoever runs the pipeline (the bench counts its children). The
child's exception, if any, is raised again here: the sources' errors (ContractError, ErpError, …) carry only
their message, so they cross the process boundary as they are.
"""

from __future__ import annotations

import importlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ingestion.common.landing import LoadResult, connect_warehouse


def land_in_child(extract: str, build_path: str | Path, *args: Any) -> dict[str, LoadResult]:
    """`extract` names a function 'module:function' called as function(conn, *args) in a child process, with
    conn a landing connection to the build file; returns its result. The caller must not hold a connection
    to the build file meanwhile (DuckDB allows one writing process)."""
    with ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        return pool.submit(_land, extract, str(build_path), args).result()


def _land(extract: str, build_path: str, args: tuple[Any, ...]) -> dict[str, LoadResult]:
    module, name = extract.split(":")
    fn = getattr(importlib.import_module(module), name)
    with connect_warehouse(build_path) as conn:
        result: dict[str, LoadResult] = fn(conn, *args)
    return result
