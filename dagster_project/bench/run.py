"""`cqm bench --scale S [--repeats N]`: the pipeline measured against plain DuckDB, side by side.

1. Simulates the demo sources at scale S once (kept for the next bench at the same scale and seed)
   and compiles the dbt project (`dbt compile`) for the baseline.
2. Runs, alternating, N times each: (a) `cqm materialize --demo` on a fresh warehouse, exactly as a
   user runs it (extract → raw → GX checks → dbt build → GX checks → publish, through Dagster), and
   (b) the baseline (dagster_project/bench/baseline.py) on the same sources.
   Each run is a child process; a sampler reads its process tree from /proc every 0.2 s (CPU seconds,
   resident memory). Stage windows come from Dagster's event log for (a) and from the baseline's
   own report for (b).
3. Checks that both published the same marts and reporting tables (checksums per column).
4. Adds 1 % new orders to the ERP and runs (a) again on the warehouse of its last full run: the
   incremental run, reported as a fraction of the median full run.
5. Writes bench.json and bench.md into the output folder and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dagster_project.bench.checksums import checksums, differences, excluded_columns
from dagster_project.bench.delta import add_new_orders
from dagster_project.bench.procs import TreeSampler
from dagster_project.cli import PROJECT_ROOT, CliError

STAGES = ("extract_land", "dbt_build", "checks", "publish", "overhead")
STAGE_LABELS = {
    "extract_land": "extract / land raw",
    "dbt_build": "dbt build (models + dbt tests)",
    "checks": "checks (GX suites | dbt tests' SQL)",
    "publish": "publish",
    "overhead": "start-up and orchestration",
    "total": "total",
}
# targets of issue 7, at a scale with >= 10 million order lines
TARGET_RATIO = 1.5
PEAK_PROCESS_SHOWN = 50 * 1024**2  # the report names processes this large at the peak
TARGET_TINY_OVERHEAD_S = 20.0
TARGET_INCREMENTAL = 0.15
TARGET_PEAK_BYTES = 6 * 1024**3


class BenchError(CliError):
    pass


@dataclass
class StageResult:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_bytes: int = 0
    # (label, RSS bytes) of each process of the tree at the stage's peak
    peak_processes: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class RunResult:
    variant: str  # "pipeline", "baseline" or "incremental"
    repeat: int
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    stages: dict[str, StageResult] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)


def _say(msg: str) -> None:
    print(msg, flush=True)


def _classify(step_key: str) -> str:
    if step_key.startswith("extract_"):
        return "extract_land"
    if step_key == "dbt_build":
        return "dbt_build"
    if "_gx_" in step_key:
        return "checks"
    if step_key in ("meta__publish_log", "serving"):
        return "publish"
    return "overhead"


def _merge_windows(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for s, e in sorted(windows):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _stage_results(
    windows: dict[str, list[tuple[float, float]]],
    sampler: TreeSampler,
    wall: float,
    cpu: float,
) -> dict[str, StageResult]:
    stages: dict[str, StageResult] = {}
    for stage in STAGES[:-1]:
        merged = _merge_windows(windows.get(stage, []))
        res = StageResult()
        for s, e in merged:
            res.wall_s += e - s
            res.cpu_s += max(0.0, sampler.cpu_at(e) - sampler.cpu_at(s))
            peak = sampler.peak_rss(s, e)
            if peak > res.peak_rss_bytes:
                res.peak_rss_bytes = peak
                res.peak_processes = list(sampler.peak_processes(s, e))
        stages[stage] = res
    stages["overhead"] = StageResult(
        wall_s=max(0.0, wall - sum(r.wall_s for r in stages.values())),
        cpu_s=max(0.0, cpu - sum(r.cpu_s for r in stages.values())),
        peak_rss_bytes=sampler.peak_rss(),
        peak_processes=list(sampler.peak_processes()),
    )
    return stages


def _run_child(
    cmd: list[str], env: dict[str, str], prefix: str, echo: bool
) -> tuple[int, float, float, TreeSampler, list[str]]:
    """Run a child process, sampling its tree; returns (code, wall, cpu, sampler, output lines)."""
    before = os.times()
    t0 = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=str(PROJECT_ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    sampler = TreeSampler(proc.pid).start()
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if echo and line.strip():
            _say(f"{prefix}{line.rstrip()}")
    code = proc.wait()
    wall = time.monotonic() - t0
    sampler.stop()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return code, wall, cpu, sampler, lines


def _dagster_windows(dagster_home: Path) -> tuple[dict[str, list[tuple[float, float]]], str]:
    """Step windows per stage of the latest run in a Dagster instance, and that run's status."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(dagster_home))
    try:
        runs = instance.get_runs(limit=1)
        if not runs:
            raise BenchError(f"no Dagster run recorded in {dagster_home}")
        run = runs[0]
        starts: dict[str, float] = {}
        windows: dict[str, list[tuple[float, float]]] = {}
        for entry in instance.all_logs(run.run_id):
            ev = entry.dagster_event
            if ev is None or not entry.step_key:
                continue
            kind = ev.event_type_value
            if kind == "STEP_START":
                starts[entry.step_key] = entry.timestamp
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in starts:
                windows.setdefault(_classify(entry.step_key), []).append(
                    (starts.pop(entry.step_key), entry.timestamp)
                )
        return windows, str(run.status.value)
    finally:
        instance.dispose()


