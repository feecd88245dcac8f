"""Dagster resources: where the warehouse is and how to reach each source.

Source settings come from cqm.yml (ingestion/common/config.py); `${VAR}` values and the CQM_* override
variables become dg.EnvVar, resolved when a run starts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.common.config import Setting, SourceConfig, load_sources
from ingestion.common.landing import connect_warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The build file (written only by the pipeline), the serving file and its Parquet copies."""

    home: str

    @property
    def warehouse_dir(self) -> Path:
        return Path(self.home).resolve() / "warehouse"

    @property
    def build_path(self) -> Path:
        return self.warehouse_dir / "cqm.duckdb"

    @property
    def serving_path(self) -> Path:
        return self.warehouse_dir / "serving.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet"

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one read-write connection to the build file; closed before the next step opens it."""
        self.warehouse_dir.mkdir(parents=True, exist_ok=True)
        conn = connect_warehouse(self.build_path)
        try:
            yield conn
        finally:
            conn.close()


class CrmSource(dg.ConfigurableResource):
    base_url: str = ""
    token: str = ""
    kind: str = "rest"
    path: str = ""


class ErpSource(dg.ConfigurableResource):
    url: str


class FolderSource(dg.ConfigurableResource):
    path: str


class SurveySource(FolderSource):
    """Survey exports in a folder (kind files) or a Qualtrics-like API (kind rest: base_url, token)."""

    path: str = ""
    kind: str = "files"
    base_url: str = ""
    token: str = ""


def _value(setting: Setting) -> str | dg.EnvVar:
    return dg.EnvVar(setting.env) if setting.env else (setting.value or "")


def _survey_resource(cfg: SourceConfig) -> SurveySource:
    if cfg.kind == "rest":
        return SurveySource(
            kind="rest", base_url=_value(cfg.get("url")), token=_value(cfg.get("token"))
        )
    return SurveySource(path=_value(cfg.get("path")))


def default_resources() -> dict[str, object]:
    from dagster_project.defs.transform import DBT_PROJECT, ProjectDbtCli

    cfg = load_sources()
    crm = cfg["crm"]
    crm_resource = (
        CrmSource(kind="files", path=_value(crm.get("path")))
        if crm.kind == "files"
        else CrmSource(base_url=_value(crm.get("url")), token=_value(crm.get("token")))
    )
    return {
        "warehouse": WarehouseResource(home=dg.EnvVar("CQM_HOME")),
        "crm": crm_resource,
        "erp": ErpSource(url=_value(cfg["erp"].get("url"))),
        "logistics_inbox": FolderSource(path=_value(cfg["logistics"].get("path"))),
        "survey_exports": _survey_resource(cfg["surveys"]),
        # the dbt of this virtualenv, whether or not the virtualenv is on PATH
        "dbt": ProjectDbtCli(
            project_dir=str(DBT_PROJECT.project_dir),
            profiles_dir=str(DBT_PROJECT.profiles_dir),
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        ),
    }
