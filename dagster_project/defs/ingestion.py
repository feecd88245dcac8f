"""Extract assets: one multi-asset per source, landing raw.<table>. Wiring only: the work is in ingestion/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from dagster_project.resources import (
    CrmSource,
    ErpSource,
    FolderSource,
    SurveySource,
    WarehouseResource,
)
from ingestion.common.contract import ContractError, contracts_for
from ingestion.common.isolated import ExtractionCrashed, land_in_child
from ingestion.common.landing import LoadResult

POOL = "duckdb_build"
RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)


def raw_specs(source: str, kind: str) -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=["raw", c.table],
            group_name=f"raw_{source}",
            kinds={kind, "duckdb"},
            description=c.description,
            metadata={"natural_key": ", ".join(c.natural_key)},
        )
        for c in contracts_for(source)
    ]


def _results(results: dict[str, LoadResult]) -> Iterator[dg.MaterializeResult]:
    for table, r in results.items():
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={
                "rows_read": r.rows_read,
                "rows_landed": r.rows_landed,
                "rows_duplicate": r.rows_duplicate,
                "rows_quarantined": r.rows_quarantined,
                "files": len(r.files),
                "extra_columns": ", ".join(r.extra_columns) or "none",
            },
        )


def _land(extract: str, warehouse: WarehouseResource, *args: object) -> dict[str, LoadResult]:
    """Run a source's extract function in a child process (ingestion/common/isolated.py): its memory goes
    back to the system when it ends instead of staying with the run's process through the dbt build."""
    warehouse.warehouse_dir.mkdir(parents=True, exist_ok=True)
    try:
        return land_in_child(extract, warehouse.build_path, *args)
    except ExtractionCrashed as exc:
        # killed, most likely for memory: running it again at once would meet the same end
        raise _fail(exc) from exc


def _fail(exc: Exception) -> dg.Failure:
    return dg.Failure(description=str(exc), allow_retries=False)


@dg.multi_asset(specs=raw_specs("crm", "rest"), name="extract_crm", pool=POOL, retry_policy=RETRY)
def extract_crm(warehouse: WarehouseResource, crm: CrmSource) -> Iterator[dg.MaterializeResult]:
    from ingestion.crm.extract import CrmError
    from ingestion.crm.files import CrmFilesError

    try:
        if crm.kind == "files":
            results = _land("ingestion.crm.files:extract", warehouse, Path(crm.path))
        else:
            results = _land("ingestion.crm.extract:extract", warehouse, crm.base_url, crm.token)
    except (ContractError, CrmFilesError) as exc:
        raise _fail(exc) from exc
    except CrmError as exc:
        raise dg.Failure(description=str(exc)) from exc
    yield from _results(results)


@dg.multi_asset(specs=raw_specs("erp", "sql"), name="extract_erp", pool=POOL, retry_policy=RETRY)
def extract_erp(warehouse: WarehouseResource, erp: ErpSource) -> Iterator[dg.MaterializeResult]:
    from ingestion.erp.extract import ErpError

    try:
        results = _land("ingestion.erp.extract:extract", warehouse, erp.url)
    except ContractError as exc:
        raise _fail(exc) from exc
    except ErpError as exc:
        raise dg.Failure(description=str(exc)) from exc
    yield from _results(results)


@dg.multi_asset(
    specs=raw_specs("logistics", "csv"), name="extract_logistics", pool=POOL, retry_policy=RETRY
)
def extract_logistics(
    warehouse: WarehouseResource, logistics_inbox: FolderSource
) -> Iterator[dg.MaterializeResult]:
    from ingestion.logistics.extract import LogisticsError

    try:
        results = _land(
            "ingestion.logistics.extract:extract", warehouse, Path(logistics_inbox.path)
        )
    except (ContractError, LogisticsError) as exc:
        raise _fail(exc) from exc
    yield from _results(results)


@dg.multi_asset(
    specs=raw_specs("surveys", "csv"), name="extract_surveys", pool=POOL, retry_policy=RETRY
)
def extract_surveys(
    warehouse: WarehouseResource, survey_exports: FolderSource
) -> Iterator[dg.MaterializeResult]:
    from ingestion.surveys.extract import SurveyError
    from ingestion.surveys.rest import SurveyApiError

    try:
        if isinstance(survey_exports, SurveySource) and survey_exports.kind == "rest":
            results = _land(
                "ingestion.surveys.rest:extract",
                warehouse,
                survey_exports.base_url,
                survey_exports.token,
            )
        else:
            results = _land(
                "ingestion.surveys.extract:extract", warehouse, Path(survey_exports.path)
            )
    except (ContractError, SurveyError) as exc:
        raise _fail(exc) from exc
    except SurveyApiError as exc:
        raise dg.Failure(description=str(exc)) from exc
    yield from _results(results)


ASSETS = [extract_crm, extract_erp, extract_logistics, extract_surveys]
