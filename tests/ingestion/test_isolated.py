"""A source's extraction runs in a child process (ingestion/common/isolated.py): it lands in the build file, its
result and its errors come back as they were, and the process it ran in is gone when it returns."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.common.contract import ContractError
from ingestion.common.isolated import (
    Extraction,
    ExtractionCrashed,
    land_in_child,
    land_sources_in_child,
)
from ingestion.common.landing import LoadResult


def land_rows(conn: duckdb.DuckDBPyConnection, n: int) -> dict[str, LoadResult]:
    """An extract function: lands n rows and reports the process it ran in."""
    conn.execute("create schema if not exists raw")
    conn.execute("create or replace table raw.t as select range as i from range(?)", [n])
    return {"t": LoadResult("t", rows_read=n, rows_landed=n, files=[str(os.getpid())])}


def spin(conn: duckdb.DuckDBPyConnection, seconds: float) -> dict[str, LoadResult]:
    """An extract function that only uses CPU."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return {}


def die(conn: duckdb.DuckDBPyConnection, how: str) -> dict[str, LoadResult]:
    """An extract function whose process ends without an exception: killed, or exiting."""
    conn.execute("create schema if not exists raw")
    conn.execute("create or replace table raw.t as select 1 as i")
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(3)


def refuse(conn: duckdb.DuckDBPyConnection, message: str) -> dict[str, LoadResult]:
    raise ContractError(message)


class Unpicklable(Exception):
    """An error holding something that cannot cross a process boundary."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()


def refuse_unpicklably(conn: duckdb.DuckDBPyConnection, message: str) -> dict[str, LoadResult]:
    raise Unpicklable(message)


def test_the_child_lands_in_the_build_file_and_returns_its_result(tmp_path: Path) -> None:
    db = tmp_path / "cqm.duckdb"
    results = land_in_child(f"{__name__}:land_rows", db, 1234)
    assert results["t"].rows_landed == 1234
    child = int(results["t"].files[0])
    assert child != os.getpid()
    with pytest.raises(ProcessLookupError):  # the child has exited, and with it the memory it used
        os.kill(child, 0)
    # the child closed the file: this process can open it for writing
    with duckdb.connect(str(db)) as conn:
        assert conn.execute("select count(*) from raw.t").fetchone() == (1234,)


def test_the_childs_error_is_raised_here_with_its_message(tmp_path: Path) -> None:
    message = "surveys: post_delivery.csv row 7: column nps_score missing"
    with pytest.raises(ContractError, match=message) as raised:
        land_in_child(f"{__name__}:refuse", tmp_path / "cqm.duckdb", message)
    # where it was raised, for a traceback (CQM_DEBUG=1, the Dagster UI)
    assert any("in refuse" in note for note in getattr(raised.value, "__notes__", []))


def test_an_error_that_cannot_cross_comes_back_as_its_message(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"^Unpicklable: carrier file 7 is not UTF-8$"):
        land_in_child(
            f"{__name__}:refuse_unpicklably", tmp_path / "cqm.duckdb", "carrier file 7 is not UTF-8"
        )


def test_the_childs_cpu_time_is_counted_as_this_processs_childrens(tmp_path: Path) -> None:
    """The bench counts a pipeline's CPU seconds from its children's times: a child that is not this process's
    own (e.g. forked by a fork server) would escape it."""
    before = os.times()
    land_in_child(f"{__name__}:spin", tmp_path / "cqm.duckdb", 0.5)
    after = os.times()
    used = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    assert used >= 0.5


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("kill", r"was killed by signal 9 \(SIGKILL\), as the kernel does when memory runs out"),
        ("exit", "exited with code 3 without a result"),
    ],
)
def test_a_child_that_dies_is_one_sentence_naming_how(tmp_path: Path, how: str, said: str) -> None:
    """Killed by the out-of-memory killer, say: the error names what ended and how, not the pool's
    "terminated abruptly"; the build file is not left locked."""
    db = tmp_path / "cqm.duckdb"
    with pytest.raises(ExtractionCrashed, match=f"^{__name__}: the extraction process {said};"):
        land_in_child(f"{__name__}:die", db, how)
    with duckdb.connect(str(db)) as conn:
        conn.execute("select 1")


def land_slowly(
    conn: duckdb.DuckDBPyConnection, table: str, seconds: float
) -> dict[str, LoadResult]:
    """An extract function that lands one table over `seconds`, and reports when and where it ran."""
    start = time.time()
    conn.execute(f"create or replace table raw.{table} as select range as i from range(10)")
    time.sleep(seconds)
    conn.execute(f"insert into raw.{table} select range from range(10, 20)")
    where = f"{os.getpid()} {start} {time.time()}"
    return {table: LoadResult(table, rows_read=20, rows_landed=20, files=[where])}


def test_sources_land_side_by_side_in_one_child_and_a_failure_stops_only_its_own(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cqm.duckdb"
    landed = land_sources_in_child(
        [
            Extraction("a", f"{__name__}:land_slowly", ("a_rows", 1.0)),
            Extraction("b", f"{__name__}:refuse", ("b: file x.csv row 3: bad date",)),
            Extraction("c", f"{__name__}:land_slowly", ("c_rows", 1.0)),
        ],
        db,
    )
    assert list(landed) == ["a", "b", "c"]
    assert isinstance(landed["b"].error, ContractError)
    assert str(landed["b"].error) == "b: file x.csv row 3: bad date"
    assert landed["b"].results == {}
    runs = [landed[s].results[f"{s}_rows"].files[0].split() for s in ("a", "c")]
    assert runs[0][0] == runs[1][0] != str(os.getpid())  # one child process for both
    starts, ends = [float(r[1]) for r in runs], [float(r[2]) for r in runs]
    assert max(starts) < min(ends)  # at the same time, not one after the other
    assert all(landed[s].seconds >= 1.0 for s in ("a", "c"))
    with duckdb.connect(str(db)) as conn:
        assert conn.execute("select count(*) from raw.a_rows").fetchone() == (20,)
        assert conn.execute("select count(*) from raw.c_rows").fetchone() == (20,)


def test_a_child_that_dies_names_every_source_it_ran(tmp_path: Path) -> None:
    with pytest.raises(
        ExtractionCrashed, match=r"^a, b: the extraction process was killed by signal 9"
    ):
        land_sources_in_child(
            [
                Extraction("a", f"{__name__}:land_slowly", ("a_rows", 5.0)),
                Extraction("b", f"{__name__}:die", ("kill",)),
            ],
            tmp_path / "cqm.duckdb",
        )


def test_the_crash_message_names_the_source_of_an_ingestion_module() -> None:
    from ingestion.common.isolated import _crash_message

    assert _crash_message("ingestion.logistics.extract:extract", -9).startswith(
        "logistics: the extraction process was killed by signal 9 (SIGKILL)"
    )
    assert "ended without a result" in _crash_message("ingestion.erp.extract:extract", None)


def _resources(tmp_path: Path, inbox: Path) -> dict[str, object]:
    """Every source's resource, the logistics inbox real and the others never read (not selected)."""
    from dagster_project.resources import (
        CrmSource,
        ErpSource,
        FolderSource,
        WarehouseResource,
    )

    return {
        "warehouse": WarehouseResource(home=str(tmp_path / "home")),
        "crm": CrmSource(base_url="http://127.0.0.1:1", token="t"),
        "erp": ErpSource(url=f"sqlite:///{tmp_path / 'no-erp.sqlite'}"),
        "logistics_inbox": FolderSource(path=str(inbox)),
        "survey_exports": FolderSource(path=str(tmp_path / "no-surveys")),
    }


