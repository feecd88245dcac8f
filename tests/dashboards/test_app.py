"""Every dashboard page renders from the serving file alone (Streamlit's AppTest harness)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, PAGES


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.header, *at.subheader, *at.caption, *at.info, *at.markdown)]
    parts += [m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)


def _run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    if page:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize(
    ("script", "url", "header", "expected"), PAGES, ids=[p[1] or "home" for p in PAGES]
)
def test_page_renders(
    dashboard_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    script: str,
    url: str,
    header: str,
    expected: str,
) -> None:
    monkeypatch.setenv("CQM_HOME", str(dashboard_home))
    at = _run(script)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert header in [h.value for h in at.header]
    assert "Data as of" in at.caption[0].value
    text = _texts(at)
    assert expected in text, text
    assert "Filters applied:" in text
    # every page says which global filters do not apply to it
    assert "Not applicable here" in text


def test_scorecard_metrics_are_rows_of_the_mart(
    dashboard_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The headline cards show the latest month of reporting.quality_scorecard_monthly, as stored."""
    monkeypatch.setenv("CQM_HOME", str(dashboard_home))
    at = _run("views/scorecard.py")
    with duckdb.connect(str(dashboard_home / "warehouse" / "serving.duckdb"), read_only=True) as c:
        otd = c.execute(
            "select otd_rate from reporting.quality_scorecard_monthly where plant_id = 'All' "
            "order by month_start desc limit 1"
        ).fetchone()
    assert otd is not None
    shown = {m.label: m.value for m in at.metric}
    assert shown["On-time delivery"] == f"{otd[0]:.1%}"
    assert len(at.metric) == 10


def test_filters_narrow_the_rows(dashboard_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CQM_HOME", str(dashboard_home))
    at = _run("views/satisfaction.py")
    at.sidebar.selectbox(key="f_segment").select("Enterprise").run()
    assert not at.exception
    assert any("Segment Enterprise" in s.value for s in at.subheader)
    at.sidebar.selectbox(key="f_plant").select("1000").run()
    at.switch_page("views/scorecard.py").run()
    assert not at.exception
    assert any("Plant 1000" in s.value for s in at.subheader)


def test_missing_mart_says_not_published_yet(
    dashboard_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mart built on another branch (or not yet published) gives a note, never an error."""
    home = tmp_path / "home"
    shutil.copytree(dashboard_home, home)
    with duckdb.connect(str(home / "warehouse" / "serving.duckdb")) as c:
        c.execute("drop table reporting.carrier_scorecard")
        c.execute("drop table reporting.complaint_funnel_summary")
        c.execute("drop table reporting.capa_tracker")
        c.execute("drop table reporting.training_compliance")
    monkeypatch.setenv("CQM_HOME", str(home))
    for page, table in (
        ("views/suppliers.py", "reporting.carrier_scorecard"),
        ("views/complaints.py", "reporting.complaint_funnel_summary"),
        ("views/root_cause.py", "reporting.capa_tracker"),
        ("views/training.py", "reporting.training_compliance"),
    ):
        at = _run(page)
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error
        assert any(table in i.value and "not published yet" in i.value for i in at.info), page


def test_app_says_what_to_do_without_serving_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CQM_HOME", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "make demo" in at.error[0].value


def test_pages_hold_no_sql() -> None:
    """Pages call dashboards.data; only that module talks to DuckDB, and it selects whole tables."""
    views = sorted((APP.parent / "views").glob("*.py"))
    assert len(views) == len(PAGES)
    for view in [APP, *views, APP.parent / "ui.py"]:
        text = view.read_text(encoding="utf-8").lower()
        assert "duckdb" not in text and "execute(" not in text, view
        for word in (".sum(", ".mean(", ".groupby(", ".agg(", ".count(", ".median("):
            assert word not in text, f"{view.name} aggregates ({word}); add the number to a mart"


def test_product_family_filter_narrows_capability(
    dashboard_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CQM_HOME", str(dashboard_home))
    at = _run("views/spc.py")
    family = next(o for o in at.sidebar.selectbox(key="f_family").options if o != "All")
    at.sidebar.selectbox(key="f_family").select(family).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value
    assert len(table) > 0 and set(table["product_family"]) == {family}
