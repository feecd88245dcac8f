"""dbt models as Dagster assets; dbt tests become asset checks. Wiring only: the SQL is in dbt/."""

import importlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from packaging import version


def _import_without_dbt_core(module: str) -> None:
    """Import `module` (dagster-dbt) as if dbt-core were not installed in this process.

    dagster-dbt's import pulls in all of dbt-core (adapters, contracts, hundreds of serialisable classes:
    2.4 s of a run's start-up on two cores, and of every load of the definitions) only for type aliases and
    status enums, which it defines itself when dbt-core is absent (its mode for dbt Fusion). Dagster runs dbt
    in a process of its own and reads its JSON log; nothing here calls dbt-core in this process (see
    ProjectDbtCli). Later imports of dbt in the same process work as usual: only this import is affected."""
    if module in sys.modules or "dbt.version" in sys.modules:
        return
    sys.modules["dbt.version"] = None  # type: ignore[assignment]  # an import of None raises ImportError
    try:
        importlib.import_module(module)
    finally:
        del sys.modules["dbt.version"]


_import_without_dbt_core("dagster_dbt")

from dagster_dbt import (  # noqa: E402
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from dagster_project.resources import WarehouseResource  # noqa: E402

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"
DBT_PROJECT = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


class Translator(DagsterDbtTranslator):
    """Models are keyed by [schema, name] (e.g. marts/fct_shipments); sources by their meta key (raw/...)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            schema = dbt_resource_props.get("config", {}).get("schema") or "main"
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return str(dbt_resource_props.get("config", {}).get("schema") or "dbt")
        return super().get_group_name(dbt_resource_props)


class ProjectDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs of every dbt step that buy nothing
    here (about 5-10 s of a tiny run on two cores):

    - it ran `dbt --version` in a new process to learn the version of the dbt it runs; that dbt is
      this virtualenv's dbt-core, whose version the package metadata gives;
    - it built an in-process dbt adapter (loading the project's macros) that it uses only to fetch
      column metadata and row counts, which this project does not request.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


TRANSLATOR = Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    dagster_dbt_translator=TRANSLATOR,
    pool="duckdb_build",
    name="dbt_build",
)
def cqm_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    # dbt runs in a subprocess that reads the warehouse path from the environment (dbt/profiles.yml)
    os.environ["CQM_DUCKDB_PATH"] = str(warehouse.build_path)
    warehouse.warehouse_dir.mkdir(parents=True, exist_ok=True)
    # dbt's partial parse is only reused when the profile (the warehouse path) is the one it was
    # parsed with; a target folder per warehouse keeps it across runs instead of a full parse each run
    # dbt.log (in the target folder) keeps info lines; at dbt's default debug level it took every
    # statement and cache event, about 30 MB of JSON and 4 s of CPU for a tiny run. They are written as
    # text: dagster-dbt sets JSON for dbt's console stream, which it reads, and dbt used it for the file
    # as well, turning every event into JSON twice (0.4-0.6 s of a tiny run's dbt step)
    # unit tests check the SQL's logic on fixtures, not the data: they run with the test suite (make test,
    # on DuckDB and PostgreSQL), not again in every run (10 of them cost about 3 s of dbt per run)
    target = dbt_target_path(warehouse)
    if drop_parse_cache_of_another_project(target):
        context.log.info(
            "dbt's parse cache was written for a dbt project at another path: parsing again"
        )
    invocation = dbt.cli(
        [
            "build",
            "--log-level-file",
            "info",
            "--log-format-file",
            "text",
            "--exclude-resource-type",
            "unit_test",
        ],
        context=context,
        target_path=target,
    )
    tests: list[dict[str, Any]] = []
    try:
        for event in invocation.stream():
            if isinstance(event, dg.AssetCheckResult | dg.AssetCheckEvaluation):
                tests.append(_test_record(event))
            yield event
    finally:
        # the validation report lists dbt's tests beside the GX suites, also when a test stops the run
        from expectations.report import record_dbt_tests

        record_dbt_tests(warehouse.warehouse_dir, context.run.run_id, tests)


def dbt_target_path(warehouse: WarehouseResource) -> Path:
    """dbt's target folder for runs on this warehouse (artifacts of the last run, parse cache)."""
    return warehouse.warehouse_dir / "dbt_target"


PARSED_FROM = "parsed_from.txt"


def drop_parse_cache_of_another_project(target: Path, project_dir: Path = DBT_DIR) -> bool:
    """Delete dbt's parse cache in `target` when it was written for a dbt project at another path; True if it did.

    dbt reuses the cache when the project's files are unchanged, but the cache holds absolute paths (a seed's CSV
    among them): a warehouse built from a checkout that was moved or copied, or from another checkout of the same
    code, failed its next build on the old path ('No files found that match the pattern .../seeds/x.csv')."""
    target.mkdir(parents=True, exist_ok=True)
    marker = target / PARSED_FROM
    here = str(project_dir.resolve())
    cache = target / "partial_parse.msgpack"
    try:
        before: str | None = marker.read_text(encoding="utf-8").strip()
    except FileNotFoundError:  # a cache from before the marker: its project is unknown
        before = None
    dropped = cache.exists() and before != here
    if dropped:
        cache.unlink()
    marker.write_text(here + "\n", encoding="utf-8")
    return dropped


def _test_record(event: dg.AssetCheckResult | dg.AssetCheckEvaluation) -> dict[str, Any]:
    meta = event.metadata or {}
    failed = meta.get("dagster_dbt/failed_row_count")
    asset_key = event.asset_key
    return {
        "check": event.check_name,
        "asset": asset_key.to_user_string() if asset_key is not None else "",
        "passed": bool(event.passed),
        "severity": "critical" if event.severity == dg.AssetCheckSeverity.ERROR else "warning",
        "failed_rows": getattr(failed, "value", failed),
    }


ASSETS = [cqm_dbt_assets]


def published_model_keys() -> list[dg.AssetKey]:
    return sorted(
        (k for k in cqm_dbt_assets.keys if k.path[0] in ("marts", "reporting")),
        key=lambda k: k.to_string(),
    )
