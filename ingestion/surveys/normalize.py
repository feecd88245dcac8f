"""Pure functions for Qualtrics-like response exports."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from ingestion.common.contract import Contract, conform
from ingestion.logistics.normalize import decode
from ingestion.surveys import settings

__all__ = [
    "decode",
    "export_timezone",
    "read_export",
    "read_export_chunks",
    "responses_to_frame",
    "utc_to_local_text",
]

_QID = re.compile(r"^QID(\d+(?:_\d+)?)$")


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
    header, tz, skip, chunks = read_export_chunks(io.StringIO(text), default_timezone)
    frames = list(chunks)
    if header is None:
        return pl.DataFrame(), default_timezone, 0
    if not frames:
        return pl.DataFrame(schema={h: pl.Utf8 for h in header}), tz, skip
    return pl.concat(frames), tz, skip


def read_export_chunks(
    stream: Iterable[str], default_timezone: str = "UTC", chunk_rows: int = 50_000
) -> tuple[list[str] | None, str, int, Iterator[pl.DataFrame]]:
    """Read an export as it streams: (column header, export time zone, header rows, frames of at most
    `chunk_rows` responses as text columns). The header is None when the export is empty. A
    large export is never held whole: as Python strings it took about ten times its size."""
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return None, default_timezone, 0, iter(())
    # a Qualtrics export has two more header rows: question texts and ImportId JSON
    head = list(itertools.islice(reader, 2))
    tz, skip = default_timezone, 1
    if len(head) == 2 and head[1] and head[1][0].lstrip().startswith("{"):
        tz, skip = export_timezone(head[1], default_timezone), 3
        head = []
    schema = {h: pl.Utf8 for h in header}

    def frames() -> Iterator[pl.DataFrame]:
        rows = iter(itertools.chain(head, reader))
        while body := list(itertools.islice(rows, chunk_rows)):
            yield pl.DataFrame(
                {h: [r[i] if i < len(r) else None for r in body] for i, h in enumerate(header)},
                schema=schema,
            )

    return header, tz, skip, frames()


def utc_to_local_text(value: str, zone: ZoneInfo) -> str:
    """'2025-03-05T14:22:10Z' as wall-clock text in `zone` ('2025-03-05 09:22:10'); other text unchanged."""
    try:
        ts = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return value
    return ts.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _column(key: str) -> str:
    if key in settings.API_VALUE_COLUMNS:
        return settings.API_VALUE_COLUMNS[key]
    m = _QID.match(key)
    return f"Q{m.group(1)}" if m else key


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def responses_to_frame(
    responses: list[dict[str, Any]],
    contract: Contract,
    *,
    survey_id: str,
    timezone: str,
    source_file: str,
) -> tuple[pl.DataFrame, pl.DataFrame, list[str], int]:
    """A page of API responses as the CSV export's columns, conformed to the contract.

    Returns (good, quarantined, extra_columns, duplicates_dropped): a ResponseId delivered twice in the
    page counts once (the last delivery wins); line numbers are positions in the page."""
    zone = ZoneInfo(timezone)
    last: dict[str, int] = {}
    for i, r in enumerate(responses):
        rid = r.get("responseId") or (r.get("values") or {}).get("_recordId")
        last[str(rid) if rid is not None else f"\x00{i}"] = i
    keep = sorted(last.values())
    columns: list[str] = []
    rows: list[dict[str, str | None]] = []
    for i in keep:
        values = dict(responses[i].get("values") or {})
        if "_recordId" not in values and responses[i].get("responseId") is not None:
            values["_recordId"] = responses[i]["responseId"]
        row: dict[str, str | None] = {}
        for key, value in values.items():
            col = _column(key)
            text = _text(value)
            if key in settings.API_TIMESTAMPS and text is not None:
                text = utc_to_local_text(text, zone)
            row[col] = text
            if col not in columns:
                columns.append(col)
        rows.append(row)
    df = pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema={c: pl.Utf8 for c in columns}
    ).with_columns(pl.lit(survey_id).alias("survey_id"), pl.lit(timezone).alias("source_timezone"))
    lines = pl.Series("_source_line", [i + 1 for i in keep], dtype=pl.Int64)
    good, bad, extra = conform(df, contract, source_file=source_file, line_numbers=lines)
    return good, bad, extra, len(responses) - len(keep)
