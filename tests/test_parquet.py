"""The Parquet copy of every published table reads in polars and pandas with the serving table's rows and types."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq


def _published(serving: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(serving), read_only=True) as conn:
        rows = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'reporting', 'meta') order by 1, 2"
        ).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def _utc(schema: pl.Schema) -> dict[str, pl.DataType]:
    """DuckDB hands polars its session zone name (Etc/UTC); Parquet stores UTC: the same instants."""
    out: dict[str, pl.DataType] = {}
    for name, dtype in schema.items():
        if isinstance(dtype, pl.Datetime) and dtype.time_zone in ("Etc/UTC", "UTC"):
            dtype = pl.Datetime(dtype.time_unit, "UTC")
        out[name] = dtype
    return out


def _in_utc(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col(name).dt.convert_time_zone("UTC")
        for name, dtype in df.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone
    )


def check_parquet_copies(home: Path) -> int:
    serving = home / "warehouse" / "serving.duckdb"
    tables = _published(serving)
    assert {s for s, _ in tables} == {"marts", "reporting", "meta"}
    with duckdb.connect(str(serving), read_only=True) as conn:
        for schema, table in tables:
            path = home / "warehouse" / "parquet" / schema / f"{table}.parquet"
            assert path.exists(), f"no Parquet copy of {schema}.{table}"
            query = f'select * from {schema}."{table}"'
            # Arrow types: what the file stores is what the serving table holds
            arrow = conn.sql(query).to_arrow_table()
            stored = pq.read_schema(path)
            assert [f.name for f in stored] == arrow.column_names, table
            for field in stored:
                expected = arrow.schema.field(field.name).type
                got = field.type
                if hasattr(expected, "tz") and expected.tz:
                    assert got.tz in ("UTC", "Etc/UTC") and got.unit == expected.unit, field.name
                else:
                    assert got == expected, f"{schema}.{table}.{field.name}: {got} != {expected}"
            # polars: same schema (zone name aside) and the same rows
            want = _in_utc(conn.sql(query).pl())
            got_pl = _in_utc(pl.read_parquet(path))
            assert _utc(got_pl.schema) == _utc(want.schema), table
            assert got_pl.height == want.height
            if want.height:
                assert got_pl.sort(got_pl.columns, nulls_last=True).equals(
                    want.sort(want.columns, nulls_last=True)
                ), f"{schema}.{table}: rows differ"
            # pandas with Arrow-backed dtypes keeps DATE, nullable integers and booleans as they are
            got_pd = pd.read_parquet(path, dtype_backend="pyarrow")
            want_pd = arrow.to_pandas(types_mapper=pd.ArrowDtype)
            assert list(got_pd.columns) == list(want_pd.columns)
            assert len(got_pd) == len(want_pd)
            for col in got_pd.columns:
                a, b = str(got_pd[col].dtype), str(want_pd[col].dtype)
                assert a.replace("Etc/UTC", "UTC") == b.replace("Etc/UTC", "UTC"), (
                    table,
                    col,
                    a,
                    b,
                )
            # and the default pandas read (NumPy dtypes) has every row
            assert len(pd.read_parquet(path)) == len(want_pd)
    return len(tables)


def test_parquet_copies_match_serving_tables(pipeline_home: Path) -> None:
    assert check_parquet_copies(pipeline_home) >= 20
