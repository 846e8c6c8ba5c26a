"""Alerts grouped into incidents as a rule's incident configuration says."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from kqlhunt.alerts.model import Alert
from kqlhunt.rules.model import AnalyticRule, MatchingMethod


@dataclass
class Incident:
    """Alerts of one rule grouped together; `created` is its first alert's run time."""

    id: str
    rule_id: str
    title: str
    created: datetime
    alerts: list[Alert] = field(default_factory=list)


def group_incidents(rule: AnalyticRule, alerts: list[Alert], prefix: str = "") -> list[Incident]:
    """Group the rule's alerts (in run order) into incidents; each alert gets its incident id.

    Without incident creation no incident is made. Without grouping, or when an alert's key
    differs, or when the incident is older than the lookback at the alert's run time, a new
    incident opens. Keys: AllEntities, all entities; AnyAlert, none; Selected, the chosen
    entity types, alert details and custom details.

    Returns:
        The incidents; `alerts` is replaced in place by copies carrying `incident_id`.
    """
    config = rule.incident_configuration
    if config is not None and not config.create_incident:
        return []
    grouping = config.grouping if config is not None else None
    incidents: list[Incident] = []
    open_by_key: dict[object, Incident] = {}
    for index, alert in enumerate(alerts):
        created = alert.created or alert.time or datetime.min
        key = _key(rule, alert) if grouping is not None and grouping.enabled else index
        incident = open_by_key.get(key)
        if incident is None or grouping is None or created - incident.created > grouping.lookback:
            incident = Incident(f"{prefix}{len(incidents) + 1}", rule.id, alert.name, created)
            incidents.append(incident)
            open_by_key[key] = incident
        alerts[index] = dataclasses.replace(alert, incident_id=incident.id)
        incident.alerts.append(alerts[index])
    return incidents


def _key(rule: AnalyticRule, alert: Alert) -> object:
    grouping = rule.incident_configuration.grouping if rule.incident_configuration else None
    if grouping is None or grouping.matching_method is MatchingMethod.ANY_ALERT:
        return ()
    types = None
    if grouping.matching_method is MatchingMethod.SELECTED:
        types = set(grouping.group_by_entities)
    entities = frozenset(
        (e.entity_type, tuple(sorted(e.identifiers.items())))
        for e in alert.entities
        if types is None or e.entity_type in types
    )
    if grouping.matching_method is MatchingMethod.ALL_ENTITIES:
        return entities
    details = tuple(
        alert.name if d == "DisplayName" else alert.severity.value if d == "Severity" else ""
        for d in grouping.group_by_alert_details
    )
    custom = tuple(str(alert.custom_details.get(c)) for c in grouping.group_by_custom_details)
    return (entities, details, custom)
