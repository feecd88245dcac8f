"""`cqm bench`: a smoke test at tiny scale (no timing assertions) and its parts on small inputs."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from dagster_project.bench.checksums import checksums, differences
from dagster_project.bench.delta import add_new_orders
from dagster_project.bench.procs import TreeSampler, tree_usage


def test_tree_usage_sees_this_process() -> None:
    cpu, rss = tree_usage(os.getpid())
    assert cpu > 0 and rss > 10 * 1024**2
    sampler = TreeSampler(os.getpid(), interval=0.01).start()
    sum(i * i for i in range(300_000))
    sampler.stop()
    assert sampler.samples and sampler.peak_rss() > 0
    first, last = sampler.samples[0], sampler.samples[-1]
    assert sampler.cpu_at(first.at) <= sampler.cpu_at(last.at)


def test_the_sampler_names_each_process_at_the_peak(tmp_path: Path) -> None:
    import subprocess
    import sys

    # a parent that spawns one worker holding 200 MB: the peak shows both, the worker named as one
    script = tmp_path / "parent.py"
    script.write_text(
        "import multiprocessing, time\n"
        "def hold():\n"
        "    block = bytearray(200 * 1024 * 1024)\n"
        "    time.sleep(1.0)\n"
        "    return len(block)\n"
        "if __name__ == '__main__':\n"
        "    p = multiprocessing.get_context('spawn').Process(target=hold)\n"
        "    p.start(); p.join()\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([sys.executable, str(script)])
    sampler = TreeSampler(proc.pid, interval=0.05).start()
    proc.wait()
    sampler.stop()
    processes = dict(sampler.peak_processes())
    assert sum(processes.values()) == sampler.peak_rss()
    workers = [label for label in processes if label.endswith("(spawned worker)")]
    assert len(workers) == 1 and processes[workers[0]] > 200 * 1024**2
    assert any(label.endswith("parent.py") for label in processes)


def test_new_orders_copy_the_newest_orders_with_new_numbers(tmp_path: Path) -> None:
    db = tmp_path / "erp.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("create table VBAK (VBELN text, KUNNR text, AEDAT text)")
        conn.execute("create table VBAP (VBELN text, POSNR text, NETWR real, AEDAT text)")
        for i in range(1, 201):
            conn.execute("insert into VBAK values (?, 'C1', ?)", (f"{i:010d}", f"2026{i:04d}"))
            for pos in ("10", "20"):
                conn.execute("insert into VBAP values (?, ?, 1.5, '20260101')", (f"{i:010d}", pos))
    added = add_new_orders(db, 0.01)
    assert added == {"VBAK": 2, "VBAP": 4}
    with sqlite3.connect(db) as conn:
        new = conn.execute("select VBELN, AEDAT from VBAK where VBELN > '0000000200'").fetchall()
        assert new == [("0000000201", "20260200"), ("0000000202", "20260200")]
        lines = conn.execute(
            "select count(*) from VBAP where VBELN in ('0000000201', '0000000202')"
        ).fetchone()
        assert lines == (4,)


def test_checksums_ignore_row_order_and_float_noise_but_not_values(tmp_path: Path) -> None:
    import duckdb

    def make(path: Path, rows: list[tuple[int, float, str]]) -> Path:
        with duckdb.connect(str(path)) as conn:
            conn.execute("create schema reporting")
            conn.execute(
                "create table reporting.t (n integer, x double, s varchar, _loaded_at timestamptz)"
            )
            conn.executemany("insert into reporting.t values (?, ?, ?, now())", rows)
        return path

    a = make(tmp_path / "a.duckdb", [(1, 0.1 + 0.2, "a"), (2, 1e6 / 3, "b")])
    b = make(tmp_path / "b.duckdb", [(2, 1e6 / 3 + 1e-9, "b"), (1, 0.3, "a")])
    c = make(tmp_path / "c.duckdb", [(1, 0.3, "a"), (2, 1e6 / 3, "c")])
    assert differences(checksums(a), checksums(b)) == []
    assert differences(checksums(a), checksums(c)) == ["reporting.t: columns differ: s"]


def test_dbt_runs_keep_their_parse_cache_per_warehouse(tmp_path: Path) -> None:
    from dagster_project.defs.transform import dbt_target_path
    from dagster_project.resources import WarehouseResource

    target = dbt_target_path(WarehouseResource(home=str(tmp_path)))
    assert target == tmp_path.resolve() / "warehouse" / "dbt_target"


def test_a_parse_cache_written_for_a_project_at_another_path_is_dropped(tmp_path: Path) -> None:
    from dagster_project.defs.transform import drop_parse_cache_of_another_project

    target = tmp_path / "dbt_target"
    here, moved = tmp_path / "checkout" / "dbt", tmp_path / "moved" / "dbt"
    cache = target / "partial_parse.msgpack"
    assert not drop_parse_cache_of_another_project(target, here)  # no cache yet
    cache.write_bytes(b"parsed here")
    assert not drop_parse_cache_of_another_project(target, here) and cache.exists()
    assert drop_parse_cache_of_another_project(target, moved) and not cache.exists()
    cache.write_bytes(b"parsed after the move")
    assert not drop_parse_cache_of_another_project(target, moved) and cache.exists()
    (target / "parsed_from.txt").unlink()  # a cache from before the marker: its project is unknown
    assert drop_parse_cache_of_another_project(target, moved) and not cache.exists()


@pytest.mark.usefixtures("cqm_env")
def test_bench_smoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One pipeline run, one baseline run and an incremental run at tiny scale: same marts, reports written."""
    from dagster_project.cli import build_parser

    monkeypatch.setenv("CQM_HOME", str(tmp_path))
    out = tmp_path / "bench"
    args = build_parser().parse_args(
        ["bench", "--scale", "0.2", "--repeats", "1", "--out", str(out), "--quiet"]
    )
    assert args.func(args) == 0
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert report["checksums"]["identical"], report["checksums"]["differences"]
    assert report["checksums"]["tables"] >= 20
    assert report["dbt_tests_in_baseline"] > 0
    total = report["summary"]["stages"]["total"]
    for side in ("pipeline", "baseline"):
        assert total[side]["wall_s"]["median"] > 0
        assert total[side]["peak_rss_bytes"] > 0
    stages = report["summary"]["stages"]
    assert stages["extract_land"]["pipeline"]["wall_s"]["median"] > 0
    assert stages["dbt_build"]["pipeline"]["wall_s"]["median"] > 0
    assert stages["publish"]["baseline"]["wall_s"]["median"] > 0
    assert report["summary"]["incremental"]["wall_s"] > 0
    # the peak is broken down by process: the pipeline's own and dbt's
    labels = [label for label, _ in report["summary"]["peak"]["processes"]]
    assert any("cqm" in label or "dagster_project" in label for label in labels), labels
    assert "order lines added" in report["delta"]
    md = (out / "bench.md").read_text(encoding="utf-8")
    assert "| total |" in md and "identical: **True**" in md
    # the incremental run added the new orders to the pipeline's marts
    import duckdb

    with duckdb.connect(
        str(out / "pipeline" / "warehouse" / "serving.duckdb"), read_only=True
    ) as conn:
        lines = conn.execute("select count(*) from marts.fct_order_lines").fetchone()
    assert lines is not None and lines[0] > report["order_lines"]
    # the incremental run reused dbt's parse cache of the warehouse instead of parsing again
    log = (out / "pipeline" / "warehouse" / "logs" / "last_run.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log
    assert (out / "pipeline" / "warehouse" / "dbt_target" / "partial_parse.msgpack").exists()
