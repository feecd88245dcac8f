"""A throwaway PostgreSQL cluster for tests (initdb in a temp dir, a free port on 127.0.0.1), and a copy of
DuckDB tables into it. In CI (CI=true) a test that needs the server must run, never skip: the binaries
come with Debian's postgresql package (`make test` installs it when missing)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest


def pg_bin() -> Path | None:
    """The folder holding initdb and postgres (Debian keeps them off PATH), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(versions[0]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_pg_bin() -> Path:
    """The server binaries, or skip (fail in CI, where they must be installed)."""
    bindir = pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "PostgreSQL server binaries (initdb) are missing; `make test` installs them"
            )
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    return bindir


@contextmanager
def throwaway_cluster(bindir: Path) -> Iterator[str]:
    """Start a private cluster (trust auth, user cqm) and yield its URL; stop and delete it after."""
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
    # a test cluster: no durability needed, so no fsync and no full-page writes
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
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
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


def _pg_type(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith(("DECIMAL", "NUMERIC")):
        return t.replace("DECIMAL", "numeric")
    return {
        "VARCHAR": "text",
        "BIGINT": "bigint",
        "INTEGER": "integer",
        "SMALLINT": "smallint",
        "HUGEINT": "numeric",
        "DOUBLE": "double precision",
        "FLOAT": "real",
        "BOOLEAN": "boolean",
        "DATE": "date",
        "TIMESTAMP": "timestamp",
        "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
        "JSON": "text",
    }.get(t, "text")


def copy_schema_to_postgres(
    duck: duckdb.DuckDBPyConnection, pg_url: str, schema: str
) -> dict[str, int]:
    """Copy every table of one DuckDB schema into the same schema in PostgreSQL (CSV through COPY).

    Column types map one to one; row counts per table are returned."""
    import psycopg

    tables = [
        r[0]
        for r in duck.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name",
            [schema],
        ).fetchall()
    ]
    counts: dict[str, int] = {}
    with psycopg.connect(pg_url, autocommit=False) as pg:
        pg.execute(f'create schema if not exists "{schema}"')
        for table in tables:
            cols = duck.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
            ddl = ", ".join(f'"{c}" {_pg_type(t)}' for c, t in cols)
            pg.execute(f'drop table if exists "{schema}"."{table}"')
            pg.execute(f'create table "{schema}"."{table}" ({ddl})')
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "t.csv"
                # DuckDB writes null as an empty field and an empty string as "": PostgreSQL's CSV reads both so
                duck.execute(
                    f'copy "{schema}"."{table}" to \'{path}\' (format csv, header false, '
                    "timestampformat '%Y-%m-%d %H:%M:%S.%f%z')"
                )
                names = ", ".join(f'"{c}"' for c, _ in cols)
                with (
                    pg.cursor().copy(
                        f'copy "{schema}"."{table}" ({names}) from stdin (format csv)'
                    ) as cp,
                    path.open("rb") as fh,
                ):
                    while chunk := fh.read(1 << 20):
                        cp.write(chunk)
            n = pg.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
            counts[table] = int(n[0]) if n else 0
        pg.commit()
    return counts
