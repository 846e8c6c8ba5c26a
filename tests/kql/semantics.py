"""Helpers for the semantics tests: run KQL through the engine with a pinned clock."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.kql.literals import parse_timespan
from kqlhunt.result import QueryResult, Timespan
from kqlhunt.types import KqlType
from tests.conftest import PINNED_NOW

UTC = timezone.utc


def dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    """A UTC datetime: dt(2024, 1, 2, 3, 4)."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def ts(text: str) -> Timespan:
    """A timespan from Kusto's text form: ts("1.02:00:00"), ts("00:00:00.0000001")."""
    ticks = parse_timespan(text)
    assert ticks is not None, text
    return Timespan(ticks)


def events() -> TableData:
    """A small table with every common type and a row of nulls (strings are "" there)."""
    columns = {
        "Name": KqlType.STRING,
        "N": KqlType.LONG,
        "R": KqlType.REAL,
        "Flag": KqlType.BOOL,
        "When": KqlType.DATETIME,
    }
    rows: list[dict[str, object]] = [
        {"Name": "alpha", "N": 1, "R": 1.5, "Flag": True, "When": dt(2024, 1, 1)},
        {"Name": "Beta", "N": None, "R": None, "Flag": None, "When": None},
        {"Name": "", "N": 3, "R": -2.5, "Flag": False, "When": dt(2024, 2, 1, 6)},
    ]
    return TableData.from_rows("Events", columns, rows)


def run(query: str, *tables: TableData) -> QueryResult:
    """Run `query` over `tables` (the Events table when none are given) at PINNED_NOW."""
    engine = Engine(tables or (events(),), now=PINNED_NOW)
    try:
        return engine.query(query)
    finally:
        engine.close()


def rows(query: str, *tables: TableData) -> list[tuple[Any, ...]]:
    return run(query, *tables).rows


def scalar(expression: str) -> Any:
    """The value of one scalar expression, evaluated by `print`."""
    (row,) = rows(f"print r = {expression}")
    return row[0]


def on_value(value: object, kql_type: KqlType, predicate: str) -> Any:
    """Evaluate `predicate` over a one-row table whose column `v` holds `value`: the engine sees
    a column, as it does in a rule, not a constant."""
    table = TableData.from_rows("V", {"v": kql_type}, [{"v": value}])
    (row,) = rows(f"V | project r = {predicate}", table)
    return row[0]
