"""The `cqm` command line: demo, simulate, materialize, publish, dashboard, dev.

Every expected failure ends in one sentence naming what failed and how to fix it; set CQM_DEBUG=1
to see tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_TOKEN = "demo-token"


class CliError(RuntimeError):
    """An expected failure, reported as one sentence."""


# Expected failures, recognised by their message: (pattern, what to do). The first match wins.
FIXES: tuple[tuple[str, str], ...] = (
    (
        r"Could not set lock on file \S*serving\.duckdb|serving\.duckdb\S* is locked",
        "another process opened the serving file read-write: close it, or reopen it read-only "
        "(duckdb -readonly, read_only=True, duckdb.read_only=true)",
    ),
    (
        r"Could not set lock on file|Conflicting lock|is locked by another process",
        "another process holds the build file warehouse/cqm.duckdb: stop it (a second cqm run, "
        "or a tool that opened the build file) and point BI tools at warehouse/serving.duckdb, read-only",
    ),
    (
        r"crm: cannot reach",
        "start the CRM or correct its address: crm.url in cqm.yml, or CQM_CRM_URL",
    ),
    (
        r"crm: .*HTTP 40[13]",
        "the CRM refused the token: set crm.token in cqm.yml, or CQM_CRM_TOKEN",
    ),
    (
        r"surveys: cannot reach",
        "start the survey API or correct its address: surveys.url in cqm.yml, or CQM_SURVEYS_URL",
    ),
    (
        r"surveys: .*HTTP 40[13]",
        "the survey API refused the token: set surveys.token in cqm.yml, or CQM_SURVEYS_TOKEN",
    ),
    (
        r"erp: cannot (open|connect|reach)",
        "correct erp.url in cqm.yml (or CQM_ERP_URL) and check the database is reachable",
    ),
    (
        r"(logistics: landing|surveys: export) folder .* does not exist",
        "create the folder or correct logistics.path / surveys.path in cqm.yml "
        "(CQM_LOGISTICS_DIR, CQM_SURVEYS_DIR)",
    ),
    (
        r"refers to \$\{\w+\}, which is not set|cqm\.yml.*(unknown source|kind is)",
        "fix cqm.yml or set the variable it names (README, 'Connecting your sources')",
    ),
    (
        r"^check \S+ on \S+",
        "see warehouse/validation_report.html for the failing rows, fix them at the source and "
        "run `cqm materialize` again",
    ),
)


def explain(message: str) -> str:
    """One sentence: the message's first line and, for an expected failure, the fix."""
    lines = message.strip().splitlines()
    first = lines[0].rstrip(". ") if lines else message
    for pattern, fix in FIXES:
        if re.search(pattern, message, flags=re.IGNORECASE | re.DOTALL):
            return f"{first}; {fix}"
    return first


def _home(args: argparse.Namespace | None = None) -> Path:
    home = Path(os.environ.get("CQM_HOME", str(PROJECT_ROOT))).resolve()
    os.environ["CQM_HOME"] = str(home)
    return home


def _sources_dir(home: Path) -> Path:
    return home / "warehouse" / "sources"


# the instance settings cqm writes. The event log's folder is spelled out (Dagster's configurable storages do
# not know the instance's folder), so a copied or moved home gets its file rewritten; a file equal to what cqm
# writes for any folder, or to an earlier version of it, is brought up to date, one a user edited is left alone
_DAGSTER_YAML_BASE = "telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n"
_DAGSTER_YAML_TEMPLATE = _DAGSTER_YAML_BASE + (
    "event_log_storage:\n"
    "  module: dagster_project.storage\n"
    "  class: PooledSqliteEventLogStorage\n"
    "  config:\n"
    "    base_dir: {base_dir}\n"
)
_GENERATED = re.compile(
    re.escape(_DAGSTER_YAML_TEMPLATE).replace(re.escape("{base_dir}"), ".*")
    + "|"
    + re.escape(_DAGSTER_YAML_BASE)
)


