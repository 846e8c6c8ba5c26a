"""The embedded default backend: DuckDB, in process, no server."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa
from duckdb.func import FunctionNullHandling, PythonUDFType
from duckdb.sqltypes import VARCHAR
from sqlglot import exp, parse_one

from kqlhunt.backends.base import to_result
from kqlhunt.catalog import TableData
from kqlhunt.command_line import PARSE_COMMAND_LINE_FUNCTION, parse_command_line_json
from kqlhunt.compiler import CompiledQuery
from kqlhunt.compiler.sqltypes import SQL_TYPES
from kqlhunt.errors import BackendError
from kqlhunt.result import QueryResult
from kqlhunt.types import KqlType
from kqlhunt.xml_json import PARSE_XML_FUNCTION, ParsedXml

log = logging.getLogger(__name__)

# What DuckDB's Python client raises (as a RuntimeError) when Ctrl-C stops a query.
_INTERRUPTED = "Query interrupted"


def _naive_timestamps(table: pa.Table) -> pa.Table:
    """DuckDB compares naive timestamps without a session time zone: hold UTC as naive."""
    fields = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            fields.append(pa.field(field.name, pa.timestamp(field.type.unit)))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields))


def _parse_command_line_batch(texts: pa.Array) -> pa.Array:
    values = texts.to_pylist()
    return pa.array([parse_command_line_json(text) for text in values], type=pa.string())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_select(table: TableData) -> str:
    """The SELECT reading a Parquet-backed table: its declared columns in order, times as naive
    UTC like the Arrow tables. A column a file lacks (written before the table had it) reads as
    Kusto's empty value: "" for a string, a typed null otherwise."""
    files = ", ".join(_literal(path) for path in table.files)
    held = table.file_columns()
    columns = []
    for field in table.arrow_schema:
        name = _quote(field.name)
        kql_type = table.columns[field.name]
        if field.name not in held.some:
            columns.append(f"{_empty_value(kql_type)} AS {name}")
        elif pa.types.is_timestamp(field.type):
            columns.append(f"CAST({name} AS TIMESTAMP) AS {name}")
        elif kql_type is KqlType.STRING and field.name not in held.every:
            columns.append(f"COALESCE({name}, '') AS {name}")
        else:
            columns.append(name)
    # Reading by name is needed only when the files' columns differ; binding it opens every file.
    union = "" if held.uniform else ", union_by_name = true"
    source = f"read_parquet([{files}]{union})"
    return f"SELECT {', '.join(columns)} FROM {source}"


def _empty_value(kql_type: KqlType) -> str:
    if kql_type is KqlType.STRING:
        return "''"
    return f"CAST(NULL AS {SQL_TYPES[kql_type].replace('JSON', 'VARCHAR')})"  # dynamic is text


# DuckDB's regexp_extract takes group numbers 0 to 9; a later group is read by name instead.
_LAST_NUMBERED_GROUP = 9


def duckdb_sql(query: CompiledQuery) -> str:
    """The compiled query in DuckDB's SQL."""
    if not any(map(_rewritten, query.sql.find_all(exp.RegexpExtract, exp.Anonymous))):
        return query.to_sql("duckdb")
    tree = query.sql.copy()
    for node in list(tree.find_all(exp.RegexpExtract, exp.Anonymous)):
        if isinstance(node, exp.RegexpExtract) and _rewritten(node):
            group = _group(node)
            names = exp.Array(
                expressions=[exp.Literal.string(f"g{i}") for i in range(1, group + 1)]
            )
            by_name = exp.Anonymous(
                this="REGEXP_EXTRACT", expressions=[node.this, node.expression, names]
            )
            node.replace(exp.Bracket(this=by_name, expressions=[exp.Literal.string(f"g{group}")]))
        elif isinstance(node, exp.Anonymous) and _rewritten(node):
            node.replace(_any_in_list(*node.expressions))
    return tree.sql(dialect="duckdb", copy=False)  # the tree is a copy already


def _rewritten(node: exp.Expr) -> bool:
    """Whether DuckDB needs `node` in another form: a regex group past the numbered ones, or
    a test of two lists for a common item."""
    if isinstance(node, exp.RegexpExtract):
        return _group(node) > _LAST_NUMBERED_GROUP
    return isinstance(node, exp.Anonymous) and node.name.upper() == "LIST_HAS_ANY"


