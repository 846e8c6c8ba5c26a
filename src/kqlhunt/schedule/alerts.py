"""Alerts of one triggered run, as Sentinel builds them: one per result or one for all, with
`alertDetailsOverride`, custom details and entities."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kqlhunt.alerts.build import alert_time, identifier_text, row_entities
from kqlhunt.alerts.model import Alert, Entity
from kqlhunt.rules.model import AnalyticRule, EventGrouping, Severity
from kqlhunt.schedule.windows import Window

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def run_alerts(rule: AnalyticRule, rows: Sequence[dict[str, Any]], window: Window) -> list[Alert]:
    """The alerts of a triggered run over `window` whose result is `rows`."""
    if not rows:
        return [_alert(rule, [], window)]
    if rule.event_grouping is EventGrouping.ALERT_PER_RESULT:
        return [_alert(rule, [row], window) for row in rows]
    return [_alert(rule, list(rows), window)]


def fill(template: str, row: Mapping[str, Any]) -> str:
    """`{{Column}}` placeholders replaced by the row's values (empty when absent)."""
    return _PLACEHOLDER.sub(lambda m: identifier_text(row.get(m.group(1))) or "", template)


def _alert(rule: AnalyticRule, rows: list[dict[str, Any]], window: Window) -> Alert:
    first = rows[0] if rows else {}
    override = rule.alert_details_override
    name = description = None
    severity, tactics = rule.severity, rule.tactics
    if override is not None:
        if override.display_name_format:
            name = fill(override.display_name_format, first)
        if override.description_format:
            description = fill(override.description_format, first)
        if override.severity_column:
            with contextlib.suppress(ValueError):  # Sentinel keeps the rule's severity too
                severity = Severity.from_name(str(first.get(override.severity_column, "")))
        if override.tactics_column and first.get(override.tactics_column):
            value = first[override.tactics_column]
            tactics = tuple(value) if isinstance(value, list) else (str(value),)

    times = [t for t in (alert_time(r) for r in rows) if t is not None]
    start: datetime = min(times) if times else window.start
    end: datetime = max(times) if times else window.end
    return Alert(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        tactics=tactics,
        techniques=rule.all_techniques,
        time=start,
        entities=_entities(rule, rows),
        row=first,
        display_name=name,
        description=description if description is not None else rule.description,
        rule_version=rule.version,
        start_time=start,
        end_time=end,
        created=window.end,
        custom_details={key: [r.get(column) for r in rows] for key, column in rule.custom_details},
        rows=tuple(rows),
    )


def _entities(rule: AnalyticRule, rows: list[dict[str, Any]]) -> tuple[Entity, ...]:
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], Entity] = {}
    for row in rows:
        for entity in row_entities(rule.entity_mappings, row):
            seen.setdefault((entity.entity_type, tuple(entity.identifiers.items())), entity)
    return tuple(seen.values())
