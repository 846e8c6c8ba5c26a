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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_select(table: TableData) -> str:
    """The SELECT reading a Parquet-backed table: its declared columns in order, times as naive
    UTC like the Arrow tables, columns a file lacks as typed nulls (union by name)."""
    files = ", ".join(_literal(path) for path in table.files)
    columns = []
    for field in table.arrow_schema:
        name = _quote(field.name)
        if pa.types.is_timestamp(field.type):
            columns.append(f"CAST({name} AS TIMESTAMP) AS {name}")
        else:
            columns.append(name)
    source = f"read_parquet([{files}], union_by_name = true)"
    return f"SELECT {', '.join(columns)} FROM {source}"


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
        # The first name each Arrow table or file set was loaded under; a table loaded again
        # under another name (an alias) becomes a view of it instead of a second copy.
        self._loaded: dict[object, str] = {}

    def load(self, tables: Iterable[TableData]) -> None:
        for table in tables:
            identity: object = table.files or id(table.data)
            first = self._loaded.get(identity)
            if first is not None and first != table.name:
                self._view(table.name, f"SELECT * FROM {_quote(first)}")
            elif table.files:
                self._view(table.name, _parquet_select(table))
            else:
                data = _naive_timestamps(table.data)
                self._tables[table.name] = data  # keep the Arrow data alive while registered
                self.connection.register(table.name, data)
            self._loaded.setdefault(identity, table.name)

    def _view(self, name: str, select: str) -> None:
        if name in self._tables:
            self.connection.unregister(name)
            del self._tables[name]
        self.connection.execute(f"CREATE OR REPLACE VIEW {_quote(name)} AS {select}")

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
