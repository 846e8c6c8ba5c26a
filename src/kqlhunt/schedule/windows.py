"""The runs of a scheduled rule over a time range, and the trigger that decides an alert."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.compute as pc

from kqlhunt.catalog import TableData
from kqlhunt.types import KqlType

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TIME_COLUMN = "TimeGenerated"


@dataclass(frozen=True, slots=True)
class Window:
    """One scheduled run: the query sees events in [start, end] and `now()` is `end`."""

    start: datetime
    end: datetime


def run_windows(
    data_start: datetime, data_end: datetime, frequency: timedelta, period: timedelta
) -> list[Window]:
    """The runs that cover [data_start, data_end]: every `frequency` on a grid from the Unix
    epoch (as a rule enabled long ago would run), each reading the last `period`.

    The first run is the first whose window holds `data_start`; the last is the first that ends
    at or after `data_end`.
    """
    if frequency <= timedelta(0) or period <= timedelta(0):
        raise ValueError("frequency and period must be positive")
    steps = (data_start - EPOCH) // frequency
    end = EPOCH + steps * frequency
    while end - period > data_start:
        end -= frequency
    if end < data_start:
        end += frequency
    windows = []
    while True:
        windows.append(Window(end - period, end))
        if end >= data_end:
            return windows
        end += frequency


def triggered(operator: str | None, threshold: int | None, count: int) -> bool:
    """Whether a run with `count` result rows raises alerts (Sentinel's default: gt 0)."""
    limit = threshold if threshold is not None else 0
    match operator or "gt":
        case "gt":
            return count > limit
        case "lt":
            return count < limit
        case "eq":
            return count == limit
        case "ne":
            return count != limit
    raise ValueError(f"unknown trigger operator {operator!r}")


def time_range(tables: list[TableData]) -> tuple[datetime, datetime] | None:
    """The earliest and latest `TimeGenerated` over the tables that have one."""
    lows, highs = [], []
    for table in tables:
        if table.columns.get(TIME_COLUMN) is not KqlType.DATETIME or len(table) == 0:
            continue
        low, high = pc.min_max(table.data.column(TIME_COLUMN)).values()
        if low.is_valid:
            lows.append(low.as_py())
            highs.append(high.as_py())
    return (min(lows), max(highs)) if lows else None


class EventTimes:
    """The `TimeGenerated` of every event in the tables that have one, to tell quickly
    whether a window holds any event."""

    def __init__(self, tables: list[TableData]) -> None:
        micros = pa.timestamp("us", tz="UTC")
        chunks = [
            chunk.cast(micros).cast(pa.int64())
            for table in tables
            if table.columns.get(TIME_COLUMN) is KqlType.DATETIME and len(table)
            for chunk in table.data.column(TIME_COLUMN).drop_null().chunks
        ]
        merged = pa.chunked_array(chunks, type=pa.int64())
        self._micros: list[int] = sorted(merged.to_pylist())

    def any_within(self, window: Window) -> bool:
        """Whether some event's time is in [window.start, window.end]."""
        first = bisect.bisect_left(self._micros, _micros(window.start))
        return first < len(self._micros) and self._micros[first] <= _micros(window.end)


def _micros(instant: datetime) -> int:
    since = instant - EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def window_table(table: TableData, window: Window) -> TableData:
    """The table restricted to events with `TimeGenerated` in the window; tables without
    that column (watchlists) are returned as they are."""
    if table.columns.get(TIME_COLUMN) is not KqlType.DATETIME:
        return table
    column = table.data.column(TIME_COLUMN)
    start = pa.scalar(window.start, type=column.type)
    end = pa.scalar(window.end, type=column.type)
    keep = pc.and_(pc.greater_equal(column, start), pc.less_equal(column, end))
    return TableData(table.name, table.columns, table.data.filter(keep))
