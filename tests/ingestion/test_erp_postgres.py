"""The ERP connector against a real PostgreSQL: a throwaway cluster on 127.0.0.1 (initdb in a temp
dir, a free port), seeded by the simulator. In CI (CI=true) this test must run, never skip."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.erp import settings
from ingestion.erp.extract import extract
from simulator.to_postgres import copy_sqlite_to_postgres


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(versions[0]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pg_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries (initdb) are missing; .ci/run installs them")
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    # pytest's temp root is private to its user; the cluster gets a temp dir of its own
    root = Path(tempfile.mkdtemp(prefix="cqm-pg-"))
    data = root / "pgdata"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the cluster as the postgres user
        as_user = ["runuser", "-u", "postgres", "--"]
        root.chmod(0o777)
    port = _free_port()
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "cqm",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [
            *as_user,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
            "-k",
            str(root),
            "-F",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql://cqm@127.0.0.1:{port}/postgres"
    try:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def test_erp_extract_from_postgres_matches_sqlite(
    tiny_sources: Path, tmp_path: Path, pg_url: str
) -> None:
    sqlite_path = tiny_sources / "erp" / "erp.sqlite"
    counts = copy_sqlite_to_postgres(sqlite_path, pg_url)
    assert set(settings.TABLES) <= set(counts)
    with (
        duckdb.connect(str(tmp_path / "pg.duckdb")) as pg,
        duckdb.connect(str(tmp_path / "lite.duckdb")) as lite,
    ):
        from_pg = extract(pg, pg_url)
        from_lite = extract(lite, f"sqlite:///{sqlite_path}")
        for table, res in from_lite.items():
            assert from_pg[table].rows_landed == res.rows_landed, table
        for table in ("erp_vbap", "erp_qase", "erp_capa"):
            cols = "* exclude (_source, _source_file, _batch_id, _loaded_at, _source_line)"
            q = f"select {cols} from raw.{table} order by all"
            assert pg.execute(q).fetchall() == lite.execute(q).fetchall(), table
        # incremental and idempotent on PostgreSQL too
        assert all(r.rows_landed == 0 for r in extract(pg, pg_url).values())