def _clean_warehouse(home: Path, sources: Path) -> None:
    wh = home / "warehouse"
    if wh.exists():
        for p in wh.iterdir():
            # dbt's parse cache (dbt_target) stays: it depends on the code, not on the data
            if p.name in ("sources", "dbt_target"):
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
    wh.mkdir(parents=True, exist_ok=True)
    link = wh / "sources"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(sources, target_is_directory=True)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CQM_", "DAGSTER_HOME"))}
    env.update({"DO_NOT_TRACK": "1", "DAGSTER_DISABLE_TELEMETRY": "1"})
    env.update(extra)
    return env


def run_pipeline(
    home: Path, sources: Path, repeat: int, *, fresh: bool, echo: bool, variant: str = "pipeline"
) -> RunResult:
    if fresh:
        _clean_warehouse(home, sources)
    else:
        link = home / "warehouse" / "sources"
        link.unlink()
        link.symlink_to(sources, target_is_directory=True)
    cqm = Path(sys.executable).parent / "cqm"
    cmd = (
        [str(cqm), "materialize", "--demo"]
        if cqm.exists()
        else [sys.executable, "-m", "dagster_project.cli", "materialize", "--demo"]
    )
    code, wall, cpu, sampler, lines = _run_child(cmd, _env(CQM_HOME=str(home)), "      ", echo)
    if code != 0:
        raise BenchError(
            f"the pipeline run failed (exit {code}): {' / '.join(lines[-3:]) or 'no output'}"
        )
    windows, status = _dagster_windows(home / "warehouse" / "dagster")
    return RunResult(
        variant=variant,
        repeat=repeat,
        wall_s=wall,
        cpu_s=cpu,
        peak_rss_bytes=sampler.peak_rss(),
        stages=_stage_results(windows, sampler, wall, cpu),
        detail={"status": status},
    )


