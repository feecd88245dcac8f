"""The `cqm` command line: every command documented, and one sentence with the fix for each expected failure."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli import build_parser, explain

CQM = str(Path(sys.executable).parent / "cqm")


def _cqm(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CQM, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _one_sentence(err: str) -> str:
    lines = [x for x in err.strip().splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("cqm: ") and "Traceback" not in err
    return lines[0]


@pytest.fixture
def env(tmp_path: Path, cqm_env: pytest.MonkeyPatch) -> dict[str, str]:
    import os

    out = {k: v for k, v in os.environ.items() if not k.startswith("CQM_")}
    out["CQM_HOME"] = str(tmp_path)
    return out


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """warehouse/cqm.duckdb held read-write by another process, as a second run or a BI tool would."""
    db = tmp_path / "warehouse" / "cqm.duckdb"
    db.parent.mkdir(parents=True)
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys
                conn = duckdb.connect({str(db)!r})
                print("locked", flush=True)
                sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    try:
        yield db
    finally:
        holder.communicate("\n", timeout=30)


def test_help_documents_every_command() -> None:
    parser = build_parser()
    text = parser.format_help()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():  # type: ignore[attr-defined]
        assert name in text
        helps = {a.dest: a.help for a in sub._choices_actions}  # type: ignore[attr-defined]
        assert helps.get(name), f"cqm {name} has no help line"
        for action in command._actions:
            if action.dest != "help":
                assert action.help or action.dest in ("seed", "scale", "port"), (name, action.dest)
    assert "CQM_HOME" in text and "CQM_DEBUG" in text
    out = subprocess.run([CQM, "--help"], capture_output=True, text=True, check=True)
    assert "materialize" in out.stdout and "dashboard" in out.stdout


def test_missing_settings(env: dict[str, str], tmp_path: Path) -> None:
    env["CQM_CONFIG"] = str(Path(__file__).resolve().parent.parent / "cqm.yml")
    res = _cqm("materialize", env=env)
    line = _one_sentence(res.stderr)
    assert res.returncode == 1
    assert "source settings missing: crm.url (or CQM_CRM_URL)" in line and "--demo" in line


def test_missing_config_file(env: dict[str, str], tmp_path: Path) -> None:
    env["CQM_CONFIG"] = str(tmp_path / "nope.yml")
    line = _one_sentence(_cqm("materialize", env=env).stderr)
    assert "nope.yml (CQM_CONFIG) does not exist" in line and "unset it" in line


def test_config_refers_to_unset_variable(env: dict[str, str], tmp_path: Path) -> None:
    cfg = tmp_path / "cqm.yml"
    cfg.write_text("sources:\n  erp:\n    kind: sql\n    url: sqlite:///${ERP_DIR}/erp.sqlite\n")
    env["CQM_CONFIG"] = str(cfg)
    line = _one_sentence(_cqm("materialize", env=env).stderr)
    assert "${ERP_DIR}" in line and "fix cqm.yml or set the variable" in line


def test_locked_build_file(env: dict[str, str], locked: Path) -> None:
    for command in ("materialize", "publish"):
        res = (
            _cqm(command, "--demo", env=env) if command == "materialize" else _cqm(command, env=env)
        )
        line = _one_sentence(res.stderr)
        assert res.returncode == 1
        assert "is locked by another process (PID" in line, line
        assert "serving.duckdb, read-only" in line, line


def test_dashboard_without_serving_file(env: dict[str, str]) -> None:
    line = _one_sentence(_cqm("dashboard", env=env).stderr)
    assert "no serving file" in line and "cqm demo" in line


def test_publish_without_build_file(env: dict[str, str]) -> None:
    line = _one_sentence(_cqm("publish", env=env).stderr)
    assert "no build file" in line and "cqm materialize" in line


def test_unreachable_crm_names_the_fix() -> None:
    """The CRM connector's own error, as the run reports it, gets the fix appended."""
    from ingestion.crm.extract import CrmClient, CrmError

    client = CrmClient("http://127.0.0.1:9", "token", max_retries=0)
    with pytest.raises(CrmError) as err:
        client.pages("Case", "1970-01-01T00:00:00Z").__next__()
    client.close()
    sentence = explain(f"extract_crm: {err.value}")
    assert "cannot reach http://127.0.0.1:9" in sentence
    assert sentence.endswith("crm.url in cqm.yml, or CQM_CRM_URL")


