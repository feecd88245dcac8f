"""The file sensor asks for an ingestion run when carrier files or survey exports land or change,
and stays quiet otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.defs.sensors import new_files_sensor
from dagster_project.resources import FolderSource


def _tick(inbox: Path, exports: Path, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    ctx = dg.build_sensor_context(
        cursor=cursor,
        resources={
            "logistics_inbox": FolderSource(path=str(inbox)),
            "survey_exports": FolderSource(path=str(exports)),
        },
    )
    return new_files_sensor(ctx)  # type: ignore[no-any-return]


def test_sensor_fires_on_new_and_changed_files_only(tmp_path: Path) -> None:
    inbox, exports = tmp_path / "inbox", tmp_path / "exports"
    inbox.mkdir()
    exports.mkdir()
    assert isinstance(_tick(inbox, exports, None), dg.SkipReason)
    (inbox / "ODFL_202501.csv").write_text("a\n")
    first = _tick(inbox, exports, None)
    assert isinstance(first, dg.SensorResult) and first.run_requests
    assert first.run_requests[0].tags["cqm/new_logistics_files"] == "1"
    assert isinstance(_tick(inbox, exports, first.cursor), dg.SkipReason)
    (exports / "post_delivery.csv").write_text("b\n")
    second = _tick(inbox, exports, first.cursor)
    assert isinstance(second, dg.SensorResult)
    assert second.run_requests[0].tags["cqm/new_surveys_files"] == "1"
    assert second.run_requests[0].run_key != first.run_requests[0].run_key
    # a re-delivered (changed) export fires again
    os.utime(exports / "post_delivery.csv", ns=(1, 1))
    assert isinstance(_tick(inbox, exports, second.cursor), dg.SensorResult)


def test_survey_api_has_no_folder_to_watch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_project.resources import SurveySource

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.chdir(tmp_path)  # an empty path must not mean "the working directory"
    (tmp_path / "stray.csv").write_text("x\n")
    ctx = dg.build_sensor_context(
        resources={
            "logistics_inbox": FolderSource(path=str(inbox)),
            "survey_exports": SurveySource(kind="rest", base_url="http://127.0.0.1:1", token="t"),
        },
    )
    assert isinstance(new_files_sensor(ctx), dg.SkipReason)


def test_daily_schedule_runs_everything_and_extracts_retry_with_backoff() -> None:
    from dagster_project.definitions import defs
    from dagster_project.defs.ingestion import ASSETS

    schedule = defs.get_schedule_def("daily_full_refresh")
    assert schedule.cron_schedule == "0 5 * * *"
    assert schedule.job_name == "materialize_all"
    for asset in ASSETS:
        policy = asset.op.retry_policy
        assert policy is not None and policy.max_retries >= 1, asset.op.name
        assert policy.backoff == dg.Backoff.EXPONENTIAL
