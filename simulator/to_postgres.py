"""Copy the simulated ERP (SQLite) into a PostgreSQL database, so the ERP connector can be run
against a real server: `python -m simulator.to_postgres OUT/erp/erp.sqlite postgresql://...`."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

PG_TYPES = {"TEXT": "text", "REAL": "double precision", "INTEGER": "bigint"}


def copy_sqlite_to_postgres(sqlite_path: Path, url: str) -> dict[str, int]:
    """Create every table of the SQLite file in PostgreSQL (replacing it) and copy its rows."""
    import psycopg
    from psycopg import sql

    counts: dict[str, int] = {}
    src = sqlite3.connect(sqlite_path)
    try:
        tables = [
            r[0]
            for r in src.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        with psycopg.connect(url) as pg, pg.cursor() as cur:
            for table in tables:
                cols = [(r[1], r[2]) for r in src.execute(f'pragma table_info("{table}")')]
                cur.execute(sql.SQL("drop table if exists {}").format(sql.Identifier(table)))
                cur.execute(
                    sql.SQL("create table {} ({})").format(
                        sql.Identifier(table),
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(
                                sql.Identifier(c), sql.SQL(PG_TYPES.get(t.upper(), "text"))
                            )
                            for c, t in cols
                        ),
                    )
                )
                copy = sql.SQL("copy {} ({}) from stdin").format(
                    sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c, _ in cols)
                )
                n = 0
                with cur.copy(copy) as cp:
                    for row in src.execute(f'select * from "{table}"'):
                        cp.write_row(row)
                        n += 1
                counts[table] = n
            pg.commit()
    finally:
        src.close()
    return counts


def main() -> None:
    p = argparse.ArgumentParser(description="Copy the simulated ERP SQLite file into PostgreSQL.")
    p.add_argument("sqlite", type=Path)
    p.add_argument("url")
    a = p.parse_args()
    for table, n in copy_sqlite_to_postgres(a.sqlite, a.url).items():
        print(f"{table}: {n} rows")


if __name__ == "__main__":
    main()
