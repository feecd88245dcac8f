"""Suites as code: a suite names a warehouse table and the Great Expectations expectations it must meet.

Severity lives on each expectation (`severity="critical"` blocks publishing, `"warning"` only reports),
so the wiring never decides what blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Suite:
    name: str
    schema: str
    table: str
    expectations: list[Any]
    description: str = ""
    # columns the suite reads (None = all); keeps chunks narrow for wide tables
    columns: list[str] | None = None
    # row-level checks run on chunks of this many rows
    chunk_rows: int = 250_000
    tags: list[str] = field(default_factory=list)

    @property
    def fq_table(self) -> str:
        return f"{self.schema}.{self.table}"


def __getattr__(name: str) -> Any:
    # BLOCK / WARN severities, imported lazily so the model can be used without loading GX
    if name in ("BLOCK", "WARN"):
        from great_expectations.expectations.metadata_types import FailureSeverity

        return FailureSeverity.CRITICAL if name == "BLOCK" else FailureSeverity.WARNING
    raise AttributeError(name)
