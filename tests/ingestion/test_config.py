"""cqm.yml: ${ENV} interpolation, secrets left to the environment, env overrides, and the CRM
files connector it can select."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.common.config import ConfigError, Setting, load_sources
from ingestion.crm.files import extract as extract_crm_files

YML = """
sources:
  crm:
    kind: files
    path: ${EXPORTS:-/data}/crm
  erp:
    url: postgresql://erp@${ERP_HOST}:5432/erp
  surveys:
    path: ${SURVEY_DIR}
"""


def test_interpolation_secrets_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "cqm.yml"
    path.write_text(YML)
    cfg = load_sources(path, {"ERP_HOST": "db.internal"})
    assert cfg["crm"].kind == "files" and cfg["crm"].get("path") == Setting(value="/data/crm")
    assert cfg["erp"].kind == "sql"
    assert cfg["erp"].get("url").value == "postgresql://erp@db.internal:5432/erp"
    # a whole ${VAR} stays a reference, resolved at run time
    assert cfg["surveys"].get("path") == Setting(env="SURVEY_DIR")
    assert cfg["logistics"].get("path") == Setting(env="CQM_LOGISTICS_DIR")
    # the CQM_* variables override the file when set
    over = load_sources(path, {"ERP_HOST": "x", "CQM_ERP_URL": "sqlite:///e.sqlite"})
    assert over["erp"].get("url") == Setting(env="CQM_ERP_URL")
    assert (
        over["erp"].get("url").resolve({"CQM_ERP_URL": "sqlite:///e.sqlite"})
        == "sqlite:///e.sqlite"
    )


def test_unset_variable_and_bad_kind_are_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "cqm.yml"
    path.write_text(YML)
    with pytest.raises(ConfigError, match=r"sources\.erp\.url refers to \$\{ERP_HOST\}"):
        load_sources(path, {})
    path.write_text("sources:\n  erp:\n    kind: mongo\n")
    with pytest.raises(ConfigError, match=r"sources\.erp\.kind is 'mongo'"):
        load_sources(path, {})


def test_project_cqm_yml_keeps_the_environment_variables_working() -> None:
    cfg = load_sources(Path(__file__).parents[2] / "cqm.yml", {})
    assert cfg["crm"].get("url") == Setting(env="CQM_CRM_URL")
    assert cfg["crm"].get("token") == Setting(env="CQM_CRM_TOKEN")
    assert cfg["erp"].get("url") == Setting(env="CQM_ERP_URL")


def test_crm_files_connector_lands_exports_once(tiny_sources: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "b.duckdb")) as conn:
        first = extract_crm_files(conn, tiny_sources / "crm")
        n_cases = sum(1 for line in (tiny_sources / "crm" / "Case.jsonl").open() if line.strip())
        assert first["crm_cases"].rows_landed + first["crm_cases"].rows_quarantined == n_cases
        assert first["crm_case_milestones"].rows_landed > 0
        again = extract_crm_files(conn, tiny_sources / "crm")
        assert all(r.rows_read == 0 for r in again.values())


def test_surveys_rest_kind_selects_the_api_resource_with_its_token_from_the_environment(
    tmp_path: Path, cqm_env: pytest.MonkeyPatch
) -> None:
    from dagster_project.resources import SurveySource, _survey_resource

    path = tmp_path / "cqm.yml"
    path.write_text(
        "sources:\n  surveys:\n    kind: rest\n    url: https://survey.example.com\n"
        "    token: ${SURVEY_TOKEN}\n"
    )
    cfg = load_sources(path, {})
    assert cfg["surveys"].kind == "rest"
    assert cfg["surveys"].get("token") == Setting(env="SURVEY_TOKEN"), "a secret stays a reference"
    cqm_env.setenv("SURVEY_TOKEN", "s3cret")
    res = _survey_resource(cfg["surveys"])
    assert isinstance(res, SurveySource) and res.kind == "rest" and res.path == ""
    assert res.base_url == "https://survey.example.com"


def test_cli_asks_for_exactly_the_settings_the_configured_kinds_need(
    tmp_path: Path, cqm_env: pytest.MonkeyPatch
) -> None:
    from dagster_project.cli import CliError, _check_sources_configured

    path = tmp_path / "cqm.yml"
    path.write_text(
        "sources:\n  crm: {kind: files, path: /data/crm}\n  erp: {url: 'sqlite:////data/erp.sqlite'}\n"
        "  logistics: {path: /data/inbox}\n"
        "  surveys: {kind: rest, url: 'https://survey.example.com', token: '${SURVEY_TOKEN}'}\n"
    )
    cqm_env.setenv("CQM_CONFIG", str(path))
    with pytest.raises(CliError, match=r"surveys\.token \(or SURVEY_TOKEN\)"):
        _check_sources_configured()
    cqm_env.setenv("SURVEY_TOKEN", "s3cret")
    _check_sources_configured()