def _group(node: exp.RegexpExtract) -> int:
    group = node.args.get("group")
    return int(group.name) if isinstance(group, exp.Literal) and group.is_int else 0


def _any_in_list(items: exp.Expr, listed: exp.Expr) -> exp.Expr:
    """Whether a row's list `items` shares an item with the constant list `listed`. DuckDB's
    list_has_any compares every pair (slow for an IOC list of thousands against each row); as
    a semi-join of the unnested lists it hashes the constant list once."""
    template = parse_one(
        "EXISTS (SELECT 1 FROM (SELECT UNNEST(__items) AS item) WHERE item IN "
        "(SELECT UNNEST(__listed)))",
        read="duckdb",
    )
    for column in list(template.find_all(exp.Column)):
        if column.name in ("__items", "__listed"):
            column.replace(items if column.name == "__items" else listed)
    return template


class DuckDBBackend:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        config: dict[str, str | bool | int | float | list[str]] = {}
        if threads:
            config["threads"] = threads
        self.connection = duckdb.connect(":memory:", config=config)
        self.connection.execute("SET TimeZone = 'UTC'")
        parsed_xml = ParsedXml()
        self.connection.create_function(
            PARSE_XML_FUNCTION,
            lambda texts: pa.array([parsed_xml(t) for t in texts.to_pylist()], type=pa.string()),
            [VARCHAR],
            VARCHAR,
            type=PythonUDFType.ARROW,  # a batch of values per call, not one call per row
            null_handling=FunctionNullHandling.SPECIAL,
            side_effects=False,
        )
        self.connection.create_function(
            PARSE_COMMAND_LINE_FUNCTION,
            _parse_command_line_batch,
            [VARCHAR],
            VARCHAR,
            type=PythonUDFType.ARROW,
            null_handling=FunctionNullHandling.SPECIAL,
            side_effects=False,
        )
        self._tables: dict[str, pa.Table] = {}
        self._views: set[str] = set()

    def load(self, tables: Iterable[TableData]) -> None:
        """Register tables; a table given again under another name in the same call (an alias
        such as imProcess for imProcessCreate) becomes a view of the first, not a second copy.

        Aliases are matched within one call only: the objects are alive for its whole length,
        so their identities cannot be reused by newer tables.
        """
        tables = list(tables)
        first_names: dict[object, str] = {}
        for table in tables:
            identity: object = table.files or id(table.data)
            first = first_names.setdefault(identity, table.name)
            if first != table.name:
                self._view(table.name, f"SELECT * FROM {_quote(first)}")
            elif table.files:
                self._view(table.name, _parquet_select(table))
            else:
                self._drop(table.name)
                data = _naive_timestamps(table.data)
                self._tables[table.name] = data  # keep the Arrow data alive while registered
                self.connection.register(table.name, data)

    def _drop(self, name: str) -> None:
        if name in self._tables:
            self.connection.unregister(name)
            del self._tables[name]
        if name in self._views:
            self.connection.execute(f"DROP VIEW IF EXISTS {_quote(name)}")
            self._views.discard(name)

    def _view(self, name: str, select: str) -> None:
        self._drop(name)
        self.connection.execute(f"CREATE OR REPLACE VIEW {_quote(name)} AS {select}")
        self._views.add(name)

    def run(self, query: CompiledQuery) -> QueryResult:
        sql = duckdb_sql(query)
        log.debug("DuckDB SQL: %s", sql)
        return to_result(query, self._execute(sql))

    def _execute(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return self.connection.execute(sql).fetchall()
        except duckdb.Error as error:
            raise BackendError(f"DuckDB failed to run the compiled query: {error}") from error
        except RuntimeError as error:
            # DuckDB stops a query on Ctrl-C and raises this instead of KeyboardInterrupt.
            if str(error) == _INTERRUPTED:
                raise KeyboardInterrupt from error
            raise

    def materialize(self, name: str, query: CompiledQuery) -> None:
        sql = f"CREATE OR REPLACE TEMP TABLE {_quote(name)} AS {duckdb_sql(query)}"
        log.debug("DuckDB SQL: %s", sql)
        self._execute(sql)

    def drop(self, name: str) -> None:
        self.connection.execute(f"DROP TABLE IF EXISTS {_quote(name)}")

    def close(self) -> None:
        self.connection.close()