@pytest.mark.parametrize(
    ("message", "fix"),
    [
        ("erp: cannot open SQLite database /x/erp.sqlite (unable to open)", "CQM_ERP_URL"),
        ("logistics: landing folder /x does not exist", "CQM_LOGISTICS_DIR"),
        ("crm: http://h/x answered HTTP 401: no", "CQM_CRM_TOKEN"),
        ("surveys: cannot reach http://127.0.0.1:9 (ConnectError: refused)", "CQM_SURVEYS_URL"),
        ("surveys: http://h/API/v3/surveys answered HTTP 401: no", "CQM_SURVEYS_TOKEN"),
        ("check gx_raw_erp_vbap on raw/erp_vbap: 3 rows with kwmeng < 0", "validation_report.html"),
        (
            'IO Error: Could not set lock on file "/w/serving.duckdb": Conflicting lock is held',
            "reopen it read-only",
        ),
    ],
)
def test_expected_failures_name_their_fix(message: str, fix: str) -> None:
    sentence = explain(message)
    assert fix in sentence and "\n" not in sentence


def test_dbt_errors_in_the_run_log_become_one_sentence(tmp_path: Path) -> None:
    from dagster_project.cli import _dbt_error

    log = tmp_path / "last_run.log"
    log.write_text(
        "\x1b[0m21:56:17  Encountered an error:\nParsing Error\n  Semantic Manifest validation failed.\n",
        encoding="utf-8",
    )
    assert _dbt_error(log) == (
        "dbt could not load the project (Parsing Error Semantic Manifest validation failed.); "
        "run `make check` to see where"
    )
    log.write_text(
        "21:56:17  Failure in model fct_shipments (models/marts/fct_shipments.sql)\n"
        "  Binder Error: column x not found\n",
        encoding="utf-8",
    )
    assert _dbt_error(log) == "dbt model fct_shipments: Binder Error: column x not found"


def test_demo_sources_serve_from_a_process_of_their_own(tmp_path: Path) -> None:
    """The simulated APIs run beside the pipeline's process, not in its threads, and stop with the context."""
    import multiprocessing
    import os

    import httpx

    from dagster_project.cli import demo_sources

    (tmp_path / "warehouse" / "sources" / "crm").mkdir(parents=True)
    (tmp_path / "warehouse" / "sources" / "surveys").mkdir()
    before = os.environ.get("CQM_CRM_URL")
    with demo_sources(tmp_path):
        url = os.environ["CQM_CRM_URL"]
        servers = [p for p in multiprocessing.active_children() if p.name == "cqm-demo-sources"]
        assert len(servers) == 1 and servers[0].pid != os.getpid()
        # alive and guarded: a request without the token is refused by the API, not by the network
        assert httpx.get(f"{url}/services/data/v59.0/query", timeout=10).status_code == 401
    assert os.environ.get("CQM_CRM_URL") == before
    assert not [p for p in multiprocessing.active_children() if p.name == "cqm-demo-sources"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/services/data/v59.0/query", timeout=5)


def test_demo_sources_name_the_files_an_api_could_not_read(tmp_path: Path) -> None:
    """The APIs listen before they read their files (the run starts meanwhile); files they cannot read are answered
    with the error, and a run that fails is reported with it."""
    import os

    import httpx

    from dagster_project.cli import CliError, demo_sources

    crm = tmp_path / "warehouse" / "sources" / "crm"
    crm.mkdir(parents=True)
    (tmp_path / "warehouse" / "sources" / "surveys").mkdir()
    (crm / "Account.jsonl").write_text('{"Id": "001A", "SystemModstamp": \n', encoding="utf-8")
    with (
        pytest.raises(CliError, match=r"did not start: the CRM API: .*Account\.jsonl"),
        demo_sources(tmp_path),
    ):
        response = httpx.get(
            f"{os.environ['CQM_CRM_URL']}/services/data/v59.0/query",
            headers={"Authorization": "Bearer demo-token"},
            timeout=30,
        )
        assert response.status_code == 500
        assert "could not read its files" in response.text
        raise RuntimeError("crm: HTTP 500")
