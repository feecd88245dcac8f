"""The Dagster code location: every asset, check, job and schedule of the warehouse."""

from __future__ import annotations

import dagster as dg

from dagster_project.defs import ingestion, publish, quality, schedules, sensors, transform
from dagster_project.progress import progress_logger
from dagster_project.resources import default_resources

defs = dg.Definitions(
    assets=[*ingestion.ASSETS, *transform.ASSETS, *publish.ASSETS],
    asset_checks=quality.CHECKS,
    jobs=[*schedules.JOBS, *sensors.JOBS],
    schedules=schedules.SCHEDULES,
    sensors=sensors.SENSORS,
    resources=default_resources(),
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    # one process, steps in order: the build file has a single writer and no per-step process cost
    executor=dg.in_process_executor,
)
