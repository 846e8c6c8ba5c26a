"""Turn a rule's query result into alerts: one alert per result row."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from kqlhunt.alerts.model import Alert, Entity, format_datetime
from kqlhunt.errors import RuleError
from kqlhunt.result import QueryResult
from kqlhunt.rules.model import AnalyticRule, EntityMapping

logger = logging.getLogger(__name__)

# Columns that give an alert its time, in order of preference.
TIME_COLUMNS = ("TimeGenerated", "timestamp")

# Identifiers that describe another identifier of the entity and mean nothing alone.
QUALIFYING_IDENTIFIERS = frozenset({"Algorithm"})

# Identifier values that mean "no value": Windows writes "-" for an empty account field.
_EMPTY_VALUES = frozenset({"", "-"})


@dataclass
class AlertBatch:
    """The alerts of one rule run, and the problems found in the rule's entity mappings.

    A warning is a `RuleError` naming the rule file: an entity mapping whose column the
    result does not have. The alerts are still built, without that identifier.
    """

    alerts: list[Alert] = field(default_factory=list)
    warnings: list[RuleError] = field(default_factory=list)

    def __iter__(self) -> Iterator[Alert]:
        return iter(self.alerts)

    def __len__(self) -> int:
        return len(self.alerts)


def build_alerts(rule: AnalyticRule, result: QueryResult) -> AlertBatch:
    """Build one alert per result row, as Sentinel does with "one alert per result".

    Entities come from the rule's entity mappings. An identifier whose value is missing,
    empty or "-" is left out, and an entity left with no identifiers is not emitted.
    Legacy (`*CustomEntity`) mappings apply only when the result has their column.

    Args:
        rule: The rule whose query produced `result`.
        result: The query result.

    Returns:
        The alerts in row order, and a warning for each explicit entity mapping that
        names a column missing from the result.
    """
    columns = set(result.column_names)
    warnings = _missing_column_warnings(rule, columns)
    for warning in warnings:
        logger.debug("%s", warning)

    alerts = [
        Alert(
            rule_id=rule.id,
            rule_name=rule.name,
            severity=rule.severity,
            tactics=rule.tactics,
            techniques=rule.techniques,
            time=alert_time(row),
            entities=row_entities(rule.entity_mappings, row),
            row=row,
            description=rule.description,
            rule_version=rule.version,
        )
        for row in result.records()
    ]
    return AlertBatch(alerts, warnings)


def row_entities(mappings: tuple[EntityMapping, ...], row: Mapping[str, Any]) -> tuple[Entity, ...]:
    """The entities that `mappings` find in one result row.

    Args:
        mappings: Entity mappings of a rule.
        row: One result row keyed by column name.

    Returns:
        The entities with at least one identifier, in mapping order.
    """
    entities: list[Entity] = []
    for mapping in mappings:
        identifiers: dict[str, str] = {}
        for field_mapping in mapping.field_mappings:
            text = identifier_text(row.get(field_mapping.column_name))
            if text is not None:
                identifiers[field_mapping.identifier] = text
        # An identifier that only qualifies another (a hash's Algorithm) does not make an entity.
        if set(identifiers) - QUALIFYING_IDENTIFIERS:
            entities.append(Entity(mapping.entity_type, identifiers))
    return tuple(entities)


def identifier_text(value: Any) -> str | None:
    """An entity identifier as text, or None when the value means "nothing"."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str) if value else None
    text = str(value).strip()
    return None if text in _EMPTY_VALUES else text


def alert_time(row: Mapping[str, Any]) -> datetime | None:
    """The time of the first of `TIME_COLUMNS` that holds a time, in UTC."""
    for column in TIME_COLUMNS:
        value = row.get(column)
        if isinstance(value, str):
            value = _parse_time(value)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=timezone.utc)
            return value.astimezone(timezone.utc)
    return None


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _missing_column_warnings(rule: AnalyticRule, columns: set[str]) -> list[RuleError]:
    warnings: list[RuleError] = []
    for mapping in rule.entity_mappings:
        if mapping.implicit:
            continue
        for field_mapping in mapping.field_mappings:
            if field_mapping.column_name not in columns:
                reason = (
                    f"rule {rule.id}: entity mapping {mapping.entity_type}."
                    f"{field_mapping.identifier} names column "
                    f"'{field_mapping.column_name}', which the query result does not have"
                )
                warnings.append(RuleError(rule.path, reason))
    return warnings
