"""Dagster's event log through the pooled SQLite storage: selected by the generated dagster.yaml, same files as
Dagster's own storage (so the Dagster UI reads the history), and a dagster.yaml a user edited is left alone."""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project.cli import _DAGSTER_YAML_BASE, _dagster_home, dagster_yaml
from dagster_project.storage import PooledSqliteEventLogStorage


def _materialization(run_id: str, i: int) -> EventLogEntry:
    event = DagsterEvent(
        event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
        job_name="job",
        event_specific_data=StepMaterializationData(
            dg.AssetMaterialization(asset_key=dg.AssetKey(["marts", f"t{i}"]))
        ),
    )
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        dagster_event=event,
        step_key="step",
    )


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    d = _dagster_home(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(d))
    return d


def test_the_generated_instance_uses_the_pooled_storage(dagster_home: Path) -> None:
    assert (dagster_home / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(dagster_home)
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        for i in range(20):
            storage.store_event(_materialization("run-1", i))
        assert len(storage.get_logs_for_run("run-1")) == 20
        latest = instance.get_latest_materialization_event(dg.AssetKey(["marts", "t3"]))
        assert latest is not None and latest.run_id == "run-1"
    # Dagster's own storage (what any other tool would open) reads the same files
    plain = SqliteEventLogStorage(str(dagster_home / "history" / "runs"))
    assert len(plain.get_logs_for_run("run-1")) == 20
    plain.dispose()


def test_an_instance_opened_by_folder_reads_that_folder_whatever_dagster_home_says(
    dagster_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        instance.event_log_storage.store_event(_materialization("run-2", 0))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert len(instance.event_log_storage.get_logs_for_run("run-2")) == 1


def test_a_copied_home_gets_its_own_event_log(
    dagster_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(dagster_home.parent.parent, copy)
    d = _dagster_home(copy)
    assert (d / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(d)
    assert str(copy) in (d / "dagster.yaml").read_text(encoding="utf-8")


def test_an_earlier_generated_yaml_is_upgraded_and_an_edited_one_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # _dagster_home sets it; restored afterwards
    earlier = tmp_path / "a"
    (earlier / "warehouse" / "dagster").mkdir(parents=True)
    (earlier / "warehouse" / "dagster" / "dagster.yaml").write_text(
        _DAGSTER_YAML_BASE, encoding="utf-8"
    )
    d = _dagster_home(earlier)
    assert (d / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(d)
    edited = tmp_path / "b"
    (edited / "warehouse" / "dagster").mkdir(parents=True)
    mine = _DAGSTER_YAML_BASE + "run_monitoring:\n  enabled: true\n"
    (edited / "warehouse" / "dagster" / "dagster.yaml").write_text(mine, encoding="utf-8")
    assert (_dagster_home(edited) / "dagster.yaml").read_text(encoding="utf-8") == mine


def test_the_table_lookup_answers_as_dagsters_own_also_after_a_wipe(dagster_home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        plain = SqliteEventLogStorage(str(dagster_home / "history" / "runs"))
        tables = ("asset_check_executions", "asset_event_tags", "no_such_table")
        for _ in range(2):  # the second time from the kept answers
            assert [storage.has_table(t) for t in tables] == [plain.has_table(t) for t in tables]
        assert storage.has_table("asset_check_executions")
        storage.wipe()  # empties the index shard's tables, keeps them
        assert [storage.has_table(t) for t in tables] == [plain.has_table(t) for t in tables]
        plain.dispose()
