"""The validation report of the latest run: one self-contained HTML page (no CDN, no scripts).

Each suite result of a run is kept as JSON beside the report; every new result re-renders the page,
so the report is complete even when a failed check stops the run before publish. A result from a
new run starts a fresh report.
"""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from expectations.runner import SuiteResult

REPORT_NAME = "validation_report.html"
STATE_NAME = ".validation_latest_run.json"

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#1d1d1f}
h1{font-size:1.5em;margin:0 0 .2em} h2{font-size:1.1em;margin:1.6em 0 .4em}
table{border-collapse:collapse;width:100%;margin:.3em 0 1em} th,td{border:1px solid #d0d0d5;padding:4px 8px;
text-align:left;vertical-align:top} th{background:#f2f2f5} td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#137333;font-weight:600} .fail{color:#b3261e;font-weight:600} .warn{color:#8a5a00;font-weight:600}
.muted{color:#666} code{font-size:.92em}
"""


def _status(success: bool, severity: str) -> tuple[str, str]:
    if success:
        return "pass", "pass"
    return ("fail", "FAIL (blocks)") if severity == "critical" else ("warn", "warn")


def result_record(result: SuiteResult) -> dict[str, Any]:
    return {
        "suite": result.suite,
        "table": result.table,
        "rows": result.rows,
        "rows_validated": result.rows_validated,
        "validated_since": result.validated_since,
        "passed": result.passed,
        "summary": result.summary(),
        "outcomes": [o.as_dict() for o in result.outcomes],
    }


def _load_state(warehouse_dir: Path, run_id: str) -> dict[str, Any]:
    state_path = warehouse_dir / STATE_NAME
    state: dict[str, Any] = {}
    if state_path.exists():
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
    if state.get("run_id") != run_id:
        state = {"run_id": run_id, "started_at": datetime.now(UTC).isoformat(), "suites": {}}
    state.setdefault("suites", {})
    return state


def _save_state(warehouse_dir: Path, state: dict[str, Any]) -> Path:
    state["updated_at"] = datetime.now(UTC).isoformat()
    _write(warehouse_dir / STATE_NAME, json.dumps(state, indent=1, sort_keys=True, default=str))
    report = warehouse_dir / REPORT_NAME
    _write(report, render(state))
    return report


def record_result(warehouse_dir: Path, run_id: str, result: SuiteResult) -> Path:
    """Add a suite result to the latest run's state and re-render the report. Returns its path."""
    return record_results(warehouse_dir, run_id, [result])


def record_results(warehouse_dir: Path, run_id: str, results: list[SuiteResult]) -> Path:
    """Add suite results to the latest run's state and re-render the report once. Returns its path."""
    state = _load_state(warehouse_dir, run_id)
    for result in results:
        state["suites"][result.suite] = result_record(result)
    return _save_state(warehouse_dir, state)


def record_dbt_tests(warehouse_dir: Path, run_id: str, tests: list[dict[str, Any]]) -> Path:
    """Add the dbt tests of a run (check, asset, passed, severity, failed_rows) to the report."""
    state = _load_state(warehouse_dir, run_id)
    state["dbt_tests"] = sorted(tests, key=lambda t: (bool(t["passed"]), t["asset"], t["check"]))
    return _save_state(warehouse_dir, state)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def render(state: dict[str, Any]) -> str:
    e = html.escape
    suites = [state["suites"][k] for k in sorted(state.get("suites", {}))]
    failed = [s for s in suites if not s["passed"]]
    n_exp = sum(len(s["outcomes"]) for s in suites)
    n_fail = sum(1 for s in suites for o in s["outcomes"] if not o["success"])
    verdict = (
        '<span class="pass">every blocking expectation passed</span>'
        if not failed
        else f'<span class="fail">{len(failed)} suite(s) failed a blocking expectation: nothing was published</span>'
    )
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Validation report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Validation report of the latest run</h1>",
        f"<p class='muted'>run {e(str(state.get('run_id', '')))} · started {e(str(state.get('started_at', '')))} · "
        f"updated {e(str(state.get('updated_at', '')))}</p>",
        f"<p>{len(suites)} suites, {n_exp} expectations, {n_fail} not met: {verdict}.</p>",
        "<table><tr><th>suite</th><th>table</th><th class='n'>rows</th><th>result</th><th>summary</th></tr>",
    ]
    for s in suites:
        cls, label = ("pass", "pass") if s["passed"] else ("fail", "FAIL")
        warns = sum(1 for o in s["outcomes"] if not o["success"] and o["severity"] != "critical")
        if s["passed"] and warns:
            cls, label = "warn", f"pass, {warns} warning(s)"
        out.append(
            f"<tr><td><a href='#{e(s['suite'])}'>{e(s['suite'])}</a></td><td>{e(s['table'])}</td>"
            f"<td class='n'>{s['rows']:,}</td><td class='{cls}'>{e(label)}</td><td>{e(s['summary'])}</td></tr>"
        )
    out.append("</table>")
    from expectations.suites import SUITE_NAMES

    not_run = [n for n in SUITE_NAMES if n not in state.get("suites", {})]
    if not_run:
        out.append(
            "<p class='warn'>Not run in this run (not selected, or skipped after an upstream failure): "
            + ", ".join(e(n) for n in not_run)
            + ".</p>"
        )
    out += _render_dbt_tests(state.get("dbt_tests"))
    for s in suites:
        out += [
            f"<h2 id='{e(s['suite'])}'>{e(s['suite'])} <span class='muted'>on {e(s['table'])}, {s['rows']:,} rows</span></h2>",
            "<table><tr><th>expectation</th><th>column</th><th>severity</th><th>result</th>"
            "<th class='n'>checked</th><th class='n'>unexpected</th><th class='n'>%</th><th>observed / sample</th></tr>",
        ]
        for o in s["outcomes"]:
            cls, label = _status(o["success"], o["severity"])
            detail = "; ".join(str(x) for x in o["sample"][:3]) or (o["observed"] or "")
            out.append(
                f"<tr><td><code>{e(o['expectation'])}</code></td><td>{e(o['column'] or '')}</td>"
                f"<td>{'error' if o['severity'] == 'critical' else 'warn'}</td><td class='{cls}'>{label}</td>"
                f"<td class='n'>{o['element_count']:,}</td><td class='n'>{o['unexpected_count']:,}</td>"
                f"<td class='n'>{o['unexpected_percent']:.2f}</td><td>{e(str(detail))}</td></tr>"
            )
        out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _render_dbt_tests(tests: list[dict[str, Any]] | None) -> list[str]:
    """dbt data tests, unit tests and contracts of the run: failures first, passes folded away."""
    e = html.escape
    if tests is None:
        return [
            "<h2 id='dbt-tests'>dbt tests</h2>",
            "<p class='warn'>dbt did not report tests in this run (not selected, or the run stopped before "
            "dbt).</p>",
        ]
    failed = [t for t in tests if not t["passed"]]
    blocking = [t for t in failed if t["severity"] == "critical"]
    verdict = (
        "<span class='pass'>all passed</span>"
        if not failed
        else f"<span class='fail'>{len(blocking)} blocking and {len(failed) - len(blocking)} warning "
        "failure(s)</span>"
    )
    out = [
        "<h2 id='dbt-tests'>dbt tests</h2>",
        f"<p>{len(tests)} dbt tests (keys, relationships, accepted values, formula checks) ran as asset "
        f"checks: {verdict}. They are also in meta.check_results of the serving file.</p>",
    ]

    def table(rows: list[dict[str, Any]]) -> list[str]:
        t = [
            "<table><tr><th>test</th><th>model</th><th>severity</th><th>result</th>"
            "<th class='n'>failing rows</th></tr>"
        ]
        for r in rows:
            cls, label = _status(bool(r["passed"]), r["severity"])
            n = r.get("failed_rows")
            t.append(
                f"<tr><td><code>{e(r['check'])}</code></td><td>{e(r['asset'])}</td>"
                f"<td>{'error' if r['severity'] == 'critical' else 'warn'}</td>"
                f"<td class='{cls}'>{label}</td><td class='n'>{'' if n is None else f'{n:,}'}</td></tr>"
            )
        t.append("</table>")
        return t

    if failed:
        out += table(failed)
    passed = [t for t in tests if t["passed"]]
    if passed:
        out += [f"<details><summary>{len(passed)} passed</summary>", *table(passed), "</details>"]
    return out
