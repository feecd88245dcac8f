"""Metrics defined once: MetricFlow's `mf query` on the read-only serving target equals the reporting marts."""

from __future__ import annotations

import csv
import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt"
MF = str(Path(sys.executable).parent / "mf")

HEADLINE = [
    "nps",
    "csat_top2_rate",
    "on_time_delivery_rate",
    "final_inspection_defective_rate",
    "complaints_per_1000_orders",
    "churn_rate_180d",
    "copq_share_of_revenue",
]


def _mf_query(home: Path, tmp_path: Path, *args: str) -> list[dict[str, str]]:
    """Run the `mf query` a user runs (README, "Metrics defined once") and read its CSV output."""
    out = tmp_path / f"mf_{hashlib.sha1(' '.join(args).encode()).hexdigest()[:8]}.csv"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(DBT_DIR),
        "CQM_DBT_TARGET": "serving",
        "CQM_SERVING_PATH": str(home / "warehouse" / "serving.duckdb"),
    }
    proc = subprocess.run(
        [MF, "query", *args, "--csv", str(out), "--quiet"],
        cwd=DBT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with out.open(newline="") as f:
        return list(csv.DictReader(f))


def _serving_rows(home: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True) as conn:
        cur = conn.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _num(v: str) -> float | None:
    return None if v in ("", "None", "NULL") else float(v)


def test_headline_metrics_equal_kpi_summary(pipeline_home: Path, tmp_path: Path) -> None:
    serving = pipeline_home / "warehouse" / "serving.duckdb"
    before = hashlib.sha256(serving.read_bytes()).hexdigest()

    # a BI reader holding the file open read-only does not stop the metric query
    with duckdb.connect(str(serving), read_only=True):
        rows = _mf_query(pipeline_home, tmp_path, "--metrics", ",".join(HEADLINE))
    assert len(rows) == 1
    metrics = {k.lower(): _num(v) for k, v in rows[0].items()}

    marts = {
        r["kpi"]: r["kpi_value"]
        for r in _serving_rows(pipeline_home, "select kpi, kpi_value from reporting.kpi_summary")
    }
    assert set(marts) == set(HEADLINE), "kpi_summary and the MetricFlow metrics list different KPIs"
    for kpi in HEADLINE:
        assert marts[kpi] is not None, kpi
        assert _close(metrics[kpi], marts[kpi]), (kpi, metrics[kpi], marts[kpi])

    # the query target is read-only: the published file is byte-identical afterwards
    assert hashlib.sha256(serving.read_bytes()).hexdigest() == before


def test_monthly_nps_and_csat_equal_customer_satisfaction_monthly(
    pipeline_home: Path, tmp_path: Path
) -> None:
    rows = _mf_query(
        pipeline_home,
        tmp_path,
        "--metrics",
        "nps,csat_top2_rate",
        "--group-by",
        "metric_time__month,survey_response__survey_type",
    )
    marts = {
        (str(r["month_start"]), r["survey_type"]): r
        for r in _serving_rows(
            pipeline_home,
            "select month_start, survey_type, nps, csat_top2_rate "
            "from reporting.customer_satisfaction_monthly where segment = 'All'",
        )
    }
    assert rows, "mf returned no monthly rows"
    seen = set()
    for r in rows:
        r = {k.lower(): v for k, v in r.items()}
        key = (r["metric_time__month"][:10], r["survey_response__survey_type"])
        seen.add(key)
        assert key in marts, key
        assert _close(_num(r["nps"]), marts[key]["nps"]), (key, r["nps"], marts[key]["nps"])
        assert _close(_num(r["csat_top2_rate"]), marts[key]["csat_top2_rate"]), key
    assert seen == set(marts), "months or survey types differ between MetricFlow and the mart"


@pytest.mark.parametrize("metric", HEADLINE)
def test_every_headline_metric_is_described(metric: str) -> None:
    import yaml

    spec = yaml.safe_load((DBT_DIR / "models" / "semantic" / "metrics.yml").read_text())
    by_name = {m["name"]: m for m in spec["metrics"]}
    assert metric in by_name
    assert by_name[metric].get("description"), metric
