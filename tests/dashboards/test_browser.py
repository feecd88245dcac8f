"""Every dashboard page in a real headless browser: Debian's chromium driven by pip playwright.

`streamlit run` serves the app on 127.0.0.1 from a home that holds only the serving file; the test
loads each page, waits for its Vega charts, checks that no error or exception element shows and
that the browser requested nothing from another host (the charts render offline), and saves a
screenshot per page under test-artifacts/dashboards/. The browser is the system one
(`make test` installs it with apt-get when missing); it is never downloaded. Without it the test
skips locally and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.dashboards.conftest import APP, PAGES, ROOT

ARTIFACTS = ROOT / "test-artifacts" / "dashboards"
# pages with at least this many Vega charts once loaded
MIN_CHARTS = {
    "": 3,
    "satisfaction": 3,
    "impact": 4,
    "complaints": 2,
    "root_cause": 4,
    "training": 1,
    "suppliers": 3,
    "spc": 1,
    "delivery": 3,
}


def _chromium() -> str:
    found = os.environ.get("CQM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(
                "chromium is not installed: run `make chromium` (apt-get install -y chromium)"
            )
        pytest.skip("chromium is not installed (make chromium)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(dashboard_home: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CQM_HOME": str(dashboard_home)}
    log = (dashboard_home / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "streamlit"),
            "run",
            str(APP),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--global.developmentMode",
            "false",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(ROOT),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "streamlit did not start: " + (dashboard_home / "streamlit.log").read_text()
                )
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_every_page_in_chromium(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    foreign: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on(
                "request",
                lambda r: (
                    foreign.append(r.url)
                    if urlparse(r.url).hostname not in ("127.0.0.1", None)
                    and not r.url.startswith(("data:", "blob:"))
                    else None
                ),
            )
            for _, url, header, _ in PAGES:
                page.goto(f"{server}/{url}", wait_until="domcontentloaded")
                page.get_by_role("heading", name=header).wait_for(timeout=60_000)
                charts = page.locator(".vega-embed canvas, .vega-embed svg.marks")
                deadline = time.monotonic() + 60
                while charts.count() < MIN_CHARTS[url] and time.monotonic() < deadline:
                    page.wait_for_timeout(250)
                # the script has finished when the status widget no longer says it is running
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                    timeout=60_000,
                )
                page.wait_for_timeout(500)
                name = url or "scorecard"
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                assert charts.count() >= MIN_CHARTS[url], f"{name}: {charts.count()} charts"
                assert page.locator('[data-testid="stException"]').count() == 0, name
                assert page.locator('[data-testid="stAlertContentError"]').count() == 0, name
                assert page.get_by_text("Data as of").count() >= 1, name
        finally:
            browser.close()
    assert not foreign, f"the dashboards requested other hosts: {sorted(set(foreign))[:5]}"
