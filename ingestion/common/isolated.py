"""Run the sources' extractions in a child process, which opens the build file itself.

The memory an extraction used (DuckDB's buffers, polars' frames, Python's objects) is not all given back to the
system when it ends: the allocators keep most of it for the process's next use. In the pipeline's process that
memory then stayed through the dbt build, which runs beside it in its own process: 1.2 GB at 10 M order lines
(docs/benchmarks.md). A child process gives all of it back when it exits.

Several sources land side by side, each in a thread of the one child with a cursor of its own on the one
connection to the build file (DuckDB allows one writing process, and any number of writing connections within
it; each source lands its own tables). Reading a source is partly Python, partly native code that releases
the interpreter lock (polars, DuckDB, sockets): one source at a time left the second core of a small machine
idle for much of the extraction (docs/benchmarks.md). A source that fails does not stop the others; its
exception comes back as its outcome, and theirs as their results.

A child that dies without an exception (killed by the kernel's out-of-memory killer, say) is reported as one
sentence naming its sources and how it ended.

The child is spawned (a fresh interpreter; about a second to import duckdb and polars): a fork of the run's
process would copy its threads' locks, and children forked by a fork server are not the run's children, so
their CPU time would escape the accounting of whoever runs the pipeline (the bench counts its children). The
sources' errors (ContractError, ErpError, …) carry only their message, so they cross the process boundary as
they are.
"""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingestion.common.landing import LoadResult, connect_warehouse, ensure_meta


class ExtractionCrashed(RuntimeError):
    """The child process ended without returning or raising (a signal, os._exit, a crash in native code)."""


@dataclass(frozen=True)
class Extraction:
    """One source's extraction: `function` names 'module:function', called as function(conn, *args, **kwargs)
    with conn a cursor on the build file; it returns the source's results by landed table."""

    source: str
    function: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Landed:
    """What one source's extraction came to: its results by landed table, or the exception it raised."""

    source: str
    seconds: float
    results: dict[str, LoadResult] = field(default_factory=dict)
    error: BaseException | None = None


def land_in_child(extract: str, build_path: str | Path, *args: Any) -> dict[str, LoadResult]:
    """One extraction in a child process (see land_sources_in_child); its exception is raised here."""
    job = Extraction(source_of(extract), extract, args)
    landed = land_sources_in_child([job], build_path)[job.source]
    if landed.error is not None:
        raise landed.error
    return landed.results


def land_sources_in_child(
    extractions: list[Extraction], build_path: str | Path
) -> dict[str, Landed]:
    """Run `extractions` side by side in one child process; returns what each came to, in the order given.
    The caller must not hold a connection to the build file meanwhile.

    The child is this process's own, joined here, so how it ended is known when it sends nothing: a process pool
    reaped its dead worker in a thread of its own, and about one time in ten the exit code was not known yet when
    the error was worded (a child killed by the kernel was reported as "ended without a result")."""
    if len({e.source for e in extractions}) != len(extractions):
        raise ValueError("one extraction per source")
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child, args=(extractions, str(build_path), theirs), name="cqm-extract"
    )
    child.start()
    theirs.close()
    sources = ", ".join(e.source for e in extractions)
    try:
        try:
            kind, value = ours.recv()
        except EOFError:
            child.join(timeout=30)
            raise ExtractionCrashed(_crash_sentence(sources, child.exitcode)) from None
        child.join(timeout=30)
    finally:
        ours.close()
        if child.is_alive():  # interrupted (Ctrl-C), or a child that did not end after sending
            child.terminate()
            child.join(timeout=5)
    if kind == "error":  # the build file could not be opened: no source ran
        raise value
    landed: dict[str, Landed] = value
    return {e.source: landed[e.source] for e in extractions}


def _child(extractions: list[Extraction], build_path: str, conn: Any) -> None:
    try:
        landed = _land_all(extractions, build_path)
        for one in landed.values():
            if one.error is not None:
                one.error = _portable(one.error)
        reply: tuple[str, Any] = ("ok", landed)
    except BaseException as exc:
        reply = ("error", _portable(_noted(exc)))
    conn.send(reply)
    conn.close()


def _noted(exc: BaseException) -> BaseException:
    # the traceback does not cross the process boundary; it goes with the exception as a note
    exc.add_note(
        "in the extraction process:\n"
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()
    )
    return exc


def _portable(exc: BaseException) -> BaseException:
    """An exception that does not pickle crosses as its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _land_all(extractions: list[Extraction], build_path: str) -> dict[str, Landed]:
    landed: dict[str, Landed] = {}
    with connect_warehouse(build_path) as conn:
        # created once, not by several sources' first transactions at the same time
        ensure_meta(conn)
        if len(extractions) == 1:
            landed[extractions[0].source] = _land_one(conn, extractions[0])
            return landed

        def run(job: Extraction) -> None:
            landed[job.source] = _land_one(conn, job)

        threads = [
            threading.Thread(target=run, args=(job,), name=f"extract-{job.source}", daemon=True)
            for job in extractions
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return landed


def _land_one(conn: Any, job: Extraction) -> Landed:
    start = time.perf_counter()
    module, name = job.function.split(":")
    try:
        fn = getattr(importlib.import_module(module), name)
        with conn.cursor() as cur:
            results: dict[str, LoadResult] = fn(cur, *job.args, **job.kwargs)
    except (
        BaseException
    ) as exc:  # in the main thread an interruption too: it is raised in the parent
        return Landed(job.source, time.perf_counter() - start, error=_noted(exc))
    return Landed(job.source, time.perf_counter() - start, results)


def source_of(extract: str) -> str:
    """The source an extract function belongs to: 'ingestion.<source>.…', else its module."""
    module = extract.split(":")[0]
    parts = module.split(".")
    return parts[1] if parts[0] == "ingestion" and len(parts) > 1 else module


def _crash_message(extract: str, exitcode: int | None) -> str:
    return _crash_sentence(source_of(extract), exitcode)


def _crash_sentence(sources: str, exitcode: int | None) -> str:
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
        f"{sources}: the extraction process {how}; raw keeps every batch landed before it, "
        "and the next run continues from there"
    )
