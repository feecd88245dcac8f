"""dim_customer is type 2 across loads: the snapshot of the CRM account and the segment field history, merged.

Build once on the demo sources; then land a second load as the CRM would deliver it: a tier change, two segment
changes made between the loads (the account record shows only the last, the field history dates both), a change
of an untracked field, and a segment change with no field history (history tracking off); snapshot and build again.
Each change must open exactly the versions it implies, dated when it happened, keep every earlier version's key,
and the facts must take the version valid at their own date. A third run with nothing new changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tests.dbt.helpers import land_raw, run_dbt

LOAD_2_AT = datetime(2026, 10, 20, tzinfo=UTC)
TIER_AT = datetime(2025, 10, 1, 9, tzinfo=UTC)
SEGMENT_1_AT = datetime(2025, 11, 3, 10, tzinfo=UTC)
SEGMENT_2_AT = datetime(2026, 2, 16, 14, tzinfo=UTC)
NAME_AT = datetime(2025, 12, 1, 9, tzinfo=UTC)
UNTRACKED_SEGMENT_AT = datetime(2026, 1, 12, 9, tzinfo=UTC)
OTHER = {"Enterprise": "SMB", "Mid-market": "Enterprise", "SMB": "Mid-market"}

Version = tuple[
    str, str, str, str, datetime, datetime
]  # key, segment, tier, region, valid_from, valid_to


def _versions(conn: duckdb.DuckDBPyConnection, account_id: str) -> list[Version]:
    return [
        (r[0], r[1], r[2], r[3], r[4], r[5])
        for r in conn.execute(
            "select customer_key, segment, tier, region, valid_from, valid_to from marts.dim_customer "
            "where account_id = ? order by valid_from",
            [account_id],
        ).fetchall()
    ]


def _pick_accounts(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, str]]:
    """Five accounts without field history, last modified before the changes, that order after them."""
    rows = conn.execute(
        """select a.account_id, a.segment, a.tier
           from staging.stg_crm__accounts as a
           where a.account_id not in (select account_id from staging.stg_crm__account_history)
             and a.modified_at < ?
             and (select count(*) from marts.fct_order_lines as f
                  join marts.dim_customer as d using (customer_key)
                  where d.account_id = a.account_id and f.order_date >= ?) >= 2
             and (select count(*) from marts.fct_order_lines as f
                  join marts.dim_customer as d using (customer_key)
                  where d.account_id = a.account_id and f.order_date < ?) >= 2
           order by a.account_id
           limit 5""",
        [TIER_AT, TIER_AT.date(), TIER_AT.date()],
    ).fetchall()
    assert len(rows) == 5, "the demo data has too few long-lived accounts for this test"
    return dict(
        zip(["tier", "two_segments", "name", "untracked_segment", "unchanged"], rows, strict=True)
    )


def _land_second_load(
    conn: duckdb.DuckDBPyConnection, picked: dict[str, tuple[str, str, str]]
) -> None:
    batch = "'load-2' as _batch_id, $load::timestamptz as _loaded_at, _record_hash || $tag as _record_hash"

    def account_version(account_id: str, at: datetime, tag: str, change: str) -> None:
        conn.execute(
            f"""insert into raw.crm_accounts select * replace (
                    {change}, $at::timestamptz as last_modified_date, $at::timestamptz as system_modstamp, {batch})
                from raw.crm_accounts where id = $id
                qualify row_number() over (order by system_modstamp desc) = 1""",
            {"id": account_id, "at": at, "load": LOAD_2_AT, "tag": tag},
        )

    def segment_history(account_id: str, old: str, new: str, at: datetime, tag: str) -> None:
        conn.execute(
            """insert into raw.crm_account_history select
                    'HIST-' || $tag, $id, 'Segment__c', $old, $new, $at::timestamptz, 'hist-' || $tag, 'crm',
                    'load-2', 1, null, 'load-2', $load::timestamptz""",
            {"id": account_id, "old": old, "new": new, "at": at, "tag": tag, "load": LOAD_2_AT},
        )

    acc, _, tier = picked["tier"]
    new_tier = "Strategic" if tier != "Strategic" else "Standard"
    account_version(acc, TIER_AT, "-tier", f"'{new_tier}' as tier_c")

    acc, seg, _ = picked["two_segments"]
    mid, last = OTHER[seg], OTHER[OTHER[seg]]
    segment_history(acc, seg, mid, SEGMENT_1_AT, "seg-1")
    segment_history(acc, mid, last, SEGMENT_2_AT, "seg-2")
    account_version(acc, SEGMENT_2_AT, "-seg", f"'{last}' as segment_c")

    acc, _, _ = picked["name"]
    account_version(acc, NAME_AT, "-name", "name || ' GmbH' as name")

    acc, seg, _ = picked["untracked_segment"]
    account_version(acc, UNTRACKED_SEGMENT_AT, "-untracked", f"'{OTHER[seg]}' as segment_c")


def _dim(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return conn.execute("select * from marts.dim_customer order by customer_key").fetchall()


@pytest.fixture(scope="module")
def loads(
    tmp_path_factory: pytest.TempPathFactory, tiny_sources: Path
) -> Iterator[dict[str, object]]:
    tmp = tmp_path_factory.mktemp("customer_history")
    db, target = tmp / "cqm.duckdb", tmp / "target"
    land_raw(tiny_sources, db)
    env = {"CQM_DUCKDB_PATH": str(db), "CQM_DBT_TARGET": "duckdb"}
    run_dbt(
        ["build", "--select", "+fct_order_lines", "--indirect-selection", "cautious"], target, env
    )
    with duckdb.connect(str(db)) as conn:
        picked = _pick_accounts(conn)
        first = {acc: _versions(conn, acc) for acc, _, _ in picked.values()}
        first_dim = _dim(conn)
        _land_second_load(conn, picked)
    run_dbt(
        ["build", "--select", "+fct_order_lines", "--indirect-selection", "cautious"], target, env
    )
    with duckdb.connect(str(db)) as conn:
        second_dim = _dim(conn)
    run_dbt(["snapshot", "--select", "snp_crm__accounts"], target, env)
    run_dbt(["run", "--select", "dim_customer"], target, env)
    with duckdb.connect(str(db)) as conn:
        third_dim = _dim(conn)
    yield {
        "db": db,
        "picked": picked,
        "first": first,
        "first_dim": first_dim,
        "second_dim": second_dim,
        "third_dim": third_dim,
    }
    shutil.rmtree(tmp, ignore_errors=True)


def _after(loads: dict[str, object], role: str) -> tuple[list[Version], list[Version]]:
    picked = loads["picked"]
    first = loads["first"]
    assert isinstance(picked, dict) and isinstance(first, dict)
    acc = picked[role][0]
    with duckdb.connect(str(loads["db"]), read_only=True) as conn:
        return first[acc], _versions(conn, acc)


def test_every_account_had_one_version_after_the_first_load(loads: dict[str, object]) -> None:
    first = loads["first"]
    assert isinstance(first, dict)
    assert all(len(v) == 1 for v in first.values())


def test_a_tier_change_opens_a_version_dated_by_the_crm(loads: dict[str, object]) -> None:
    before, after = _after(loads, "tier")
    assert len(after) == 2
    assert after[0][0] == before[0][0], "the earlier version keeps its key"
    assert after[0][5] == after[1][4] == TIER_AT
    assert after[0][2] != after[1][2] and after[0][1] == after[1][1]


def test_segment_changes_between_loads_are_dated_by_the_field_history(
    loads: dict[str, object],
) -> None:
    before, after = _after(loads, "two_segments")
    seg = before[0][1]
    assert [(v[1], v[4]) for v in after[1:]] == [
        (OTHER[seg], SEGMENT_1_AT),
        (OTHER[OTHER[seg]], SEGMENT_2_AT),
    ], "one version per history row, none at the snapshot's own date"
    assert after[0][0] == before[0][0] and after[0][1] == seg


def test_an_untracked_change_opens_no_version(loads: dict[str, object]) -> None:
    before, after = _after(loads, "name")
    assert [v[:5] for v in after] == [v[:5] for v in before]


def test_the_snapshot_recorded_every_change_it_saw(loads: dict[str, object]) -> None:
    picked = loads["picked"]
    assert isinstance(picked, dict)
    with duckdb.connect(str(loads["db"]), read_only=True) as conn:
        counts = dict(
            conn.execute(
                "select account_id, count(*) from snapshots.snp_crm__accounts group by account_id"
            ).fetchall()
        )
    assert {role: counts[acc] for role, (acc, _, _) in picked.items()} == {
        "tier": 2,
        "two_segments": 2,
        "name": 2,
        "untracked_segment": 2,
        "unchanged": 1,
    }


def test_a_segment_change_without_field_history_comes_from_the_snapshot(
    loads: dict[str, object],
) -> None:
    before, after = _after(loads, "untracked_segment")
    assert len(after) == 2
    assert after[1][1] == OTHER[before[0][1]] and after[1][4] == UNTRACKED_SEGMENT_AT


def test_versions_are_contiguous_and_the_current_one_matches_the_crm(
    loads: dict[str, object],
) -> None:
    with duckdb.connect(str(loads["db"]), read_only=True) as conn:
        gaps = conn.execute(
            """select count(*) from (
                   select valid_to, lead(valid_from) over (partition by account_id order by valid_from) as next_from
                   from marts.dim_customer where customer_key <> '-1')
               where next_from is not null and next_from <> valid_to"""
        ).fetchone()
        bounds = conn.execute(
            """select count(*) filter (where first_from <> timestamptz '1900-01-01 00:00:00+00'),
                      count(*) filter (where n_current <> 1)
               from (select account_id, min(valid_from) as first_from, count(*) filter (where is_current) as n_current
                     from marts.dim_customer group by account_id)"""
        ).fetchone()
        mismatched = conn.execute(
            """select count(*) from staging.stg_crm__accounts as a
               left join marts.dim_customer as d on a.account_id = d.account_id and d.is_current
               where d.tier is distinct from a.tier or d.region is distinct from a.region
                  or d.country is distinct from a.country or d.customer_id is distinct from a.customer_id"""
        ).fetchone()
    assert gaps == (0,) and bounds == (0, 0) and mismatched == (0,)


def test_facts_take_the_version_valid_at_their_date(loads: dict[str, object]) -> None:
    picked = loads["picked"]
    assert isinstance(picked, dict)
    with duckdb.connect(str(loads["db"]), read_only=True) as conn:
        wrong, n = conn.execute(
            """select count(*) filter (where not (f.order_date >= d.valid_from and f.order_date < d.valid_to)),
                      count(*)
               from marts.fct_order_lines as f join marts.dim_customer as d using (customer_key)
               where d.account_id in (?, ?)""",
            [picked["tier"][0], picked["two_segments"][0]],
        ).fetchone()
        new_tier_lines = conn.execute(
            """select count(*) from marts.fct_order_lines as f join marts.dim_customer as d using (customer_key)
               where d.account_id = ? and d.valid_from = ?""",
            [picked["tier"][0], TIER_AT],
        ).fetchone()
    assert wrong == 0 and n > 0
    assert new_tier_lines is not None and new_tier_lines[0] >= 2


def test_earlier_keys_survive_and_a_run_with_nothing_new_changes_nothing(
    loads: dict[str, object],
) -> None:
    first_keys = {r[0] for r in loads["first_dim"]}  # type: ignore[attr-defined]
    second_keys = {r[0] for r in loads["second_dim"]}  # type: ignore[attr-defined]
    assert first_keys <= second_keys
    assert (
        len(second_keys) - len(first_keys) == 4
    )  # tier, two segment changes, the untracked segment
    assert loads["third_dim"] == loads["second_dim"]
