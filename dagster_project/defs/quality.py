"""Great Expectations suites as blocking Dagster asset checks. Wiring only: suites live in expectations/.

Registration is lazy: at definition time only each suite's name, table and description are read
(from its file name and docstring), so loading the definitions does not import Great Expectations;
the suite and GX are loaded when the check runs.
"""

from typing import TYPE_CHECKING

import dagster as dg
from dagster import AssetCheckExecutionContext

from dagster_project.resources import WarehouseResource
from expectations.suites import SUITE_NAMES, suite_description, suite_target

if TYPE_CHECKING:
    from expectations.runner import ExpectationOutcome

VOLUME_HISTORY = ".volume_history.json"


def gx_check(name: str) -> dg.AssetChecksDefinition:
    schema, table = suite_target(name)

    @dg.asset_check(
        asset=dg.AssetKey([schema, table]),
        name=f"gx_{name}",
        blocking=True,
        description=suite_description(name) or f"Great Expectations suite {name}",
    )
    def _check(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        from expectations.history import VolumeHistory
        from expectations.report import record_result
        from expectations.runner import run_suite
        from expectations.suites import load_suite

        run_id = context.run.run_id
        result = run_suite(
            load_suite(name),
            db_path=warehouse.build_path,
            # scoped to this build file: a warehouse rebuilt from scratch starts a new baseline
            history=VolumeHistory(
                warehouse.warehouse_dir / VOLUME_HISTORY, scope=_build_identity(warehouse)
            ),
            run_id=run_id,
        )
        report = record_result(warehouse.warehouse_dir, run_id, result)
        failing = [o for o in result.outcomes if not o.success]
        severity = (
            dg.AssetCheckSeverity.ERROR if result.blocking_failures else dg.AssetCheckSeverity.WARN
        )
        return dg.AssetCheckResult(
            passed=not failing,
            severity=severity,
            description=result.summary(),
            metadata={
                "rows": result.rows,
                "expectations": len(result.outcomes),
                "blocking_failures": len(result.blocking_failures),
                "warnings": len(result.warnings),
                "unexpected_count": sum(o.unexpected_count for o in failing),
                "report": dg.MetadataValue.path(str(report)),
                "failures": dg.MetadataValue.json([o.as_dict() for o in failing]),
                "outcomes": dg.MetadataValue.md(_outcomes_table(result.outcomes)),
            },
        )

    return _check


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


CHECKS: list[dg.AssetChecksDefinition] = [gx_check(n) for n in SUITE_NAMES]
__all__: list[str] = ["CHECKS"]
