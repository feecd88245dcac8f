"""Dagster's SQLite event log, without its per-event connection cost.

A run writes thousands of events (every dbt test and Great Expectations suite is an asset check with a planned
event and an evaluation, every model a materialization), and Dagster's SqliteEventLogStorage creates a new
SQLAlchemy engine, opens a SQLite connection and commits with a full fsync for each write, to the run's shard and
again to the index shard: about 11 ms per materialization event on this machine. This subclass keeps one engine
(with its connection pool) per shard for the life of the instance and sets `synchronous=NORMAL`, the usual
setting in WAL mode: a commit no longer waits for the disk, and a power cut can lose the last events but never
corrupts the file. Measured: 2.5 ms per event. Same files, same layout (`$DAGSTER_HOME/history/runs`), so the
Dagster UI reads the history as before; `warehouse/dagster/dagster.yaml` selects it."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine


def default_base_dir() -> str:
    """Where Dagster's default SQLite storage keeps the event log: $DAGSTER_HOME/history/runs."""
    return os.path.join(os.environ["DAGSTER_HOME"], "history", "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Engine] = {}
        self._tables: set[str] = set()
        super().__init__(base_dir or default_base_dir(), inst_data)

    @classmethod
    def config_type(cls) -> Any:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(base_dir=config_value.get("base_dir"), inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            event.listen(engine, "connect", _relaxed_sync)
            self._engines[shard] = engine
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Whether the index shard has this table. Dagster asks with every asset check evaluation and every tagged
        asset event, and its own answer builds a new engine and connection each time (0.4-2 ms, for each of a tiny
        run's 300 checks). A table, once there, stays for the life of the instance (`wipe` empties the index
        shard's tables, it does not drop them), so a yes is kept."""
        if table_name in self._tables:
            return True
        # Dagster's own lookup: Dagster asks inside an open connection (`_connect` holds the storage's lock)
        present = super().has_table(table_name)
        if present:
            self._tables.add(table_name)
        return present

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


def _relaxed_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
