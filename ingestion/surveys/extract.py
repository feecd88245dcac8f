"""Land survey-tool response exports (Qualtrics-like CSV) from an export folder.

An export holds every response so far, so the same file is re-read whenever its content changes;
landing drops responses already landed with identical content. The survey id is the file stem.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import duckdb
import polars as pl

from ingestion.common.contract import ContractError, conform, load_contract
from ingestion.common.landing import (
    LoadResult,
    connect_warehouse,
    file_already_loaded,
    land,
    new_batch_id,
)
from ingestion.common.settings import build_db_path
from ingestion.surveys import settings
from ingestion.surveys.normalize import decode, read_export


class SurveyError(RuntimeError):
    pass


def extract(conn: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, LoadResult]:
    if not folder.is_dir():
        raise SurveyError(f"surveys: export folder {folder} does not exist")
    contract = load_contract("surveys", settings.TABLE)
    total = LoadResult(table=settings.TABLE)
    batch = new_batch_id()
    for path in sorted(folder.glob(settings.FILE_GLOB)):
        data = path.read_bytes()
        key = f"{path.name}@{hashlib.sha256(data).hexdigest()[:16]}"
        if file_already_loaded(conn, "surveys", settings.TABLE, key):
            continue
        df, tz, skipped = read_export(decode(data), settings.DEFAULT_TIMEZONE)
        if df.height == 0:
            continue
        df = df.with_columns(
            pl.lit(path.stem).alias("survey_id"), pl.lit(tz).alias("source_timezone")
        )
        lines = pl.Series(
            "_source_line", range(skipped + 1, skipped + 1 + df.height), dtype=pl.Int64
        )
        good, bad, extra = conform(df, contract, source_file=path.name, line_numbers=lines)
        total.add(
            land(
                conn,
                contract,
                good,
                bad,
                source_label=f"surveys:file {folder}",
                batch_id=batch,
                source_file=key,
                extra_columns=extra,
            )
        )
    return {settings.TABLE: total}


def main() -> None:
    p = argparse.ArgumentParser(description="Land survey exports into raw.surveys_responses.")
    p.add_argument("folder", type=Path)
    p.add_argument("--db", default=str(build_db_path()))
    a = p.parse_args()
    with connect_warehouse(a.db) as conn:
        try:
            res = extract(conn, a.folder)[settings.TABLE]
        except (SurveyError, ContractError) as exc:
            raise SystemExit(str(exc)) from None
        print(f"raw.{settings.TABLE}: {res.rows_landed} landed, {res.rows_quarantined} quarantined")


if __name__ == "__main__":
    main()
