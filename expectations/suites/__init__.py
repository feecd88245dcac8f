"""Every suite: one module per table, named <schema>_<table>.py, holding `SUITE`.

Adding a suite is adding one file; nothing lists them. Registration is lazy: the names, tables and
descriptions come from the file names and docstrings (no import), and a suite's module (and with
it Great Expectations, ~10 s to import) is loaded only when the suite runs.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path

from expectations.model import LAYER_SCHEMAS, Suite

SUITES_DIR = Path(__file__).resolve().parent


def _discover() -> tuple[str, ...]:
    return tuple(sorted(m.name for m in pkgutil.iter_modules([str(SUITES_DIR)]) if not m.ispkg))


SUITE_NAMES: tuple[str, ...] = _discover()


def suite_target(name: str) -> tuple[str, str]:
    """(schema, table) a suite module validates, from its name: raw_crm_cases → (raw, crm_cases)."""
    schema, _, table = name.partition("_")
    if schema not in LAYER_SCHEMAS or not table:
        raise ValueError(
            f"suite module expectations/suites/{name}.py must be named <schema>_<table> "
            f"with schema one of {', '.join(LAYER_SCHEMAS)}"
        )
    return schema, table


def suite_description(name: str) -> str:
    """The first line of the suite module's docstring, read without importing it."""
    doc = ast.get_docstring(ast.parse((SUITES_DIR / f"{name}.py").read_text(encoding="utf-8")))
    return (doc or "").strip().splitlines()[0] if doc else ""


@cache
def load_suite(name: str) -> Suite:
    module = importlib.import_module(f"expectations.suites.{name}")
    suite: Suite = module.SUITE
    if (suite.schema, suite.table) != suite_target(name) or suite.name != name:
        raise ValueError(
            f"expectations/suites/{name}.py defines suite {suite.name} on {suite.fq_table}; "
            "the module name must be <schema>_<table> of the table it validates"
        )
    if not suite.description:
        suite = replace(suite, description=suite_description(name))
    return suite


class _LazySuites(Mapping[str, Suite]):
    def __getitem__(self, name: str) -> Suite:
        if name not in SUITE_NAMES:
            raise KeyError(name)
        return load_suite(name)

    def __iter__(self) -> Iterator[str]:
        return iter(SUITE_NAMES)

    def __len__(self) -> int:
        return len(SUITE_NAMES)


SUITES: Mapping[str, Suite] = _LazySuites()
