"""Great Expectations suites as blocking Dagster asset checks. Wiring only: suites live in expectations/.

Each suite is one asset check (`gx_<suite>` on its table), as before; the checks of one group (the
raw tables of one source, or one mart layer) run together in one step: one read-only connection to
the build file, one volume history, one update of the validation report. A step per suite cost
about half a second of Dagster and connection overhead each (49 suites).

Registration is lazy: at definition time only each suite's name, table and description are read
(from its file name and docstring), so loading the definitions does not import Great Expectations;
the suites and GX are loaded when the checks run.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from dagster import AssetCheckExecutionContext

from dagster_project.resources import WarehouseResource
from expectations.suites import SUITE_NAMES, suite_description, suite_target

if TYPE_CHECKING:
    from expectations.runner import ExpectationOutcome, SuiteResult

VOLUME_HISTORY = ".volume_history.json"


def check_name(suite: str) -> str:
    return f"gx_{suite}"


def suite_group(name: str) -> str:
    """The step a suite runs in: raw tables by source (raw_crm, raw_erp, …), marts by schema."""
    schema, table = suite_target(name)
    return f"{schema}_{table.partition('_')[0]}" if schema == "raw" else schema


def _spec(name: str) -> dg.AssetCheckSpec:
    schema, table = suite_target(name)
    return dg.AssetCheckSpec(
        name=check_name(name),
        asset=dg.AssetKey([schema, table]),
        blocking=True,
        description=suite_description(name) or f"Great Expectations suite {name}",
    )


def gx_checks(group: str, names: list[str]) -> dg.AssetChecksDefinition:
    by_key = {dg.AssetCheckKey(dg.AssetKey(list(suite_target(n))), check_name(n)): n for n in names}

    @dg.multi_asset_check(
        specs=[_spec(n) for n in names],
        name=f"{group}_gx_suites",
        can_subset=True,
        description=f"Great Expectations suites on {group.replace('_', ' ')}, one check each.",
    )
    def _checks(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        import duckdb

        from expectations.history import VolumeHistory
        from expectations.report import record_results
        from expectations.runner import run_suite, worker_pool
        from expectations.suites import load_suite
        from ingestion.common.settings import pipeline_memory_limit

        selected = [by_key[k] for k in context.selected_asset_check_keys if k in by_key]
        run_id = context.run.run_id
        # scoped to this build file: a warehouse rebuilt from scratch starts a new baseline
        history = VolumeHistory(
            warehouse.warehouse_dir / VOLUME_HISTORY, scope=_build_identity(warehouse)
        )
        # bounded: suites read their tables in chunks
        # the worker processes stop with the step: idle, they would hold memory through the dbt build
        with (
            duckdb.connect(
                str(warehouse.build_path),
                read_only=True,
                config={"memory_limit": pipeline_memory_limit()},
            ) as conn,
            worker_pool(),
        ):
            results = [
                # raw tables are append-only: row checks read what landed since the last passing run
                run_suite(
                    load_suite(n),
                    conn=conn,
                    history=history,
                    run_id=run_id,
                    incremental=suite_target(n)[0] == "raw",
                )
                for n in sorted(selected)
            ]
        report = record_results(warehouse.warehouse_dir, run_id, results)
        for result in results:
            yield _check_result(result, report)

    return _checks


def _check_result(result: "SuiteResult", report: Path) -> dg.AssetCheckResult:
    schema, table = suite_target(result.suite)
    failing = [o for o in result.outcomes if not o.success]
    severity = (
        dg.AssetCheckSeverity.ERROR if result.blocking_failures else dg.AssetCheckSeverity.WARN
    )
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey([schema, table]),
        check_name=check_name(result.suite),
        passed=not failing,
        severity=severity,
        description=result.summary(),
        metadata={
            "rows": result.rows,
            # row checks read only rows loaded after validated_since, when that is set
            "rows_validated": result.rows_validated if result.rows_validated is not None else 0,
            "validated_since": result.validated_since or "",
            "expectations": len(result.outcomes),
            "blocking_failures": len(result.blocking_failures),
            "warnings": len(result.warnings),
            "unexpected_count": sum(o.unexpected_count for o in failing),
            "report": dg.MetadataValue.path(str(report)),
            "failures": dg.MetadataValue.json([o.as_dict() for o in failing]),
            "outcomes": dg.MetadataValue.md(_outcomes_table(result.outcomes)),
        },
    )


def _build_identity(warehouse: WarehouseResource) -> str:
    st = warehouse.build_path.stat()
    return f"{st.st_dev}:{st.st_ino}"


def _outcomes_table(outcomes: "list[ExpectationOutcome]") -> str:
    lines = [
        "| expectation | column | severity | result | unexpected | % |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        result = "pass" if o.success else ("FAIL" if o.severity == "critical" else "warn")
        column = (o.column or "").replace("|", "/")
        lines.append(
            f"| {o.expectation} | {column} | {o.severity} | {result} | {o.unexpected_count} | "
            f"{o.unexpected_percent:.2f} |"
        )
    return "\n".join(lines)


def _groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name in SUITE_NAMES:
        groups.setdefault(suite_group(name), []).append(name)
    return groups


CHECKS: list[dg.AssetChecksDefinition] = [gx_checks(g, names) for g, names in _groups().items()]
__all__: list[str] = ["CHECKS"]
