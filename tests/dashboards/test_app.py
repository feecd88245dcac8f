"""The dashboard renders from the serving file alone (Streamlit's AppTest harness)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


def test_app_renders_from_serving_file(
    pipeline_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CQM_HOME", str(pipeline_home))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.error
    assert "Data as of" in at.caption[0].value
    assert len(at.dataframe) == 2


def test_app_says_what_to_do_without_serving_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CQM_HOME", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "make demo" in at.error[0].value
