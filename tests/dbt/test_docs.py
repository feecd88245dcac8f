"""Every model, snapshot and seed is described, and so is every column it really outputs.

The YAML alone cannot show a column that a model outputs but nobody documented (``select *``, a
column added to the SQL and not to the YAML), nor a documented column that no longer exists: the
built relations in the tiny pipeline's build file are compared with the manifest's column docs.
Generic on purpose: a new model passes only with a description for itself and every column.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import ROOT

DOCUMENTED_TYPES = ("model", "snapshot", "seed")


def _nodes() -> list[dict[str, Any]]:
    manifest = json.loads((ROOT / "dbt" / "target" / "manifest.json").read_text())
    return sorted(
        (
            n
            for n in manifest["nodes"].values()
            if n["resource_type"] in DOCUMENTED_TYPES and n["package_name"] == "cqm"
        ),
        key=lambda n: str(n["unique_id"]),
    )


def _described(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip())


def _label(node: dict[str, Any]) -> str:
    return f"{node['resource_type']} {node['name']}"


def _described_columns(node: dict[str, Any]) -> set[str]:
    return {
        name.lower()
        for name, column in node["columns"].items()
        if _described(column.get("description"))
    }


def test_every_model_snapshot_and_seed_has_a_description() -> None:
    nodes = _nodes()
    assert {n["resource_type"] for n in nodes} == set(DOCUMENTED_TYPES)
    missing = [_label(n) for n in nodes if not _described(n.get("description"))]
    assert not missing, f"no description in the YAML for: {missing}"


def test_every_column_in_the_yaml_has_a_description() -> None:
    missing = [
        f"{_label(n)}.{name}"
        for n in _nodes()
        for name, column in n["columns"].items()
        if not _described(column.get("description"))
    ]
    assert not missing, f"columns listed without a description: {missing}"


def test_every_built_column_is_described_and_every_described_column_is_built(
    pipeline_home: Path,
) -> None:
    with duckdb.connect(str(pipeline_home / "warehouse" / "cqm.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() order by table_schema, table_name, ordinal_position"
        ).fetchall()
    built: dict[tuple[str, str], list[str]] = defaultdict(list)
    for schema, table, column in rows:
        built[(schema.lower(), table.lower())].append(column.lower())

    not_built, undescribed, stale = [], [], []
    for node in _nodes():
        if node["config"].get("materialized") == "ephemeral":
            continue
        relation = (node["schema"].lower(), (node.get("alias") or node["name"]).lower())
        if relation not in built:
            not_built.append(f"{_label(node)} ({'.'.join(relation)})")
            continue
        described = _described_columns(node)
        undescribed += [f"{_label(node)}.{c}" for c in built[relation] if c not in described]
        stale += [f"{_label(node)}.{c}" for c in sorted(described - set(built[relation]))]
    assert not not_built, f"the pipeline did not build: {not_built}"
    assert not undescribed, f"columns the relations output without a description: {undescribed}"
    assert not stale, f"columns described in the YAML that the relations do not output: {stale}"