def run_baseline(
    work: Path, sources: Path, manifest: Path, repeat: int, *, echo: bool
) -> RunResult:
    base = work / "baseline"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    cmd = [
        sys.executable,
        "-m",
        "dagster_project.bench.baseline",
        "--sources",
        str(sources),
        "--db",
        str(base / "cqm.duckdb"),
        "--manifest",
        str(manifest),
        "--serving",
        str(base / "serving.duckdb"),
        "--project-dir",
        str(PROJECT_ROOT / "dbt"),
    ]
    code, wall, cpu, sampler, lines = _run_child(cmd, _env(), "      ", False)
    report: dict[str, Any] = {}
    for line in reversed(lines):
        if line.startswith("{"):
            report = json.loads(line)
            break
    if code != 0 or "stages" not in report:
        raise BenchError(
            f"the baseline failed (exit {code}): {report.get('error') or ' / '.join(lines[-3:])}"
        )
    if report["stages"]["checks"]["failing"]:
        raise BenchError(
            "the baseline's dbt tests failed: " + ", ".join(report["stages"]["checks"]["failing"])
        )
    windows = {k: [(v["start"], v["end"])] for k, v in report["stages"].items()}
    result = RunResult(
        variant="baseline",
        repeat=repeat,
        wall_s=wall,
        cpu_s=cpu,
        peak_rss_bytes=sampler.peak_rss(),
        stages=_stage_results(windows, sampler, wall, cpu),
        detail={"raw_rows": report["raw_rows"], "tests": report["stages"]["checks"]["tests"]},
    )
    if echo:
        _say("      " + ", ".join(f"{k} {v.wall_s:.1f} s" for k, v in result.stages.items()))
    return result


def prepare(work: Path, scale: float, seed: int) -> tuple[Path, Path, dict[str, Any]]:
    """Sources at this scale (simulated once) and a compiled manifest for the baseline."""
    from simulator.writers import simulate

    sources = work / "sources"
    marker = sources / "bench.json"
    spec = {"scale": scale, "seed": seed}
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("spec") == spec:
        counts = json.loads(marker.read_text(encoding="utf-8"))["counts"]
        _say(f"Sources at scale {scale} (seed {seed}) already in {sources}")
    else:
        if sources.exists():
            shutil.rmtree(sources)
        _say(f"Simulating the sources at scale {scale} (seed {seed}) into {sources}")
        t0 = time.monotonic()

        def progress(month: int, months: int, lines: int) -> None:
            sys.stdout.write(f"\r  month {month}/{months}, {lines:,} order lines")
            sys.stdout.flush()

        counts = simulate(sources, scale, seed, progress=progress)
        _say(f"\n  {counts['order_lines']:,} order lines in {time.monotonic() - t0:.0f} s")
        marker.write_text(json.dumps({"spec": spec, "counts": counts}), encoding="utf-8")
    return sources, compile_manifest(work), counts


