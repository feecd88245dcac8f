"""Pure functions for Qualtrics-like response exports."""

from __future__ import annotations

import csv
import io
import json

import polars as pl

from ingestion.logistics.normalize import decode

__all__ = ["decode", "export_timezone", "read_export"]


def export_timezone(import_id_row: list[str], default: str) -> str:
    """The time zone named in the ImportId row (e.g. {"ImportId":"startDate","timeZone":"America/Denver"})."""
    for cell in import_id_row:
        try:
            meta = json.loads(cell)
        except (json.JSONDecodeError, TypeError):
            continue
        if isinstance(meta, dict) and meta.get("timeZone"):
            return str(meta["timeZone"])
    return default


def read_export(text: str, default_timezone: str = "UTC") -> tuple[pl.DataFrame, str, int]:
    """Return (responses as text columns, export time zone, number of header rows skipped)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return pl.DataFrame(), default_timezone, 0
    header = rows[0]
    skip = 1
    tz = default_timezone
    # a Qualtrics export has two more header rows: question texts and ImportId JSON
    if len(rows) > 2 and rows[2] and rows[2][0].lstrip().startswith("{"):
        tz = export_timezone(rows[2], default_timezone)
        skip = 3
    body = rows[skip:]
    width = len(header)
    data = {h: [r[i] if i < len(r) else None for r in body] for i, h in enumerate(header)}
    del width
    return pl.DataFrame(data, schema={h: pl.Utf8 for h in header}), tz, skip
