"""Run one source's extraction in a child process, which opens the build file itself.

The memory an extraction used (DuckDB's buffers, polars' frames, Python's objects) is not all given back to the
system when it ends: the allocators keep most of it for the process's next use. In the pipeline's process that
memory then stayed through the dbt build, which runs beside it in its own process: 1.2 GB at 10 M order lines
(docs/benchmarks.md). A child process gives all of it back when it exits.

A child that dies without an exception (killed by the kernel's out-of-memory killer, say) is reported as one
sentence naming its source and how it ended.

The child is spawned (a fresh interpreter; about a second to import duckdb and polars): a fork of the run's
process would copy its threads' locks, and children forked by a fork server are not the run's children, so
their CPU time would escape the accounting of whoever runs the pipeline (the bench counts its children). The
child's exception, if any, is raised again here: the sources' errors (ContractError, ErpError, …) carry only
their message, so they cross the process boundary as they are.
"""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import signal
import traceback
from pathlib import Path
from typing import Any

from ingestion.common.landing import LoadResult, connect_warehouse


class ExtractionCrashed(RuntimeError):
    """The child process ended without returning or raising (a signal, os._exit, a crash in native code)."""


def land_in_child(extract: str, build_path: str | Path, *args: Any) -> dict[str, LoadResult]:
    """`extract` names a function 'module:function' called as function(conn, *args) in a child process, with
    conn a landing connection to the build file; returns its result. The caller must not hold a connection
    to the build file meanwhile (DuckDB allows one writing process).

    The child is this process's own, joined here, so how it ended is known when it sends nothing: a process pool
    reaped its dead worker in a thread of its own, and about one time in ten the exit code was not known yet when
    the error was worded (a child killed by the kernel was reported as "ended without a result")."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child, args=(extract, str(build_path), args, theirs), name="cqm-extract"
    )
    child.start()
    theirs.close()
    try:
        try:
            kind, value = ours.recv()
        except EOFError:
            child.join(timeout=30)
            raise ExtractionCrashed(_crash_message(extract, child.exitcode)) from None
        child.join(timeout=30)
    finally:
        ours.close()
        if child.is_alive():  # interrupted (Ctrl-C), or a child that did not end after sending
            child.terminate()
            child.join(timeout=5)
    if kind == "error":
        raise value
    result: dict[str, LoadResult] = value
    return result


def _child(extract: str, build_path: str, args: tuple[Any, ...], conn: Any) -> None:
    try:
        reply: tuple[str, Any] = ("ok", _land(extract, build_path, args))
    except BaseException as exc:
        # the traceback does not cross the process boundary; it goes with the exception as a note
        exc.add_note("in the extraction process:\n" + traceback.format_exc().rstrip())
        reply = ("error", exc)
    try:
        conn.send(reply)
    except (pickle.PicklingError, TypeError, AttributeError):
        # an exception that does not pickle crosses as its message
        conn.send(("error", RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))
    conn.close()


def _crash_message(extract: str, exitcode: int | None) -> str:
    module = extract.split(":")[0]
    parts = module.split(".")
    source = parts[1] if parts[0] == "ingestion" and len(parts) > 1 else module
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unnamed"
        how = f"was killed by signal {-exitcode} ({name})"
        if -exitcode == signal.SIGKILL:
            how += ", as the kernel does when memory runs out"
    elif exitcode is not None:
        how = f"exited with code {exitcode} without a result"
    else:
        how = "ended without a result"
    return (
        f"{source}: the extraction process {how}; raw keeps every batch landed before it, "
        "and the next run continues from there"
    )


def _land(extract: str, build_path: str, args: tuple[Any, ...]) -> dict[str, LoadResult]:
    module, name = extract.split(":")
    fn = getattr(importlib.import_module(module), name)
    with connect_warehouse(build_path) as conn:
        result: dict[str, LoadResult] = fn(conn, *args)
    return result
