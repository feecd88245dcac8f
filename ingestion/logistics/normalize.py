"""Pure functions: read a carrier event file into a frame of text columns, whatever its encoding."""

from __future__ import annotations

import io

import polars as pl


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to cp1252, as carrier portals export."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv_text(text: str) -> pl.DataFrame:
    """All columns as text; the contract does the typing so bad values are quarantined, not dropped."""
    sample = text[:4096]
    sep = ";" if sample.count(";") > sample.count(",") else ","
    return pl.read_csv(
        io.StringIO(text), separator=sep, infer_schema=False, truncate_ragged_lines=False
    )
