"""dbt builds in UTC on DuckDB whatever the machine's time zone: a surrogate key or a date made from a timestamptz
follows the session's zone, which DuckDB takes from the machine (TZ) unless the profile sets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.dbt.helpers import dbt_show

ZONE = "America/New_York"


def test_the_duckdb_profile_pins_utc_whatever_the_machines_zone(tmp_path: Path) -> None:
    env = {**os.environ, "TZ": ZONE, "CQM_DUCKDB_PATH": str(tmp_path / "tz.duckdb")}
    # the premise: left alone, DuckDB takes the machine's zone
    premise = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb; print(duckdb.sql(\"select current_setting('TimeZone')\").fetchone()[0])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert premise.stdout.strip() == ZONE
    sql = (
        "select current_setting('TimeZone') as zone, "
        "cast(cast(timestamptz '2024-03-11 02:30:00+00' as date) as varchar) as day"
    )
    shown = dbt_show(sql, tmp_path, {"TZ": ZONE})
    assert '"zone": "UTC"' in shown
    # 02:30 UTC on the 11th is 22:30 on the 10th in New York
    assert '"day": "2024-03-11"' in shown