def test_a_killed_extraction_fails_its_step_once_with_that_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In Dagster the sentence is the step's failure, and the step is not retried at once (the retry policy is
    for a source that did not answer; a process killed for memory would be killed again)."""
    import dagster as dg

    from dagster_project.defs import ingestion as wiring
    from ingestion.common.isolated import _crash_sentence

    ran: list[str] = []

    def killed(jobs: list[Extraction], build_path: object) -> dict[str, object]:
        ran.extend(j.source for j in jobs)
        raise ExtractionCrashed(_crash_sentence(", ".join(ran), -signal.SIGKILL))

    monkeypatch.setattr(wiring, "land_sources_in_child", killed)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    result = dg.materialize(
        wiring.ASSETS,
        selection=dg.AssetSelection.groups("raw_logistics"),
        resources=_resources(tmp_path, inbox),
        raise_on_error=False,
    )
    assert not result.success
    assert ran == ["logistics"]  # a selection of one source's tables extracts that source only
    kinds = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in kinds
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert len(failures) == 1
    message = failures[0].step_failure_data.error.message  # type: ignore[union-attr]
    assert "logistics: the extraction process was killed by signal 9 (SIGKILL)" in message


def test_a_selection_lands_and_records_only_the_selected_tables(
    tmp_path: Path, tiny_sources: Path
) -> None:
    """Selecting some raw tables of a source reads only their streams, and only they are recorded."""
    import dagster as dg

    from dagster_project.defs import ingestion as wiring
    from dagster_project.resources import CrmSource, ErpSource

    resources = _resources(tmp_path, tmp_path / "no-inbox")
    resources["crm"] = CrmSource(kind="files", path=str(tiny_sources / "crm"))
    resources["erp"] = ErpSource(url=f"sqlite:///{tiny_sources / 'erp' / 'erp.sqlite'}")
    result = dg.materialize(
        wiring.ASSETS,
        selection=[dg.AssetKey(["raw", "erp_mara"]), dg.AssetKey(["raw", "crm_accounts"])],
        resources=resources,
    )
    assert result.success
    recorded = {
        m.asset_key.path[-1] for m in result.asset_materializations_for_node("extract_sources")
    }
    assert recorded == {"erp_mara", "crm_accounts"}
    db = tmp_path / "home" / "warehouse" / "cqm.duckdb"
    with duckdb.connect(str(db), read_only=True) as conn:
        tables = {
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'raw' and table_name not like '\\_%' escape '\\'"
            ).fetchall()
        }
        assert tables == {"erp_mara", "crm_accounts"}
        assert conn.execute("select count(*) from raw.erp_mara").fetchone()[0] > 0  # type: ignore[index]
