"""Extract assets: one multi-asset over every source's raw.<table>, the sources landing side by side. Wiring only:
the work is in ingestion/."""

import functools
import traceback
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

from dagster_project.resources import (
    CrmSource,
    ErpSource,
    FolderSource,
    SurveySource,
    WarehouseResource,
)
from expectations.runner import warm_up_in_background
from ingestion.common.contract import ContractError, contracts_for
from ingestion.common.isolated import Extraction, ExtractionCrashed, land_sources_in_child
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


# source -> the kind of system it is read from (the raw assets' kinds, for the asset graph)
SOURCE_KINDS = {"crm": "rest", "erp": "sql", "logistics": "csv", "surveys": "csv"}


def _results(
    results: dict[str, LoadResult], selected: set[str], seconds: float
) -> Iterator[dg.MaterializeResult]:
    for table, r in results.items():
        if table not in selected:
            continue
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={
                "rows_read": r.rows_read,
                "rows_landed": r.rows_landed,
                "rows_duplicate": r.rows_duplicate,
                "rows_quarantined": r.rows_quarantined,
                "files": len(r.files),
                "extra_columns": ", ".join(r.extra_columns) or "none",
                # the whole source's extraction, which lands its tables together
                "source_seconds": round(seconds, 1),
            },
        )


@functools.cache
def _tables(source: str) -> frozenset[str]:
    """A source's raw tables, from its contracts (read once per process, as the asset specs are)."""
    return frozenset(c.table for c in contracts_for(source))


def _only(source: str, streams: dict[str, str], selected: set[str]) -> list[str] | None:
    """The streams (objects, tables) of the source's selected raw tables; None when all are selected."""
    if _tables(source) <= selected:
        return None
    return [stream for stream, landed in streams.items() if landed in selected]


def _crm(crm: CrmSource, selected: set[str]) -> Extraction:
    from ingestion.crm import settings

    only = _only("crm", settings.STREAMS, selected)
    kwargs = {} if only is None else {"objects": only}
    if crm.kind == "files":
        return Extraction("crm", "ingestion.crm.files:extract", (Path(crm.path),), kwargs)
    return Extraction("crm", "ingestion.crm.extract:extract", (crm.base_url, crm.token), kwargs)


def _erp(erp: ErpSource, selected: set[str]) -> Extraction:
    from ingestion.erp import settings

    only = _only("erp", settings.TABLES, selected)
    kwargs = {} if only is None else {"tables": only}
    return Extraction("erp", "ingestion.erp.extract:extract", (erp.url,), kwargs)


def _logistics(inbox: FolderSource) -> Extraction:
    return Extraction("logistics", "ingestion.logistics.extract:extract", (Path(inbox.path),))


def _surveys(exports: FolderSource) -> Extraction:
    if isinstance(exports, SurveySource) and exports.kind == "rest":
        return Extraction(
            "surveys", "ingestion.surveys.rest:extract", (exports.base_url, exports.token)
        )
    return Extraction("surveys", "ingestion.surveys.extract:extract", (Path(exports.path),))


def _retryable(exc: BaseException) -> bool:
    """A source that did not answer may answer a moment later; bad data or a missing folder will not change."""
    from ingestion.crm.extract import CrmError
    from ingestion.erp.extract import ErpError
    from ingestion.surveys.rest import SurveyApiError

    return isinstance(exc, CrmError | ErpError | SurveyApiError)


def _expected(exc: BaseException) -> bool:
    """The errors a source reports in a sentence of its own (its name, the file and row, the fix)."""
    from ingestion.crm.files import CrmFilesError
    from ingestion.logistics.extract import LogisticsError
    from ingestion.surveys.extract import SurveyError

    return _retryable(exc) or isinstance(
        exc, ContractError | CrmFilesError | LogisticsError | SurveyError | ExtractionCrashed
    )


def _sentence(source: str, exc: BaseException) -> str:
    text = str(exc)
    return text if text.startswith(f"{source}:") else f"{source}: {text}"


@dg.multi_asset(
    specs=[spec for source, kind in SOURCE_KINDS.items() for spec in raw_specs(source, kind)],
    name="extract_sources",
    pool=POOL,
    retry_policy=RETRY,
    can_subset=True,
)
def extract_sources(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    crm: CrmSource,
    erp: ErpSource,
    logistics_inbox: FolderSource,
    survey_exports: FolderSource,
) -> Iterator[dg.MaterializeResult]:
    """Every selected source, side by side in one child process (ingestion/common/isolated.py): its memory goes
    back to the system when it ends instead of staying with the run's process through the dbt build.

    A source that fails fails the step after the others have landed and been recorded, with one line per failed
    source. The step is retried (RETRY) only when every failure is a source that did not answer; a retry lands
    the sources that succeeded again, which finds nothing new."""
    selected = {key.path[-1] for key in context.selected_asset_keys}
    every = [
        _crm(crm, selected),
        _erp(erp, selected),
        _logistics(logistics_inbox),
        _surveys(survey_exports),
    ]
    jobs = [job for job in every if _tables(job.source) & selected]
    warehouse.warehouse_dir.mkdir(parents=True, exist_ok=True)
    # this process waits for the child meanwhile: the checks that follow import Great Expectations now
    warm_up_in_background()
    try:
        landed = land_sources_in_child(jobs, warehouse.build_path)
    except ExtractionCrashed as exc:
        # killed, most likely for memory: running it again at once would meet the same end
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    failed: dict[str, BaseException] = {}
    for source, one in landed.items():
        if one.error is not None:
            failed[source] = one.error
            context.log.info(f"{source}: failed after {one.seconds:.1f} s")
        else:
            rows = sum(r.rows_landed for r in one.results.values())
            context.log.info(f"{source}: {rows:,} rows landed in {one.seconds:.1f} s")
            yield from _results(one.results, selected, one.seconds)
    if not failed:
        return
    first = next(iter(failed.values()))
    if len(failed) == 1 and not _expected(first):
        raise first  # a bug, not the data: its own traceback
    retry = all(_retryable(e) for e in failed.values())
    if len(failed) == 1:
        raise dg.Failure(
            description=_sentence(*next(iter(failed.items()))), allow_retries=retry
        ) from first
    # several: one line naming each, and each one's own error (with the child's traceback) in the log
    for error in failed.values():
        context.log.error("".join(traceback.format_exception(error)).rstrip())
    raise dg.Failure(
        description="; ".join(_sentence(s, e) for s, e in failed.items()), allow_retries=retry
    )


ASSETS = [extract_sources]
