"""Alerts as CSV: one alert per line, one column per entity type."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from kqlhunt.alerts.model import Alert, format_datetime
from kqlhunt.alerts.render import format_entity

FIXED_COLUMNS = (
    "time",
    "rule_id",
    "rule_name",
    "name",
    "severity",
    "tactics",
    "techniques",
    "start_time",
    "end_time",
    "incident_id",
)


def write_csv(alerts: Iterable[Alert], stream: TextIO) -> int:
    """Write a header and one line per alert.

    The columns after the fixed ones are `entity_<Type>` for every entity type the alerts have,
    in order of first appearance; a cell holds that type's entities as `Identifier=value`
    pairs, entities separated by ` | `. Lists (tactics, techniques) are separated by `;`.

    Returns:
        The number of alert lines written.
    """
    alerts = list(alerts)
    entity_types = list(dict.fromkeys(e.entity_type for a in alerts for e in a.entities))
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *(f"entity_{t}" for t in entity_types)])
    for alert in alerts:
        cells = [
            _time(alert.time),
            alert.rule_id,
            alert.rule_name,
            alert.name,
            alert.severity.value,
            ";".join(alert.tactics),
            ";".join(alert.techniques),
            _time(alert.start_time),
            _time(alert.end_time),
            alert.incident_id or "",
        ]
        for entity_type in entity_types:
            entities = [e for e in alert.entities if e.entity_type == entity_type]
            cells.append(" | ".join(_identifiers(format_entity(e)) for e in entities))
        writer.writerow(cells)
    return len(alerts)


def _identifiers(text: str) -> str:
    """`Account: CONTOSO\\jdoe` without its type, which the column already names."""
    return text.split(": ", 1)[1]


def _time(value: datetime | None) -> str:
    return format_datetime(value) if isinstance(value, datetime) else ""
