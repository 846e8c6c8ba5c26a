"""A query's result table, as Python values, with its KQL column types."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from kqlhunt.types import KqlType


class Timespan(timedelta):
    """A KQL timespan: a `timedelta` that also keeps Kusto's 100 ns ticks exactly."""

    ticks: int

    def __new__(cls, ticks: int) -> Timespan:
        span = super().__new__(cls, microseconds=ticks // 10)
        span.ticks = ticks
        return span

    def __str__(self) -> str:
        sign = "-" if self.ticks < 0 else ""
        ticks = abs(self.ticks)
        days, rest = divmod(ticks, 864_000_000_000)
        hours, rest = divmod(rest, 36_000_000_000)
        minutes, rest = divmod(rest, 600_000_000)
        seconds, fraction = divmod(rest, 10_000_000)
        text = f"{sign}{f'{days}.' if days else ''}{hours:02}:{minutes:02}:{seconds:02}"
        return text + (f".{fraction:07}" if fraction else "")


@dataclass(frozen=True)
class Column:
    name: str
    type: KqlType


@dataclass(frozen=True)
class QueryResult:
    """Rows in column order. Values are Python objects: str, int, float, bool, None,
    `datetime.datetime` (UTC, tz-aware) for datetime, `Timespan` (a `datetime.timedelta`) for
    timespan, and parsed JSON (list, dict, scalars) for dynamic."""

    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def records(self) -> Iterator[dict[str, Any]]:
        """Each row as a dict keyed by column name."""
        names = self.column_names
        for row in self.rows:
            yield dict(zip(names, row, strict=True))

    def __len__(self) -> int:
        return len(self.rows)
