"""Great Expectations suites as blocking Dagster asset checks. Wiring only: suites live in expectations/."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg

from dagster_project.resources import WarehouseResource
from expectations.model import Suite
from expectations.suites import SUITES


def gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey([suite.schema, suite.table]),
        name=f"gx_{suite.name}",
        blocking=True,
        description=suite.description or f"Great Expectations suite {suite.name}",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        from expectations.runner import run_suite

        result = run_suite(suite, db_path=warehouse.build_path)
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
                "failures": dg.MetadataValue.json(
                    [
                        {
                            "expectation": o.expectation,
                            "column": o.column,
                            "severity": o.severity,
                            "unexpected_count": o.unexpected_count,
                            "unexpected_percent": round(o.unexpected_percent, 4),
                            "sample": [str(x) for x in o.sample],
                            "observed": str(o.observed),
                        }
                        for o in failing
                    ]
                ),
            },
        )

    return _check


CHECKS: list[dg.AssetChecksDefinition] = [gx_check(s) for s in SUITES.values()]
__all__: list[str] = ["CHECKS"]
_ = Callable