def compile_manifest(work: Path) -> Path:
    """`dbt compile` into work/compile: the manifest whose compiled SQL the baseline runs."""
    _say("Compiling the dbt project for the baseline (dbt compile)")
    compile_dir = work / "compile"
    compile_dir.mkdir(parents=True, exist_ok=True)
    dbt = str(Path(sys.executable).parent / "dbt")
    res = subprocess.run(
        [
            dbt,
            "compile",
            "--project-dir",
            str(PROJECT_ROOT / "dbt"),
            "--profiles-dir",
            str(PROJECT_ROOT / "dbt"),
            "--target-path",
            str(compile_dir / "target"),
            "--quiet",
        ],
        env=_env(CQM_DUCKDB_PATH=str(compile_dir / "cqm.duckdb")),
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise BenchError(f"dbt compile failed: {(res.stdout + res.stderr).strip()[-300:]}")
    return compile_dir / "target" / "manifest.json"


def _summary(values: list[float]) -> dict[str, float]:
    return (
        {"min": min(values), "median": statistics.median(values), "max": max(values)}
        if values
        else {}
    )


def summarize(
    pipeline: list[RunResult],
    baseline: list[RunResult],
    incremental: RunResult | None,
    rows: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {"stages": {}}
    for stage in (*STAGES, "total"):

        def get(r: RunResult, what: str, stage: str = stage) -> float:
            if stage == "total":
                return float(getattr(r, what))
            return float(getattr(r.stages[stage], what))

        row: dict[str, Any] = {}
        for name, runs in (("pipeline", pipeline), ("baseline", baseline)):
            walls = [get(r, "wall_s") for r in runs]
            row[name] = {
                "wall_s": _summary(walls),
                "cpu_s": _summary([get(r, "cpu_s") for r in runs]),
                "peak_rss_bytes": max(int(get(r, "peak_rss_bytes")) for r in runs),
                "rows_per_s": rows / statistics.median(walls)
                if walls and statistics.median(walls) > 0
                else None,
            }
        ratios = [
            get(a, "wall_s") / get(b, "wall_s")
            for a, b in zip(pipeline, baseline, strict=False)
            if get(b, "wall_s") > 0.05
        ]
        cpu_ratios = [
            get(a, "cpu_s") / get(b, "cpu_s")
            for a, b in zip(pipeline, baseline, strict=False)
            if get(b, "cpu_s") > 0.05
        ]
        row["ratio_wall"] = _summary(ratios)
        row["ratio_cpu"] = _summary(cpu_ratios)
        out["stages"][stage] = row
    if pipeline:
        largest = max(pipeline, key=lambda r: r.peak_rss_bytes)
        # "overhead" holds the whole run's peak: a tie goes to the real stage listed before it
        stage, at_peak = max(largest.stages.items(), key=lambda kv: kv[1].peak_rss_bytes)
        out["peak"] = {
            "stage": None if stage == "overhead" else stage,
            "processes": at_peak.peak_processes,
        }
    if incremental is not None:
        full = statistics.median(r.wall_s for r in pipeline)
        full_cpu = statistics.median(r.cpu_s for r in pipeline)
        out["incremental"] = {
            "wall_s": incremental.wall_s,
            "cpu_s": incremental.cpu_s,
            "fraction_of_full_wall": incremental.wall_s / full,
            "fraction_of_full_cpu": incremental.cpu_s / full_cpu,
            "stages": {k: asdict(v) for k, v in incremental.stages.items()},
        }
    return out


def _machine() -> dict[str, Any]:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    disk = shutil.disk_usage(str(PROJECT_ROOT))
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_bytes": mem,
        "disk_total_bytes": disk.total,
        "disk_free_bytes": disk.free,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def _gb(n: float) -> str:
    return f"{n / 1024**3:.2f} GB"


def _fmt_range(s: dict[str, float], unit: str = "") -> str:
    if not s:
        return "—"
    return f"{s['median']:.2f}{unit} ({s['min']:.2f}–{s['max']:.2f})"


def render_markdown(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = [
        f"### Scale {report['scale']}: {report['order_lines']:,} order lines, "
        f"{report['source_rows']:,} source rows, {report['repeats']} repeats",
        "",
        "Wall seconds are medians (min–max) over the repeats; ratios are pipeline ÷ baseline of the "
        "same repeat. Rows/s = source rows ÷ median wall seconds of the stage.",
        "",
        "| stage | pipeline wall s | baseline wall s | ratio wall | pipeline CPU s | baseline CPU s "
        "| ratio CPU | pipeline rows/s | baseline rows/s | peak RSS pipeline | peak RSS baseline |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for stage, row in s["stages"].items():
        a, b = row["pipeline"], row["baseline"]
        lines.append(
            f"| {STAGE_LABELS[stage]} | {_fmt_range(a['wall_s'])} | {_fmt_range(b['wall_s'])} "
            f"| {_fmt_range(row['ratio_wall'], '×')} | {_fmt_range(a['cpu_s'])} "
            f"| {_fmt_range(b['cpu_s'])} | {_fmt_range(row['ratio_cpu'], '×')} "
            f"| {a['rows_per_s'] or 0:,.0f} | {b['rows_per_s'] or 0:,.0f} "
            f"| {_gb(a['peak_rss_bytes'])} | {_gb(b['peak_rss_bytes'])} |"
        )
    peak = s.get("peak")
    if peak and peak["processes"]:
        where = f" (during {STAGE_LABELS[peak['stage']]})" if peak["stage"] else ""
        large = [(label, rss) for label, rss in peak["processes"] if rss >= PEAK_PROCESS_SHOWN]
        small = [rss for _, rss in peak["processes"] if rss < PEAK_PROCESS_SHOWN]
        parts = [f"{label} {_gb(rss)}" for label, rss in large]
        if small:
            parts.append(f"{len(small)} smaller ones {_gb(sum(small))}")
        lines += ["", f"The pipeline's peak{where}, by process: " + ", ".join(parts) + "."]
    inc = s.get("incremental")
    if inc:
        lines += [
            "",
            f"Incremental run after {report['delta']}: {inc['wall_s']:.1f} s wall "
            f"({inc['fraction_of_full_wall']:.0%} of the median full run), {inc['cpu_s']:.1f} s CPU "
            f"({inc['fraction_of_full_cpu']:.0%}); by stage: "
            + ", ".join(f"{k} {v['wall_s']:.1f} s" for k, v in inc["stages"].items())
            + ".",
        ]
    lines += ["", f"Marts and reporting tables identical: **{report['checksums']['identical']}**"]
    for d in report["checksums"]["differences"]:
        lines.append(f"- {d}")
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {t['met']} |")
    return "\n".join(lines) + "\n"


def _targets(report: dict[str, Any]) -> list[dict[str, str]]:
    s = report["summary"]
    big = report["order_lines"] >= 10_000_000
    note = "" if big else f" (at {report['order_lines']:,} order lines, not 10 M)"
    total = s["stages"]["total"]
    ratio = total["ratio_wall"].get("median", float("nan"))
    out = [
        {
            "target": "end-to-end ≤ 1.5× baseline",
            "measured": f"{ratio:.2f}× wall, {total['ratio_cpu'].get('median', float('nan')):.2f}× CPU{note}",
            "met": "yes" if ratio <= TARGET_RATIO else "no",
        },
        {
            "target": "peak memory ≤ 6 GB",
            "measured": _gb(total["pipeline"]["peak_rss_bytes"]) + note,
            "met": "yes" if total["pipeline"]["peak_rss_bytes"] <= TARGET_PEAK_BYTES else "no",
        },
    ]
    inc = s.get("incremental")
    if inc:
        out.append(
            {
                "target": "incremental ≤ 15 % of full",
                "measured": f"{inc['fraction_of_full_wall']:.0%}{note}",
                "met": "yes" if inc["fraction_of_full_wall"] <= TARGET_INCREMENTAL else "no",
            }
        )
    if report["order_lines"] <= 50_000:
        fixed = total["pipeline"]["wall_s"]["median"] - total["baseline"]["wall_s"]["median"]
        out.append(
            {
                "target": "fixed overhead at tiny scale ≤ 20 s",
                "measured": f"{fixed:.1f} s more than the baseline "
                f"({total['pipeline']['wall_s']['median']:.1f} s in all)",
                "met": "yes" if fixed <= TARGET_TINY_OVERHEAD_S else "no",
            }
        )
    return out


def bench(
    scale: float,
    repeats: int,
    seed: int,
    work: Path,
    *,
    incremental: bool = True,
    echo: bool = True,
) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    sources, manifest, counts = prepare(work, scale, seed)
    home = work / "pipeline"
    pipeline_runs: list[RunResult] = []
    baseline_runs: list[RunResult] = []
    pipe_sums: dict[str, dict[str, str]] = {}
    base_sums: dict[str, dict[str, str]] = {}
    for i in range(1, repeats + 1):
        _say(f"[{i}/{repeats}] (a) pipeline: cqm materialize --demo on a fresh warehouse")
        a = run_pipeline(home, sources, i, fresh=True, echo=echo)
        _say(f"    {a.wall_s:.1f} s wall, {a.cpu_s:.1f} s CPU, peak {_gb(a.peak_rss_bytes)}")
        pipeline_runs.append(a)
        if i == 1:
            pipe_sums = checksums(home / "warehouse" / "serving.duckdb")
        _say(f"[{i}/{repeats}] (b) baseline: plain DuckDB, the same sources and compiled SQL")
        b = run_baseline(work, sources, manifest, i, echo=echo)
        _say(f"    {b.wall_s:.1f} s wall, {b.cpu_s:.1f} s CPU, peak {_gb(b.peak_rss_bytes)}")
        baseline_runs.append(b)
        if i == 1:
            base_sums = checksums(work / "baseline" / "serving.duckdb")
    diffs = differences(pipe_sums, base_sums)
    rows = sum(baseline_runs[0].detail["raw_rows"].values())
    inc_run = None
    delta_desc = ""
    if incremental:
        delta_sources = work / "sources_delta"
        if delta_sources.exists():
            shutil.rmtree(delta_sources)
        (delta_sources / "erp").mkdir(parents=True)
        for sub in ("crm", "logistics", "surveys"):
            (delta_sources / sub).symlink_to(sources / sub, target_is_directory=True)
        shutil.copy2(sources / "erp" / "erp.sqlite", delta_sources / "erp" / "erp.sqlite")
        added = add_new_orders(delta_sources / "erp" / "erp.sqlite", 0.01)
        delta_desc = f"1 % new orders ({added['VBAK']:,} orders, {added['VBAP']:,} order lines added to the ERP)"
        _say(f"[incremental] {delta_desc}; cqm materialize --demo on the last warehouse")
        inc_run = run_pipeline(
            home, delta_sources, 0, fresh=False, echo=echo, variant="incremental"
        )
        _say(f"    {inc_run.wall_s:.1f} s wall, {inc_run.cpu_s:.1f} s CPU")
    report: dict[str, Any] = {
        "scale": scale,
        "seed": seed,
        "repeats": repeats,
        "order_lines": counts.get("order_lines", 0),
        "source_rows": rows,
        "raw_rows": baseline_runs[0].detail["raw_rows"],
        "dbt_tests_in_baseline": baseline_runs[0].detail["tests"],
        "machine": machine,
        "delta": delta_desc,
        "checksums": {
            "identical": not diffs,
            "differences": diffs,
            "tables": len(pipe_sums),
            "excluded_columns": excluded_columns(home / "warehouse" / "serving.duckdb")
            if (home / "warehouse" / "serving.duckdb").exists()
            else {},
        },
        "runs": [asdict(r) for r in [*pipeline_runs, *baseline_runs]]
        + ([asdict(inc_run)] if inc_run else []),
        "summary": summarize(pipeline_runs, baseline_runs, inc_run, rows),
    }
    report["targets"] = _targets(report)
    return report


def cmd_bench(args: argparse.Namespace) -> int:
    home = Path(os.environ.get("CQM_HOME", str(PROJECT_ROOT))).resolve()
    work = (
        Path(args.out).resolve()
        if args.out
        else home / "warehouse" / "bench" / f"scale-{args.scale:g}"
    )
    if args.repeats < 1:
        raise BenchError("--repeats must be at least 1")
    report = bench(
        args.scale,
        args.repeats,
        args.seed,
        work,
        incremental=not args.no_incremental,
        echo=not args.quiet,
    )
    (work / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    md = render_markdown(report)
    (work / "bench.md").write_text(md, encoding="utf-8")
    _say("")
    _say(md)
    _say(f"Results: {work / 'bench.json'} and {work / 'bench.md'}")
    if not report["checksums"]["identical"]:
        raise BenchError(
            "the pipeline and the baseline published different marts: "
            + "; ".join(report["checksums"]["differences"][:3])
        )
    return 0


def add_parser(sub: Any) -> None:
    """Register `cqm bench` on the CLI's subparsers."""
    b = sub.add_parser(
        "bench", help="benchmark the pipeline against plain DuckDB on the same data and SQL"
    )
    b.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 20k order lines")
    b.add_argument("--repeats", type=int, default=3, help="runs of each variant, alternating")
    b.add_argument("--seed", type=int, default=42)
    b.add_argument(
        "--out", default=None, help="work and results folder (default warehouse/bench/scale-S)"
    )
    b.add_argument("--no-incremental", action="store_true", help="skip the incremental run")
    b.add_argument("--quiet", action="store_true", help="no per-step progress lines")
    b.set_defaults(func=cmd_bench)
