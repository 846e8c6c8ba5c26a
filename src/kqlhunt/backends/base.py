"""What a backend must offer, and how one is chosen by name."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, Protocol

from kqlhunt.catalog import TableData
from kqlhunt.compiler import CompiledQuery
from kqlhunt.errors import KqlHuntError
from kqlhunt.result import Column, QueryResult, Timespan
from kqlhunt.types import KqlType


class Backend(Protocol):
    """An engine that holds tables and runs compiled queries over them."""

    name: str
    dialect: str  # the sqlglot dialect the backend reads

    def load(self, tables: Iterable[TableData]) -> None:
        """Make the tables available to queries, replacing tables of the same name."""

    def run(self, query: CompiledQuery) -> QueryResult:
        """Execute a compiled query and return its rows as Python values."""

    def materialize(self, name: str, query: CompiledQuery) -> None:
        """Compute a query's rows once into a table `name` that later queries read."""

    def drop(self, name: str) -> None:
        """Forget a table made by `materialize`."""

    def close(self) -> None:
        """Release the engine's resources."""


def _duckdb() -> Backend:
    from kqlhunt.backends.duckdb import DuckDBBackend

    return DuckDBBackend()


def _spark() -> Backend:
    from kqlhunt.backends.spark import SparkBackend

    return SparkBackend()


_FACTORIES: dict[str, Callable[[], Backend]] = {"duckdb": _duckdb, "spark": _spark}


def available_backends() -> list[str]:
    return sorted(_FACTORIES)


def create_backend(name: str) -> Backend:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        known = ", ".join(available_backends())
        raise KqlHuntError(f"unknown engine {name!r}; available: {known}") from None
    return factory()


def to_python(value: Any, kql_type: KqlType) -> Any:
    """Turn a value as a backend returns it into the Python value of its KQL type."""
    if value is None:
        return "" if kql_type is KqlType.STRING else None
    if kql_type is KqlType.DATETIME and isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    if kql_type is KqlType.TIMESPAN:
        return Timespan(int(value))
    if kql_type is KqlType.DYNAMIC and isinstance(value, str):
        return json.loads(value)
    if kql_type in (KqlType.REAL, KqlType.DECIMAL):
        return float(value)
    return value


def to_result(query: CompiledQuery, rows: Iterable[tuple[Any, ...]]) -> QueryResult:
    columns = tuple(Column(name, kql_type) for name, kql_type in query.columns.items())
    types = [c.type for c in columns]
    converted = [tuple(to_python(v, t) for v, t in zip(row, types, strict=True)) for row in rows]
    return QueryResult(columns, converted)
