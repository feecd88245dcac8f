"""Pure functions: CRM JSON records to contract-conformed frames."""

from __future__ import annotations

from typing import Any

import polars as pl

from ingestion.common.contract import Contract, conform


def records_to_frame(
    records: list[dict[str, Any]],
    contract: Contract,
    *,
    source_file: str,
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Flatten a page of JSON records (all values as text) and conform it to the contract."""
    keys: list[str] = []
    for r in records:
        for k in r:
            if k not in keys and k != "attributes":
                keys.append(k)
    data = {
        k: [
            None
            if r.get(k) is None
            else str(r.get(k))
            if not isinstance(r.get(k), bool)
            else str(r.get(k)).lower()
            for r in records
        ]
        for k in keys
    }
    df = pl.DataFrame(data, schema={k: pl.Utf8 for k in keys})
    return conform(df, contract, source_file=source_file)


def cursor_after(records: list[dict[str, Any]], current: str) -> str:
    """The next updated_since: the largest SystemModstamp (or CreatedDate) seen, never moving backwards."""
    stamps = [str(r.get("SystemModstamp") or r.get("CreatedDate") or "") for r in records]
    best = max([s for s in stamps if s], default=current)
    return max(best, current)
