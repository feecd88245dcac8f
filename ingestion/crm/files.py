"""CRM from files: a folder of exports, one or more files per object named <Object>*.jsonl or
<Object>*.csv (e.g. a Salesforce Data Loader export: Case.csv, CaseHistory.csv). Field names are the
API names of the landing contracts. Each file is landed once per content (name and hash)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import duckdb
import polars as pl

from ingestion.common.contract import conform, load_contract
from ingestion.common.landing import LoadResult, file_already_loaded, land, new_batch_id
from ingestion.crm import settings
from ingestion.crm.normalize import records_to_frame
from ingestion.logistics.normalize import decode


class CrmFilesError(RuntimeError):
    pass


def extract(
    conn: duckdb.DuckDBPyConnection, folder: Path, *, objects: list[str] | None = None
) -> dict[str, LoadResult]:
    """Land every CRM object's new export files (or those of `objects`); returns a LoadResult per landed table."""
    if not folder.is_dir():
        raise CrmFilesError(f"crm: export folder {folder} does not exist")
    results: dict[str, LoadResult] = {}
    for obj, table in settings.STREAMS.items():
        if objects is not None and obj not in objects:
            continue
        contract = load_contract("crm", table)
        total = LoadResult(table=table)
        batch = new_batch_id()
        files = sorted(
            p
            for p in folder.iterdir()
            if p.suffix in (".jsonl", ".csv") and (p.stem == obj or p.stem.startswith(f"{obj}_"))
        )
        for path in files:
            data = path.read_bytes()
            key = f"{path.name}@{hashlib.sha256(data).hexdigest()[:16]}"
            if file_already_loaded(conn, "crm", table, key):
                continue
            text = decode(data)
            if path.suffix == ".jsonl":
                records = []
                for n, line in enumerate(text.splitlines(), start=1):
                    if not line.strip():
                        continue
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise CrmFilesError(
                            f"crm: file {path.name} line {n} is not valid JSON ({exc.msg})"
                        ) from exc
                if not records:
                    continue
                good, bad, extra = records_to_frame(records, contract, source_file=path.name)
            else:
                df = pl.read_csv(io.StringIO(text), infer_schema=False)
                good, bad, extra = conform(df, contract, source_file=path.name, line_offset=1)
            total.add(
                land(
                    conn,
                    contract,
                    good,
                    bad,
                    source_label=f"crm:files {folder}",
                    batch_id=batch,
                    source_file=key,
                    extra_columns=extra,
                )
            )
        results[table] = total
    return results
