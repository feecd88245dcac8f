"""The publish asset: write-audit-publish of marts and reporting into warehouse/serving.duckdb.

Dagster skips it when a blocking check fails upstream; it also refuses by itself, leaving the serving
file untouched, if any error-severity check (GX suite or dbt test) of this run failed, or if any
mart or reporting model it publishes was not materialized in this run (dbt skipped it, or the run
did not select it), so a partial run never publishes.
"""

import dagster as dg
from dagster import AssetExecutionContext

from dagster_project.defs.transform import published_model_keys
from dagster_project.publish import CheckRecord, PublishError, publish
from dagster_project.resources import WarehouseResource


def _run_checks(context: AssetExecutionContext) -> list[CheckRecord]:
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000
    ).records
    out = []
    for rec in records:
        event = rec.event_log_entry.dagster_event
        if event is None:
            continue
        ev = event.event_specific_data
        severity = (
            "critical"
            if getattr(ev, "severity", None) == dg.AssetCheckSeverity.ERROR
            else "warning"
        )
        desc = ""
        meta = getattr(ev, "metadata", {}) or {}
        if getattr(ev, "description", None):
            desc = str(ev.description)
        elif meta:
            desc = "; ".join(
                f"{k}={v.value}" for k, v in list(meta.items())[:3] if hasattr(v, "value")
            )
        out.append(
            CheckRecord(
                ev.check_name, ev.asset_key.to_user_string(), bool(ev.passed), severity, desc
            )
        )
    return out


def _materialized_in_run(context: AssetExecutionContext) -> set[str]:
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=100_000
    ).records
    keys = set()
    for rec in records:
        event = rec.event_log_entry.dagster_event
        if event is not None and event.asset_key is not None:
            keys.add(event.asset_key.to_user_string())
    return keys


@dg.asset(
    key=["meta", "publish_log"],
    deps=published_model_keys(),
    group_name="serving",
    pool="duckdb_build",
    kinds={"duckdb", "parquet"},
    description="Publishes marts and reporting to warehouse/serving.duckdb (read-only for BI) and Parquet.",
)
def serving(context: AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    checks = _run_checks(context)
    try:
        result = publish(
            warehouse.build_path,
            warehouse.serving_path,
            warehouse.parquet_dir,
            run_id=context.run.run_id,
            checks=checks,
            upstream=[k.to_user_string() for k in published_model_keys()],
            materialized=_materialized_in_run(context),
        )
    except PublishError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    return dg.MaterializeResult(
        metadata={
            "serving_path": str(result.serving_path),
            "publish_id": result.publish_id,
            "tables": len(result.row_counts),
            # carried over from the previous serving file: their content did not change
            "tables_unchanged": len(result.unchanged),
            "tables_patched": len(result.patched),
            "checks_seen": len(checks),
            "row_counts": dg.MetadataValue.json(result.row_counts),
        }
    )


ASSETS = [serving]
