"""Dagster resources: where the warehouse is and how to reach each source. Values come from env vars."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb


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
        conn = duckdb.connect(str(self.build_path))
        try:
            yield conn
        finally:
            conn.close()


class CrmSource(dg.ConfigurableResource):
    base_url: str
    token: str


class ErpSource(dg.ConfigurableResource):
    url: str


class FolderSource(dg.ConfigurableResource):
    path: str


def default_resources() -> dict[str, object]:
    from dagster_dbt import DbtCliResource

    from dagster_project.defs.transform import DBT_PROJECT

    return {
        "warehouse": WarehouseResource(home=dg.EnvVar("CQM_HOME")),
        "crm": CrmSource(base_url=dg.EnvVar("CQM_CRM_URL"), token=dg.EnvVar("CQM_CRM_TOKEN")),
        "erp": ErpSource(url=dg.EnvVar("CQM_ERP_URL")),
        "logistics_inbox": FolderSource(path=dg.EnvVar("CQM_LOGISTICS_DIR")),
        "survey_exports": FolderSource(path=dg.EnvVar("CQM_SURVEYS_DIR")),
        # the dbt of this virtualenv, whether or not the virtualenv is on PATH
        "dbt": DbtCliResource(
            project_dir=DBT_PROJECT, dbt_executable=str(Path(sys.executable).parent / "dbt")
        ),
    }