def dagster_yaml(dagster_home: Path) -> str:
    runs = dagster_home / "history" / "runs"
    return _DAGSTER_YAML_TEMPLATE.format(base_dir=json.dumps(str(runs)))


def _dagster_home(home: Path) -> Path:
    d = home / "warehouse" / "dagster"
    d.mkdir(parents=True, exist_ok=True)
    cfg = d / "dagster.yaml"
    if not cfg.exists() or _GENERATED.fullmatch(cfg.read_text(encoding="utf-8")):
        cfg.write_text(dagster_yaml(d), encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(d)
    return d


def _bar(done: int, total: int, label: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label}")
    if done >= total:
        sys.stdout.write("\n")
    sys.stdout.flush()


def cmd_simulate(args: argparse.Namespace) -> int:
    from simulator.dirty import Dirty
    from simulator.writers import simulate

    try:
        dirty = Dirty.parse(getattr(args, "dirty", None))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    out = Path(args.out).resolve()
    print(f"Simulating source systems (scale {args.scale}, seed {args.seed}) into {out}")
    t0 = time.monotonic()
    counts = simulate(
        out,
        args.scale,
        args.seed,
        progress=lambda m, n, lines: _bar(m, n, f"months, {lines:,} order lines"),
        dirty=dirty,
    )
    print(
        f"  wrote {counts['order_lines']:,} order lines, {counts['deliveries']:,} deliveries, "
        f"{counts['tracking_events']:,} carrier events, {counts['cases']:,} complaints, "
        f"{counts['survey_responses']:,} survey responses in {time.monotonic() - t0:.1f} s"
    )
    return 0


def _serve_demo_apis(src: Path, token: str, fail_rate: float, conn: Any) -> None:
    """The demo source systems' APIs, in a process of their own (see demo_sources). Sends their URLs as soon as they
    listen, or the error that stopped them; then reads their files, sends the error if that fails, and serves until
    the other end of `conn` is closed (the run ended, or its process died)."""
    from simulator.crm_server import start_in_thread
    from simulator.survey_server import start_in_thread as start_survey_api

    try:
        crm = start_in_thread(src / "crm", token=token, fail_rate=fail_rate, defer_load=True)
        # the surveys also as an API, for `kind: rest` in cqm.yml (the demo default reads the files)
        surveys = start_survey_api(
            src / "surveys", token=token, fail_rate=fail_rate, defer_load=True
        )
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ok", crm.url, surveys.url))
    # the run starts (Dagster, the definitions) while the CRM's records are indexed: at 10 M order lines the run
    # waited 2.2-2.8 s for it before it could begin; a request that comes first waits for it
    for name, server in (("CRM", crm), ("survey", surveys)):
        error = server.load_files()
        if error is not None:
            with contextlib.suppress(OSError):  # the run may have ended already
                conn.send(("error", f"the {name} API: {error}"))
    with contextlib.suppress(EOFError, OSError):
        conn.recv()


@contextmanager
def demo_sources(home: Path) -> Iterator[Path]:
    """Point the connectors at the simulated sources, serving the CRM API on 127.0.0.1 meanwhile.

    The APIs run in a process of their own, as a source system would: served from threads of the run's own process,
    they competed for its interpreter lock with the run's threads (the Great Expectations import beside the CRM's
    extraction made it about a second slower at 10 M order lines).
    """
    src = _sources_dir(home)
    if not (src / "crm").is_dir():
        raise CliError(
            f"no demo sources in {src}: run `cqm simulate --out {src}` or `cqm demo` first"
        )
    server_cfg = src / "crm" / "server.json"
    fail_rate = (
        float(json.loads(server_cfg.read_text(encoding="utf-8")).get("fail_rate", 0.0))
        if server_cfg.exists()
        else 0.0
    )
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(
        target=_serve_demo_apis,
        args=(src, DEMO_TOKEN, fail_rate, theirs),
        name="cqm-demo-sources",
        daemon=True,
    )
    server.start()
    theirs.close()
    try:
        reply = ours.recv()
    except EOFError:
        reply = ("error", f"the process ended (exit code {server.exitcode})")
    if reply[0] != "ok":
        server.join(timeout=5)
        raise CliError(f"the demo source APIs did not start: {reply[1]}")
    _, crm_url, survey_url = reply
    env = {
        "CQM_CRM_URL": crm_url,
        "CQM_CRM_TOKEN": DEMO_TOKEN,
        "CQM_ERP_URL": f"sqlite:///{src / 'erp' / 'erp.sqlite'}",
        "CQM_LOGISTICS_DIR": str(src / "logistics" / "inbox"),
        "CQM_SURVEYS_DIR": str(src / "surveys"),
        "CQM_SURVEYS_URL": survey_url,
        "CQM_SURVEYS_TOKEN": DEMO_TOKEN,
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield src
    except Exception:
        # an API that could not read its files answered every request with that error: name it as the cause
        late = None
        with contextlib.suppress(EOFError, OSError):
            late = ours.recv() if ours.poll() else None
        if late is not None and late[0] == "error":
            raise CliError(f"the demo source APIs did not start: {late[1]}") from None
        raise
    finally:
        ours.close()
        server.join(timeout=5)
        if server.is_alive():
            server.terminate()
            server.join(timeout=5)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _check_not_locked(path: Path) -> None:
    """Fail early, in one sentence, when another process holds a lock on a DuckDB file we write."""
    import duckdb

    if not path.exists():
        return
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error as exc:
        if "lock" not in str(exc).lower():
            raise
        pid = re.search(r"PID (\d+)", str(exc))
        who = f" (PID {pid.group(1)})" if pid else ""
        raise CliError(explain(f"{path} is locked by another process{who}")) from None


REQUIRED_SETTINGS = {
    ("crm", "rest"): ("url", "token"),
    ("crm", "files"): ("path",),
    ("erp", "sql"): ("url",),
    ("logistics", "files"): ("path",),
    ("surveys", "files"): ("path",),
    ("surveys", "rest"): ("url", "token"),
}


def _check_sources_configured() -> None:
    """Every source has the settings its kind needs, from cqm.yml or the environment."""
    from ingestion.common.config import ENV_OVERRIDES, ConfigError, config_path, load_sources

    path = config_path()
    if os.environ.get("CQM_CONFIG") and not path.exists():
        raise CliError(
            f"the config file {path} (CQM_CONFIG) does not exist: correct CQM_CONFIG or unset it "
            "to use cqm.yml"
        )
    try:
        sources = load_sources(path)
    except ConfigError as exc:
        raise CliError(explain(str(exc))) from None
    missing = []
    for name, cfg in sources.items():
        for key in REQUIRED_SETTINGS.get((name, cfg.kind), ()):
            if not cfg.get(key).resolve():
                var = cfg.get(key).env or ENV_OVERRIDES.get((name, key))
                missing.append(f"{name}.{key}" + (f" (or {var})" if var else ""))
    if missing:
        raise CliError(
            f"source settings missing: {', '.join(missing)}; set them in {path} or the environment "
            "(README, 'Connecting your sources'), or use --demo to run against the simulated sources"
        )


def _ensure_manifest() -> None:
    manifest = PROJECT_ROOT / "dbt" / "target" / "manifest.json"
    if not manifest.exists():
        print("Parsing the dbt project (first run) …")
        dbt = str(Path(sys.executable).parent / "dbt")
        res = subprocess.run(
            [
                dbt,
                "parse",
                "--project-dir",
                str(PROJECT_ROOT / "dbt"),
                "--profiles-dir",
                str(PROJECT_ROOT / "dbt"),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if res.returncode != 0:
            raise CliError(
                f"dbt parse failed: {(res.stdout + res.stderr).strip().splitlines()[-1:]}"
            )


def run_pipeline(home: Path, selection: list[str] | None = None) -> Any:
    """Materialize everything (or a selection) through Dagster, in process, with progress lines."""
    _ensure_manifest()
    _dagster_home(home)
    import dagster as dg

    from dagster_project.definitions import defs

    job = defs.resolve_job_def("materialize_all")
    run_config = {
        "loggers": {
            "console": {"config": {"log_level": "CRITICAL"}},
            "progress": {"config": {"enabled": True}},
        }
    }
    asset_selection = [dg.AssetKey.from_user_string(s) for s in selection] if selection else None
    log_path = home / "warehouse" / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # dbt's own log lines go to the run log; the progress logger writes one line per step to the terminal
    with (
        dg.DagsterInstance.get() as instance,
        log_path.open("w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
    ):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=run_config,
            asset_selection=asset_selection,
        )
    if not result.success:
        reasons = [_failure_reason(ev, log_path) for ev in result.all_events]
        found = [r for r in reasons if r]
        first = (
            explain(found[0])
            if found
            else f"see {log_path} or the Dagster UI (make dev) for details"
        )
        raise CliError(
            "the run failed and nothing was published (the previous serving file is unchanged): "
            + first
        )
    return result


def _dbt_error(log_path: Path) -> str | None:
    """The first error dbt reported in the run log, as 'model x: message'."""
    try:
        lines = [
            re.sub(r"\x1b\[[0-9;]*m", "", line).strip()
            for line in log_path.read_text(encoding="utf-8").splitlines()
        ]
    except OSError:
        return None
    for i, line in enumerate(lines):
        m = re.search(
            r"(?:Failure|Runtime Error|Compilation Error|Database Error) in (\w+ \w+)", line
        )
        if m:
            detail = next(
                (
                    x
                    for x in lines[i + 1 : i + 6]
                    if x and not x.startswith(("Failure", "Runtime", "Compilation"))
                ),
                "",
            )
            return f"dbt {m.group(1)}: {detail}".rstrip(": ")
    # an error before any model ran: the project did not parse or compile (YAML, a ref, a macro)
    for i, line in enumerate(lines):
        if line.endswith("Encountered an error:"):
            detail = " ".join(x for x in lines[i + 1 : i + 4] if x)
            return f"dbt could not load the project ({detail}); run `make check` to see where"
    return None


def _failure_reason(ev: Any, log_path: Path) -> str | None:
    from dagster_project.progress import error_line

    if (
        ev.event_type_value == "ASSET_CHECK_EVALUATION"
        and not getattr(ev.event_specific_data, "passed", True)
        # warnings report, they do not stop the run: name the check that did
        and str(getattr(ev.event_specific_data, "severity", "")).upper().endswith("ERROR")
    ):
        d: Any = ev.event_specific_data
        return f"check {d.check_name} on {d.asset_key.to_user_string()}: {(d.description or '').strip()}"
    if ev.event_type_value != "STEP_FAILURE":
        return None
    if ev.step_key == "dbt_build":
        dbt_error = _dbt_error(log_path)
        if dbt_error:
            return dbt_error
    err = getattr(ev.event_specific_data, "error", None)
    while err is not None and getattr(err, "cause", None) is not None:
        err = err.cause  # the innermost error says what actually went wrong
    return f"{ev.step_key}: {error_line(getattr(err, 'message', None))}"


def print_kpis(home: Path) -> None:
    from dagster_project.publish import read_kpis

    serving = home / "warehouse" / "serving.duckdb"
    rows = read_kpis(serving)
    print("\nHeadline KPIs (whole period, 95 % intervals)")
    labels = {
        "nps": ("NPS", "{:+.1f}", 1.0),
        "csat_top2_rate": ("CSAT top-2-box", "{:.1%}", 1.0),
        "on_time_delivery_rate": ("On-time delivery", "{:.1%}", 1.0),
        "final_inspection_defective_rate": ("Defective rate (final insp.)", "{:.2%}", 1.0),
        "complaints_per_1000_orders": ("Complaints / 1,000 orders", "{:.1f}", 1.0),
        "churn_rate_180d": ("Churn (180 days)", "{:.1%}", 1.0),
        "copq_share_of_revenue": ("COPQ share of revenue", "{:.2%}", 1.0),
    }
    for r in rows:
        name, fmt, _ = labels.get(r["kpi"], (r["kpi"], "{:.4f}", 1.0))
        value = "n/a" if r["kpi_value"] is None else fmt.format(r["kpi_value"])
        ci = (
            ""
            if r["ci_low"] is None
            else f"  [{fmt.format(r['ci_low'])}, {fmt.format(r['ci_high'])}]"
        )
        print(f"  {name:<30} {value:>9}{ci:<24} n = {int(r['n']):,}")
    print(f"\nServing file: {serving}\n  open it read-only: duckdb -readonly {serving}")


def cmd_demo(args: argparse.Namespace) -> int:
    home = _home()
    t0 = time.monotonic()
    print("1/3 Simulating the source systems")
    cmd_simulate(argparse.Namespace(scale=args.scale, seed=args.seed, out=str(_sources_dir(home))))
    print("2/3 Materializing every asset through Dagster (extract → raw → checks → dbt → publish)")
    with demo_sources(home):
        run_pipeline(home)
    print(f"3/3 Published in {time.monotonic() - t0:.0f} s")
    print_kpis(home)
    return 0


def cmd_materialize(args: argparse.Namespace) -> int:
    home = _home()
    _check_not_locked(home / "warehouse" / "cqm.duckdb")
    if args.demo:
        with demo_sources(home):
            run_pipeline(home, args.select)
    else:
        _check_sources_configured()
        run_pipeline(home, args.select)
    print(f"Done. Serving file: {home / 'warehouse' / 'serving.duckdb'}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Audit the build file again (dbt tests and every suite on marts/reporting) and publish it."""
    from dagster_project.publish import CheckRecord, publish
    from expectations.runner import run_suite, worker_pool
    from expectations.suites import SUITES

    home = _home()
    build = home / "warehouse" / "cqm.duckdb"
    if not build.exists():
        raise CliError(f"no build file at {build}: run `cqm materialize` (or `cqm demo`) first")
    _check_not_locked(build)
    os.environ["CQM_DUCKDB_PATH"] = str(build)
    dbt = str(Path(sys.executable).parent / "dbt")
    print("1/3 Running the dbt tests on the build file …", flush=True)
    res = subprocess.run(
        [
            dbt,
            "test",
            "--project-dir",
            str(PROJECT_ROOT / "dbt"),
            "--profiles-dir",
            str(PROJECT_ROOT / "dbt"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise CliError(
            f"dbt tests failed, nothing was published: {(res.stdout + res.stderr).strip().splitlines()[-1:]}"
        )
    checks = []
    print("2/3 Running the Great Expectations suites on marts and reporting", flush=True)
    suites = list(SUITES.values())
    with worker_pool():  # the suites share worker processes, stopped before publishing
        for i, suite in enumerate(suites, start=1):
            _bar(i - 1, len(suites), suite.name)
            r = run_suite(suite, db_path=build)
            checks.append(
                CheckRecord(
                    f"gx_{suite.name}",
                    suite.fq_table,
                    r.passed,
                    "critical" if not r.passed else "warning",
                    r.summary(),
                )
            )
    _bar(len(suites), len(suites), "suites done")
    print("3/3 Publishing …", flush=True)
    result = publish(
        build,
        home / "warehouse" / "serving.duckdb",
        home / "warehouse" / "parquet",
        run_id="cli-publish",
        checks=checks,
    )
    print(f"Published {len(result.row_counts)} tables to {result.serving_path}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    home = _home()
    app = PROJECT_ROOT / "dashboards" / "app.py"
    serving = home / "warehouse" / "serving.duckdb"
    if not serving.exists():
        raise CliError(f"no serving file at {serving}: run `cqm demo` or `cqm materialize` first")
    streamlit = str(Path(sys.executable).parent / "streamlit")
    return subprocess.call(
        [
            streamlit,
            "run",
            str(app),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(args.port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
    )


def cmd_dev(args: argparse.Namespace) -> int:
    home = _home()
    _ensure_manifest()
    _dagster_home(home)
    if not (_sources_dir(home) / "crm").is_dir():
        cmd_simulate(
            argparse.Namespace(scale=args.scale, seed=args.seed, out=str(_sources_dir(home)))
        )
    dagster = str(Path(sys.executable).parent / "dagster")
    with demo_sources(home):
        print(f"Dagster UI on http://127.0.0.1:{args.port} (Ctrl-C to stop)")
        return subprocess.call(
            [
                dagster,
                "dev",
                "-m",
                "dagster_project.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(args.port),
            ],
            cwd=str(PROJECT_ROOT),
        )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cqm",
        description="Customer Quality Warehouse: extract, build, check, publish.",
        epilog="Run `cqm COMMAND --help` for a command's options. Environment: CQM_HOME (where "
        "warehouse/ lives; default the project folder), CQM_CONFIG (connector settings; default "
        "cqm.yml), CQM_DEBUG=1 (show tracebacks instead of one-sentence errors). Exit status 0 on "
        "success, 1 on an expected failure (the message says what to fix), 130 when interrupted.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser(
        "demo", help="simulate the sources, materialize everything, publish, print the KPIs"
    )
    d.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size of the simulated world (1.0 ≈ 20k order lines)",
    )
    d.add_argument("--seed", type=int, default=42)
    d.set_defaults(func=cmd_demo)
    s = sub.add_parser("simulate", help="write the demo source systems only")
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--out", required=True, help="output folder")
    s.add_argument(
        "--dirty",
        default=None,
        help="dirty data: 'all' or KIND[=RATE],... with kinds duplicates, late, malformed, "
        "decimal_comma, http_errors, bom, cp1252, extra_column, missing_column (see simulator/dirty.py)",
    )
    s.set_defaults(func=cmd_simulate)
    m = sub.add_parser(
        "materialize", help="materialize every asset (or --select some) through Dagster"
    )
    m.add_argument(
        "--select", nargs="*", help="asset keys such as raw/crm_cases marts/fct_shipments"
    )
    m.add_argument(
        "--demo", action="store_true", help="read the simulated sources in warehouse/sources"
    )
    m.set_defaults(func=cmd_materialize)
    pb = sub.add_parser(
        "publish", help="re-audit the build file and publish it to warehouse/serving.duckdb"
    )
    pb.set_defaults(func=cmd_publish)
    db = sub.add_parser("dashboard", help="serve the dashboards on 127.0.0.1 from the serving file")
    db.add_argument("--port", type=int, default=8501)
    db.set_defaults(func=cmd_dashboard)
    dv = sub.add_parser(
        "dev", help="open the Dagster UI with the whole graph, against the demo sources"
    )
    dv.add_argument("--port", type=int, default=3000)
    dv.add_argument("--scale", type=float, default=1.0)
    dv.add_argument("--seed", type=int, default=42)
    dv.set_defaults(func=cmd_dev)
    from dagster_project.bench.run import add_parser as add_bench_parser

    add_bench_parser(sub)
    return p


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except CliError as exc:
        print(f"cqm: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        if os.environ.get("CQM_DEBUG"):
            raise
        text = str(exc).strip().splitlines()
        explained = explain(str(exc))
        if explained != (text[0].rstrip(". ") if text else str(exc)):
            print(f"cqm: {explained}", file=sys.stderr)
        else:
            print(
                f"cqm: {exc.__class__.__name__}: {text[0] if text else ''} (set CQM_DEBUG=1 for the traceback)",
                file=sys.stderr,
            )
        code = 1
    # the interpreter's last garbage collection walks every object Dagster, dbt and Great Expectations left behind:
    # 1.4-1.6 s at the end of each command (docs/benchmarks.md). Frozen, they are left for the exit to free. atexit
    # handlers still run; what the command wrote is committed and closed by then
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    main()
