"""A dashboard home: only the published serving file of the session's tiny pipeline run, no build file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"

# (script under dashboards/, url path, header, what must show on the page)
PAGES = [
    ("views/scorecard.py", "", "Quality scorecard", "Final defective rate"),
    ("views/satisfaction.py", "satisfaction", "Customer satisfaction", "NPS"),
    ("views/impact.py", "impact", "How much quality moves satisfaction", "Dose-response"),
    ("views/complaints.py", "complaints", "Complaint funnel and SLA", "Resolution SLA breached"),
    (
        "views/root_cause.py",
        "root_cause",
        "Root causes and corrective actions",
        "CAPA / PDCA tracker",
    ),
    ("views/training.py", "training", "Training compliance", "Training hours per employee"),
    (
        "views/suppliers.py",
        "suppliers",
        "Supplier and carrier scorecards",
        "Carriers: on-time delivery",
    ),
    ("views/spc.py", "spc", "SPC control charts", "Signals"),
    ("views/delivery.py", "delivery", "Delivery performance", "By carrier and lane"),
]


@pytest.fixture(scope="session")
def dashboard_home(tmp_path_factory: pytest.TempPathFactory, pipeline_home: Path) -> Path:
    """A CQM_HOME holding only warehouse/serving.duckdb: the app must not need anything else."""
    home = tmp_path_factory.mktemp("dashboard_home")
    (home / "warehouse").mkdir()
    shutil.copy(
        pipeline_home / "warehouse" / "serving.duckdb", home / "warehouse" / "serving.duckdb"
    )
    return home
