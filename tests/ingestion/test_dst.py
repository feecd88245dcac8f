"""Carrier timestamps across the daylight-saving changes: events re-timed into the changeover nights
(the repeated autumn hour included) land and convert to the right UTC instant, none lost or doubled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

from ingestion.logistics.extract import extract as extract_logistics
from simulator.dirty import Dirty
from simulator.writers import simulate

ROOT = Path(__file__).resolve().parents[2]


def test_events_across_dst_changes_convert_to_the_true_utc_instant(tmp_path: Path) -> None:
    out = tmp_path / "src"
    simulate(out, 0.2, 11, dirty=Dirty(dst=1.0))
    truth = pl.read_csv(out / "dst_events.csv", infer_schema=False)
    codes = set(truth["written_as"].str.slice(12).to_list())
    assert {"ED", "ES"} <= codes, "both sides of a change are planted"
    assert truth.height >= 40
    repeated_hour = truth.filter(
        (truth["written_as"].str.slice(4, 2) == "11")
        & (truth["written_as"].str.slice(8, 2) == "01")
    )
    kinds = set(repeated_hour["written_as"].str.slice(13).to_list())
    assert kinds == {"D", "S"}, "the repeated autumn hour holds daylight and standard events"
    db = tmp_path / "b.duckdb"
    with duckdb.connect(str(db)) as conn:
        extract_logistics(conn, out / "logistics" / "inbox")
    env = {**os.environ, "CQM_DUCKDB_PATH": str(db)}
    dbt = str(Path(sys.executable).parent / "dbt")
    args = ["--project-dir", str(ROOT / "dbt"), "--profiles-dir", str(ROOT / "dbt"), "--quiet"]
    subprocess.run([dbt, "seed", "--select", "seed_edi_time_codes", *args], env=env, check=True)
    subprocess.run(
        [dbt, "run", "--select", "stg_logistics__tracking_events", *args], env=env, check=True
    )
    with duckdb.connect(str(db), read_only=True) as conn:
        conn.execute("set timezone = 'UTC'")
        got = conn.execute(
            """select tracking_number, status_code, city, strftime(event_at, '%Y-%m-%dT%H:%M:00Z')
               from staging.stg_logistics__tracking_events"""
        ).fetchall()
    landed = {(p, s, c): t for p, s, c, t in got}
    want = {(r[0], r[1], r[2]): r[4] for r in truth.iter_rows()}
    assert {k: landed.get(k) for k in want} == want, "every re-timed event at its true UTC instant"
    assert len(got) == len(set(got)), "no event doubled"
