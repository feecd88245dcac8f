"""Land survey-tool response exports (Qualtrics-like CSV) from an export folder.

An export holds every response so far, so the same file is re-read whenever its content changes;
landing drops responses already landed with identical content. The survey id is the file stem.
"""

from __future__ import annotations

import argparse
import codecs
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
from ingestion.common.prefetch import prefetched
from ingestion.common.settings import build_db_path
from ingestion.surveys import settings
from ingestion.surveys.normalize import read_export_chunks

READ_BYTES = 1 << 20


class SurveyError(RuntimeError):
    pass


def _fingerprint(path: Path) -> tuple[str, str]:
    """(sha256 prefix of the file, the text encoding to read it with), in one streaming pass:
    UTF-8 (with or without BOM), else cp1252, as `decode` chooses for a whole file."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8"
    with path.open("rb") as f:
        first = True
        while block := f.read(READ_BYTES):
            digest.update(block)
            if first and block.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            first = False
            if encoding != "cp1252":
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1252"
        if encoding != "cp1252":
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    return digest.hexdigest()[:16], encoding


def extract(conn: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, LoadResult]:
    if not folder.is_dir():
        raise SurveyError(f"surveys: export folder {folder} does not exist")
    contract = load_contract("surveys", settings.TABLE)
    total = LoadResult(table=settings.TABLE)
    batch = new_batch_id()
    for path in sorted(folder.glob(settings.FILE_GLOB)):
        digest, encoding = _fingerprint(path)
        key = f"{path.name}@{digest}"
        if file_already_loaded(conn, "surveys", settings.TABLE, key):
            continue
        # read and landed in chunks, in one transaction: the file lands whole or not at all
        with path.open(encoding=encoding, newline="") as stream:
            _, tz, skipped, chunks = read_export_chunks(
                stream, settings.DEFAULT_TIMEZONE, settings.CHUNK_ROWS
            )
            conn.execute("begin transaction")
            try:
                file_total = LoadResult(table=settings.TABLE, files=[key])
                first_line = skipped + 1
                # the next chunk is read by a thread while this one is conformed and landed
                for df in prefetched(chunks):
                    lines = pl.Series(
                        "_source_line", range(first_line, first_line + df.height), dtype=pl.Int64
                    )
                    first_line += df.height
                    good, bad, extra = conform(
                        df.with_columns(
                            pl.lit(path.stem).alias("survey_id"),
                            pl.lit(tz).alias("source_timezone"),
                        ),
                        contract,
                        source_file=path.name,
                        line_numbers=lines,
                    )
                    part = land(
                        conn,
                        contract,
                        good,
                        bad,
                        source_label=f"surveys:file {folder}",
                        batch_id=batch,
                        source_file=key,
                        extra_columns=extra,
                        in_transaction=True,
                    )
                    part.files = []
                    file_total.add(part)
                conn.execute("commit")
            except BaseException:
                conn.execute("rollback")
                raise
        if file_total.rows_read:
            total.add(file_total)
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
