"""The command line's progress lines (dagster_project/progress.py)."""

from __future__ import annotations

import logging

import pytest

from dagster_project.progress import ProgressHandler, error_line


def _record(step: str, message: str) -> logging.LogRecord:
    record = logging.LogRecord("cqm", logging.INFO, __file__, 1, message, None, None)
    record.dagster_meta = {"step_key": step, "orig_message": message, "dagster_event": None}
    return record


def test_the_extraction_step_prints_a_line_per_source(capfd: pytest.CaptureFixture[str]) -> None:
    handler = ProgressHandler()
    handler.emit(_record("extract_sources", "erp: 26,293,184 rows landed in 197.4 s"))
    handler.emit(_record("extract_sources", "surveys: failed after 0.3 s"))
    handler.emit(_record("extract_sources", "Loading the definitions"))  # not a source's line
    handler.emit(_record("dbt_build", "crm: 12 rows landed in 1.0 s"))  # not the extraction step
    assert capfd.readouterr().out.splitlines() == [
        "      erp: 26,293,184 rows landed in 197.4 s",
        "      surveys: failed after 0.3 s",
    ]


@pytest.mark.parametrize(
    ("message", "line"),
    [
        (
            "dagster._core.definitions.events.Failure: erp: cannot open x; logistics: no folder\nmore",
            "erp: cannot open x; logistics: no folder",
        ),
        ("ingestion.erp.extract.ErpError: erp: cannot open x", "erp: cannot open x"),
        ("crm: http://h/x answered HTTP 401: no", "crm: http://h/x answered HTTP 401: no"),
        ("", "failed"),
        (None, "failed"),
    ],
)
def test_an_error_line_drops_the_class_name(message: str | None, line: str) -> None:
    assert error_line(message) == line
