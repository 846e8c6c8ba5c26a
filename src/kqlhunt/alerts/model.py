"""Alerts and the entities they name, with a JSON form that any JSON reader accepts."""

from __future__ import annotations

import base64
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from kqlhunt.rules.model import Severity


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity of an alert: a type such as Account or Host, and its identifiers."""

    entity_type: str
    identifiers: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"entity_type": self.entity_type, "identifiers": dict(self.identifiers)}


@dataclass(frozen=True, slots=True)
class Alert:
    """What one result row of one rule raised, or, in a scheduled replay, what one run raised.

    `time` is the row's `TimeGenerated`, else its `timestamp`, else None; always UTC.
    `row` is the whole result row, values as the engine returned them; a "one alert for all
    results" alert keeps every row in `rows` and the first in `row`. `display_name` is the name
    with `alertDetailsOverride` applied; `start_time`/`end_time` span the alert's events;
    `created` is the instant of the scheduled run that raised it.
    """

    rule_id: str
    rule_name: str
    severity: Severity
    tactics: tuple[str, ...]
    techniques: tuple[str, ...]
    time: datetime | None
    entities: tuple[Entity, ...] = ()
    row: dict[str, Any] = field(default_factory=dict)
    display_name: str | None = None
    description: str = ""
    rule_version: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    created: datetime | None = None
    custom_details: dict[str, list[Any]] = field(default_factory=dict)
    rows: tuple[dict[str, Any], ...] = ()
    incident_id: str | None = None

    @property
    def name(self) -> str:
        """The alert's name: the overridden display name, else the rule's name."""
        return self.display_name or self.rule_name

    def to_json(self) -> dict[str, Any]:
        """The alert as JSON-ready data: times in ISO 8601 UTC with a `Z`, timespans in
        Kusto's `[d.]hh:mm:ss[.fffffff]` form, non-finite numbers as null."""
        return {
            "time": format_datetime(self.time) if self.time is not None else None,
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "severity": self.severity.value,
            "tactics": list(self.tactics),
            "techniques": list(self.techniques),
            "entities": [e.to_json() for e in self.entities],
            "row": {str(k): json_value(v) for k, v in self.row.items()},
            "name": self.name,
            "description": self.description,
            "rule_version": self.rule_version,
            "start_time": _time(self.start_time),
            "end_time": _time(self.end_time),
            "created": _time(self.created),
            "custom_details": {k: json_value(v) for k, v in self.custom_details.items()},
            "rows": [{str(k): json_value(v) for k, v in r.items()} for r in self.rows],
            "incident_id": self.incident_id,
        }


def _time(value: datetime | None) -> str | None:
    return format_datetime(value) if value is not None else None


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z` suffix; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.astimezone(timezone.utc).isoformat()
    return text.removesuffix("+00:00") + "Z"


def format_timespan(value: timedelta) -> str:
    """A timespan as Kusto prints it: `[-][d.]hh:mm:ss[.fffffff]`."""
    ticks = (value.days * 86_400 + value.seconds) * 10_000_000 + value.microseconds * 10
    sign = "-" if ticks < 0 else ""
    ticks = abs(ticks)
    seconds, fraction = divmod(ticks, 10_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    text = f"{hour:02d}:{minute:02d}:{second:02d}"
    if days:
        text = f"{days}.{text}"
    if fraction:
        text = f"{text}.{fraction:07d}"
    return sign + text


def json_value(value: Any) -> Any:
    """Convert a result value into something `json.dumps` writes as standard JSON.

    Args:
        value: A value from a `QueryResult` row.

    Returns:
        None, bool, int, a finite float, str, or lists and dicts of these.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_timespan(value)
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)
