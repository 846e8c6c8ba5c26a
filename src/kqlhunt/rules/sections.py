"""The optional sections of an analytic rule: custom details, alert details override, event
grouping, incident configuration, suppression and data connectors.

These are read leniently: a section that does not have Sentinel's shape is left out of the
rule (and `kqlhunt lint` reports it), so one odd field never stops a rule from running.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from kqlhunt.rules.durations import parse_duration
from kqlhunt.rules.model import (
    AlertDetailsOverride,
    DataConnector,
    EventGrouping,
    IncidentConfiguration,
    IncidentGrouping,
    MatchingMethod,
)


def custom_details(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    value = data.get("customDetails")
    if not isinstance(value, dict):
        return ()
    return tuple(
        (str(k).strip(), v.strip()) for k, v in value.items() if isinstance(v, str) and v.strip()
    )


def alert_details_override(data: Mapping[str, Any]) -> AlertDetailsOverride | None:
    value = data.get("alertDetailsOverride")
    if not isinstance(value, dict):
        return None
    dynamic = value.get("alertDynamicProperties")
    properties: list[tuple[str, str]] = []
    if isinstance(dynamic, list):
        for item in dynamic:
            if isinstance(item, dict):
                name, column = item.get("alertProperty"), item.get("value")
                if isinstance(name, str) and isinstance(column, str):
                    properties.append((name.strip(), column.strip()))
    return AlertDetailsOverride(
        display_name_format=_text(value.get("alertDisplayNameFormat")),
        description_format=_text(value.get("alertDescriptionFormat")),
        tactics_column=_text(value.get("alertTacticsColumnName")),
        severity_column=_text(value.get("alertSeverityColumnName")),
        techniques_column=_text(value.get("alertTechniquesColumnName")),
        dynamic_properties=tuple(properties),
    )


def event_grouping(data: Mapping[str, Any]) -> EventGrouping:
    value = data.get("eventGroupingSettings")
    kind = value.get("aggregationKind") if isinstance(value, dict) else None
    if isinstance(kind, str) and kind.strip().lower() == "alertperresult":
        return EventGrouping.ALERT_PER_RESULT
    return EventGrouping.SINGLE_ALERT


def incident_configuration(data: Mapping[str, Any]) -> IncidentConfiguration | None:
    value = data.get("incidentConfiguration")
    if not isinstance(value, dict):
        return None
    grouping = value.get("groupingConfiguration")
    config = IncidentConfiguration(create_incident=value.get("createIncident") is not False)
    if not isinstance(grouping, dict):
        return config
    method = MatchingMethod.ALL_ENTITIES
    for candidate in MatchingMethod:
        if str(grouping.get("matchingMethod", "")).strip().lower() == candidate.value.lower():
            method = candidate
    lookback = parse_duration(str(grouping.get("lookbackDuration", "")))
    return IncidentConfiguration(
        create_incident=config.create_incident,
        grouping=IncidentGrouping(
            enabled=grouping.get("enabled") is True,
            reopen_closed_incident=grouping.get("reopenClosedIncident") is True,
            lookback=lookback or timedelta(hours=5),
            matching_method=method,
            group_by_entities=_strings(grouping.get("groupByEntities")),
            group_by_alert_details=_strings(grouping.get("groupByAlertDetails")),
            group_by_custom_details=_strings(grouping.get("groupByCustomDetails")),
        ),
    )


def suppression(data: Mapping[str, Any]) -> tuple[bool, timedelta | None]:
    enabled = data.get("suppressionEnabled") is True
    text = data.get("suppressionDuration")
    duration = parse_duration(text) if isinstance(text, str) else None
    return enabled, duration


def data_connectors(data: Mapping[str, Any]) -> tuple[DataConnector, ...]:
    value = data.get("requiredDataConnectors")
    if not isinstance(value, list):
        return ()
    connectors = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("connectorId"), str):
            types = _strings(item.get("dataTypes"))
            connectors.append(DataConnector(item["connectorId"].strip(), types))
    return tuple(connectors)


def strings(value: Any) -> tuple[str, ...]:
    """A list of text as a tuple, dropping items that are not text or are blank."""
    return _strings(value)


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
