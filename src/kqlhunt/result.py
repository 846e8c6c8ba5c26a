"""A query's result table, as Python values, with its KQL column types."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kqlhunt.types import KqlType


@dataclass(frozen=True)
class Column:
    name: str
    type: KqlType


@dataclass(frozen=True)
class QueryResult:
    """Rows in column order. Values are Python objects: str, int, float, bool, None,
    `datetime.datetime` (UTC, tz-aware) for datetime, `datetime.timedelta` for timespan,
    and parsed JSON (list, dict, scalars) for dynamic."""

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
