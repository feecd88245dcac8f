"""New source data for the incremental run: 1 % more sales orders in the ERP.

The newest 1 % of the orders (VBAK) are copied with new order numbers, with their lines (VBAP), and
stamped with the latest change date (AEDAT), as if they had been entered since the last load.
New orders have no deliveries yet; every other source stays unchanged, so an incremental run sees
what a day of new orders looks like: about 1 % more order lines.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path


def _cols(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"pragma table_info({table})")]


def add_new_orders(erp_sqlite: Path, fraction: float = 0.01) -> dict[str, int]:
    """Append `fraction` new orders (copies of the newest ones); returns rows added per table."""
    conn = sqlite3.connect(erp_sqlite)
    try:
        (orders,) = conn.execute("select count(*) from VBAK").fetchone()
        k = max(1, math.ceil(orders * fraction))
        (top,) = conn.execute("select max(cast(VBELN as integer)) from VBAK").fetchone()
        width = len(conn.execute("select VBELN from VBAK limit 1").fetchone()[0])
        conn.execute("drop table if exists temp.bench_new_orders")
        conn.execute(
            "create temp table bench_new_orders as select VBELN as old_vbeln, "
            f"printf('%0{width}d', ? + row_number() over (order by VBELN)) as new_vbeln "
            "from (select VBELN from VBAK order by VBELN desc limit ?)",
            (top, k),
        )
        added = {}
        for table in ("VBAK", "VBAP"):
            (aedat,) = conn.execute(f"select max(AEDAT) from {table}").fetchone()
            cols = _cols(conn, table)
            select = ", ".join(
                "m.new_vbeln" if c == "VBELN" else "?" if c == "AEDAT" else f"t.{c}" for c in cols
            )
            cur = conn.execute(
                f"insert into {table} ({', '.join(cols)}) select {select} from {table} t "
                "join temp.bench_new_orders m on t.VBELN = m.old_vbeln",
                (aedat,),
            )
            added[table] = cur.rowcount
        conn.commit()
        return added
    finally:
        conn.close()
