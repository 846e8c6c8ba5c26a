"""The embedded default backend: DuckDB, in process, no server."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import duckdb
import pyarrow as pa

from kqlhunt.backends.base import to_result
from kqlhunt.catalog import TableData
from kqlhunt.compiler import CompiledQuery
from kqlhunt.errors import BackendError
from kqlhunt.result import QueryResult

log = logging.getLogger(__name__)


def _naive_timestamps(table: pa.Table) -> pa.Table:
    """DuckDB compares naive timestamps without a session time zone: hold UTC as naive."""
    fields = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            fields.append(pa.field(field.name, pa.timestamp(field.type.unit)))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields))


class DuckDBBackend:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        config: dict[str, str | bool | int | float | list[str]] = {}
        if threads:
            config["threads"] = threads
        self.connection = duckdb.connect(":memory:", config=config)
        self.connection.execute("SET TimeZone = 'UTC'")
        self._tables: dict[str, pa.Table] = {}

    def load(self, tables: Iterable[TableData]) -> None:
        for table in tables:
            data = _naive_timestamps(table.data)
            self._tables[table.name] = data  # keep the Arrow data alive while registered
            self.connection.register(table.name, data)

    def run(self, query: CompiledQuery) -> QueryResult:
        sql = query.to_sql(self.dialect)
        log.debug("DuckDB SQL: %s", sql)
        try:
            rows = self.connection.execute(sql).fetchall()
        except duckdb.Error as error:
            raise BackendError(f"DuckDB failed to run the compiled query: {error}") from error
        return to_result(query, rows)

    def close(self) -> None:
        self.connection.close()
