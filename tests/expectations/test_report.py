"""The validation report: one self-contained page for the latest run, failures first-class."""

from __future__ import annotations

from pathlib import Path

from expectations.report import REPORT_NAME, record_dbt_tests, record_result
from expectations.runner import ExpectationOutcome, SuiteResult


def _result(suite: str, ok: bool) -> SuiteResult:
    outcome = ExpectationOutcome(
        "expect_column_values_to_be_in_set",
        "status_code",
        "critical",
        ok,
        element_count=10,
        unexpected_count=0 if ok else 2,
        sample=[] if ok else [{"status_code": "<ZZ>", "pro_number": "P9"}],
    )
    return SuiteResult(suite, "raw.logistics_tracking_events", 10, [outcome])


def test_report_shows_failures_and_resets_per_run(tmp_path: Path) -> None:
    record_result(tmp_path, "run-1", _result("raw_erp_vbap", True))
    record_result(tmp_path, "run-2", _result("raw_logistics_tracking_events", False))
    text = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    assert "run-2" in text and "run-1" not in text
    assert "FAIL (blocks)" in text and "nothing was published" in text
    assert "&lt;ZZ&gt;" in text and "<ZZ>" not in text, "sample values are escaped"
    assert "Not run in this run" in text and "raw_erp_vbap" in text
    for forbidden in ("http://", "https://", "<script", "<link"):
        assert forbidden not in text


def test_report_lists_dbt_tests_failures_first(tmp_path: Path) -> None:
    record_result(tmp_path, "run-3", _result("raw_erp_vbap", True))
    record_dbt_tests(
        tmp_path,
        "run-3",
        [
            {"check": "not_null_x_id", "asset": "marts/x", "passed": True, "severity": "critical"},
            {
                "check": "relationships_x_customer_key",
                "asset": "marts/x",
                "passed": False,
                "severity": "critical",
                "failed_rows": 1234,
            },
        ],
    )
    text = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    assert "2 dbt tests" in text and "1 blocking and 0 warning failure(s)" in text
    assert text.index("relationships_x_customer_key") < text.index("not_null_x_id")
    assert "1,234" in text
    record_result(tmp_path, "run-4", _result("raw_erp_vbap", True))
    text = (tmp_path / REPORT_NAME).read_text(encoding="utf-8")
    assert "dbt did not report tests in this run" in text, (
        "a new run starts without the old dbt results"
    )
