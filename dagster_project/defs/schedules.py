"""Jobs and schedules."""

from __future__ import annotations

import dagster as dg

materialize_all = dg.define_asset_job(
    "materialize_all",
    selection=dg.AssetSelection.all(),
    description="Extract every source, build the star and the KPIs, run every check, publish.",
)

daily = dg.ScheduleDefinition(
    name="daily_full_refresh",
    job=materialize_all,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

JOBS = [materialize_all]
SCHEDULES = [daily]
