"""Checks of a rule file's fields against Sentinel's analytic-rule and hunting-query format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Final

from kqlhunt.lint import attack
from kqlhunt.lint.findings import Emit, FindingSeverity
from kqlhunt.lint.positions import YamlDocument
from kqlhunt.rules.durations import format_duration, parse_duration
from kqlhunt.rules.entities import (
    ENTITY_IDENTIFIERS,
    MAX_ENTITY_MAPPINGS,
    MAX_IDENTIFIERS_PER_ENTITY,
    UNMAPPABLE_ENTITY_TYPES,
)

ERROR, WARNING, INFO = FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
CUSTOM_DETAIL_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,19}$")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

# Fields Sentinel's repository requires of every analytic rule and of every hunting query.
ANALYTIC_REQUIRED: Final = (
    "id",
    "name",
    "description",
    "severity",
    "requiredDataConnectors",
    "queryFrequency",
    "queryPeriod",
    "triggerOperator",
    "triggerThreshold",
    "tactics",
    "relevantTechniques",
    "query",
    "version",
    "kind",
)
NRT_REQUIRED: Final = tuple(
    k
    for k in ANALYTIC_REQUIRED
    if k not in ("queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold")
)
HUNTING_REQUIRED: Final = ("id", "name", "description", "query")
# Without these a rule cannot be deployed; the other required fields only describe it.
_ESSENTIAL: Final = frozenset({"id", "name", "query", "severity", "kind"})
_DESCRIPTIVE: Final = frozenset({"tactics", "relevantTechniques", "description", "version"})

KNOWN_FIELDS: Final = frozenset(
    {
        *ANALYTIC_REQUIRED,
        "entityMappings",
        "customDetails",
        "alertDetailsOverride",
        "eventGroupingSettings",
        "incidentConfiguration",
        "suppressionEnabled",
        "suppressionDuration",
        "status",
        "tags",
        "subTechniques",
        "techniques",
        "metadata",
        "sentinelEntitiesMappings",
        "displayName",
        "enabled",
        "templateVersion",
        "dataTypes",
        "connectorId",
        "queryDefinitions",
        "nrt",
        "entityType",
        "customEntity",
    }
)

# Sentinel's limits (analytic rule wizard and the alertRules ARM schema).
SCHEDULE_MIN, SCHEDULE_MAX = timedelta(minutes=5), timedelta(days=14)
SUPPRESSION_MIN, SUPPRESSION_MAX = timedelta(minutes=5), timedelta(hours=24)
LOOKBACK_MIN, LOOKBACK_MAX = timedelta(minutes=5), timedelta(days=7)
MAX_TRIGGER_THRESHOLD: Final = 10_000
MAX_CUSTOM_DETAILS: Final = 20
MAX_FORMAT_PARAMETERS: Final = 3
MAX_DISPLAY_NAME: Final = 256
MAX_DESCRIPTION: Final = 5_000
TRIGGER_OPERATORS: Final = frozenset(
    {"gt", "lt", "eq", "ne", "greaterthan", "lessthan", "equal", "notequal"}
)
SEVERITIES: Final = ("Informational", "Low", "Medium", "High")
KINDS: Final = ("Scheduled", "NRT")


def check_fields(doc: YamlDocument, is_hunting: bool, emit: Emit) -> None:
    """Report every field that breaks the format. `emit(severity, kind, message, line)`."""
    data: dict[str, Any] = doc.data
    kind = str(data.get("kind") or "").strip()
    is_nrt = kind.lower() == "nrt"

    required = HUNTING_REQUIRED if is_hunting else NRT_REQUIRED if is_nrt else ANALYTIC_REQUIRED
    for key in required:
        if data.get(key) in (None, "", []) and not (
            key == "requiredDataConnectors" and key in data
        ):
            severity = (
                ERROR if key in _ESSENTIAL or not (is_hunting or key in _DESCRIPTIVE) else WARNING
            )
            emit(severity, "missing-field", f"required field '{key}' is missing or empty", None)
    for key in data:
        if str(key) not in KNOWN_FIELDS:
            emit(
                INFO,
                "unknown-field",
                f"field '{key}' is not part of the format",
                doc.key_line(str(key)),
            )

    _check_id(doc, emit)
    _check_texts(doc, is_hunting, emit)
    if not is_hunting:
        _check_schedule(doc, is_nrt, emit)
    _check_attack(doc, emit)
    _check_entities(doc, emit)
    _check_custom_details(doc, emit)
    _check_override(doc, emit)
    _check_grouping(doc, emit)


def _check_id(doc: YamlDocument, emit: Emit) -> None:
    rule_id = doc.data.get("id")
    if isinstance(rule_id, str) and rule_id.strip() and not GUID.match(rule_id.strip()):
        emit(ERROR, "invalid-id", f"id {rule_id!r} is not a GUID", doc.line("id"))


def _check_texts(doc: YamlDocument, is_hunting: bool, emit: Emit) -> None:
    data = doc.data
    name, description = data.get("name"), data.get("description")
    if isinstance(name, str) and len(name.strip()) > MAX_DISPLAY_NAME:
        emit(
            ERROR,
            "too-long",
            f"name is longer than {MAX_DISPLAY_NAME} characters",
            doc.line("name"),
        )
    if isinstance(description, str) and len(description.strip()) > MAX_DESCRIPTION:
        emit(
            ERROR,
            "too-long",
            f"description is longer than {MAX_DESCRIPTION} characters",
            doc.line("description"),
        )
    severity = data.get("severity")
    if severity is not None and str(severity).strip() not in SEVERITIES:
        message = f"severity {severity!r} is not one of {', '.join(SEVERITIES)}"
        emit(ERROR, "invalid-severity", message, doc.line("severity"))
    kind = data.get("kind")
    if kind is not None and not is_hunting and str(kind).strip() not in KINDS:
        emit(ERROR, "invalid-kind", f"kind {kind!r} is not Scheduled or NRT", doc.line("kind"))
    elif isinstance(kind, str) and kind != kind.strip():
        emit(INFO, "whitespace", f"kind {kind!r} has trailing blanks", doc.line("kind"))
    version = data.get("version")
    if version is not None and not VERSION.match(str(version).strip()):
        emit(
            WARNING,
            "invalid-version",
            f"version {version!r} is not major.minor.patch",
            doc.line("version"),
        )
    connectors = data.get("requiredDataConnectors")
    if connectors is not None and not isinstance(connectors, list):
        emit(
            ERROR,
            "invalid-field",
            "requiredDataConnectors must be a list",
            doc.line("requiredDataConnectors"),
        )
    elif isinstance(connectors, list):
        for index, item in enumerate(connectors):
            if not isinstance(item, dict) or not isinstance(item.get("connectorId"), str):
                message = f"requiredDataConnectors item {index} needs a connectorId"
                emit(ERROR, "invalid-field", message, doc.line("requiredDataConnectors", index))


def _duration(doc: YamlDocument, emit: Emit, *path: str) -> timedelta | None:
    value: Any = doc.data
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    if value is None:
        return None
    duration = parse_duration(str(value))
    if duration is None:
        name = ".".join(path)
        message = f"{name} {value!r} is not a duration (5m, 1h, 14d or ISO 8601 such as PT1H)"
        emit(ERROR, "invalid-duration", message, doc.line(*path))
    return duration


def _in_range(
    doc: YamlDocument,
    emit: Emit,
    value: timedelta | None,
    low: timedelta,
    high: timedelta,
    *path: str,
) -> None:
    if value is not None and not low <= value <= high:
        name = ".".join(path)
        message = (
            f"{name} {format_duration(value)} is outside Sentinel's range "
            f"{format_duration(low)} to {format_duration(high)}"
        )
        emit(ERROR, "duration-out-of-range", message, doc.line(*path))


def _check_schedule(doc: YamlDocument, is_nrt: bool, emit: Emit) -> None:
    data = doc.data
    frequency = _duration(doc, emit, "queryFrequency")
    period = _duration(doc, emit, "queryPeriod")
    if is_nrt:
        for key in ("queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold"):
            if key in data:
                message = f"an NRT rule runs every minute; its '{key}' is ignored"
                emit(WARNING, "nrt-schedule-field", message, doc.line(key))
    else:
        _in_range(doc, emit, frequency, SCHEDULE_MIN, SCHEDULE_MAX, "queryFrequency")
        _in_range(doc, emit, period, SCHEDULE_MIN, SCHEDULE_MAX, "queryPeriod")
        if frequency is not None and period is not None and frequency > period:
            message = (
                f"queryFrequency {format_duration(frequency)} is longer than queryPeriod "
                f"{format_duration(period)}: events between runs are never queried"
            )
            emit(WARNING, "frequency-exceeds-period", message, doc.line("queryFrequency"))

    operator = data.get("triggerOperator")
    if operator is not None and str(operator).strip().lower() not in TRIGGER_OPERATORS:
        message = f"triggerOperator {operator!r} is not gt, lt, eq or ne"
        emit(ERROR, "invalid-trigger", message, doc.line("triggerOperator"))
    threshold = data.get("triggerThreshold")
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 0 <= threshold <= MAX_TRIGGER_THRESHOLD
    ):
        message = (
            f"triggerThreshold {threshold!r} is not a whole number 0 to {MAX_TRIGGER_THRESHOLD}"
        )
        emit(ERROR, "invalid-trigger", message, doc.line("triggerThreshold"))

    suppression = _duration(doc, emit, "suppressionDuration")
    _in_range(doc, emit, suppression, SUPPRESSION_MIN, SUPPRESSION_MAX, "suppressionDuration")
    enabled = data.get("suppressionEnabled")
    if enabled is not None and not isinstance(enabled, bool):
        message = f"suppressionEnabled {enabled!r} is not true or false"
        emit(ERROR, "invalid-field", message, doc.line("suppressionEnabled"))
    if enabled is True and suppression is None:
        message = "suppressionEnabled is true but suppressionDuration is missing"
        emit(ERROR, "missing-field", message, doc.line("suppressionEnabled"))


def _check_attack(doc: YamlDocument, emit: Emit) -> None:
    data = doc.data
    tactics_value = data.get("tactics")
    tactics: list[str] = []
    if tactics_value is not None and not isinstance(tactics_value, list):
        emit(ERROR, "invalid-field", "tactics must be a list", doc.line("tactics"))
    elif isinstance(tactics_value, list):
        for index, tactic in enumerate(tactics_value):
            if tactic is None:
                continue
            name = str(tactic).strip()
            spelled = attack.canonical_tactic(name)
            if spelled is None:
                message = f"tactic {name!r} is not one of Sentinel's tactics"
                emit(ERROR, "unknown-tactic", message, doc.line("tactics", index))
                continue
            if spelled != name:
                message = f"tactic {name!r} is spelled {spelled!r} in Sentinel's format"
                emit(WARNING, "tactic-spelling", message, doc.line("tactics", index))
            tactics.append(spelled)
    listed = attack.tactic_short_names(tuple(tactics))

    key = "relevantTechniques" if "relevantTechniques" in data else "techniques"
    for field in (key, "subTechniques"):
        for index, technique_id, line in _listed(doc, field):
            for finding in _technique_findings(technique_id, tactics, listed):
                emit(finding[0], finding[1], finding[2], line)
            del index


def _listed(doc: YamlDocument, key: str) -> Iterator[tuple[int, str, int | None]]:
    value = doc.data.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if item is not None and str(item).strip():
                yield index, str(item).strip(), doc.line(key, index)


def _technique_findings(
    technique_id: str, tactics: list[str], listed: set[str]
) -> Iterator[tuple[FindingSeverity, str, str]]:
    if not attack.TECHNIQUE_ID.match(technique_id):
        yield (
            ERROR,
            "invalid-technique",
            f"technique {technique_id!r} is not an ATT&CK id (T1234 or T1234.001)",
        )
        return
    found = attack.technique(technique_id)
    if found is None:
        if attack.ICS_TECHNIQUE_ID.match(technique_id):
            yield (
                INFO,
                "ics-technique",
                f"technique {technique_id} is an ATT&CK for ICS id; not checked",
            )
        else:
            yield (
                ERROR,
                "unknown-technique",
                f"technique {technique_id} does not exist in ATT&CK v{attack.ATTACK_VERSION}",
            )
        return
    if found.status:
        successor = f", replaced by {found.replaced_by}" if found.replaced_by else ""
        yield (
            WARNING,
            "revoked-technique",
            f"technique {technique_id} ({found.name}) is {found.status} in ATT&CK "
            f"v{attack.ATTACK_VERSION}{successor}",
        )
        return
    if tactics and listed and not listed & set(found.tactics):
        belongs = ", ".join(attack.sentinel_tactic_name(t) for t in found.tactics)
        yield (
            WARNING,
            "technique-tactic-mismatch",
            f"technique {technique_id} ({found.name}) belongs to {belongs}, "
            f"none of the rule's tactics ({', '.join(tactics)})",
        )


def _check_entities(doc: YamlDocument, emit: Emit) -> None:
    mappings = doc.data.get("entityMappings")
    if mappings is None:
        return
    if not isinstance(mappings, list):
        emit(ERROR, "invalid-field", "entityMappings must be a list", doc.line("entityMappings"))
        return
    if len(mappings) > MAX_ENTITY_MAPPINGS:
        message = f"{len(mappings)} entity mappings; Sentinel takes at most {MAX_ENTITY_MAPPINGS}"
        emit(ERROR, "too-many-entities", message, doc.line("entityMappings"))
    for index, mapping in enumerate(mappings):
        line = doc.line("entityMappings", index)
        if not isinstance(mapping, dict):
            emit(ERROR, "invalid-field", f"entityMappings item {index} is not a mapping", line)
            continue
        entity_type = str(mapping.get("entityType") or "").strip()
        identifiers = ENTITY_IDENTIFIERS.get(entity_type)
        if entity_type in UNMAPPABLE_ENTITY_TYPES:
            message = f"entity type {entity_type} exists in Sentinel but entityMappings reject it"
            emit(WARNING, "entity-not-mappable", message, doc.line("entityMappings", index))
            continue
        if identifiers is None:
            message = f"entity type {entity_type!r} is not one Sentinel maps"
            emit(
                ERROR,
                "unknown-entity-type",
                message,
                doc.line("entityMappings", index, "entityType"),
            )
        fields = mapping.get("fieldMappings")
        if not isinstance(fields, list) or not fields:
            emit(
                ERROR,
                "invalid-field",
                f"entity mapping {entity_type or index} has no fieldMappings",
                line,
            )
            continue
        if len(fields) > MAX_IDENTIFIERS_PER_ENTITY:
            message = (
                f"entity {entity_type} maps {len(fields)} identifiers; "
                f"Sentinel takes at most {MAX_IDENTIFIERS_PER_ENTITY}"
            )
            emit(ERROR, "too-many-identifiers", message, line)
        for position, field in enumerate(fields):
            where = doc.line("entityMappings", index, "fieldMappings", position)
            identifier = field.get("identifier") if isinstance(field, dict) else None
            column = field.get("columnName") if isinstance(field, dict) else None
            if not isinstance(identifier, str) or not isinstance(column, str):
                message = f"entity {entity_type}: a field mapping needs identifier and columnName"
                emit(ERROR, "invalid-field", message, where)
            elif identifiers is not None and identifier.strip() not in identifiers:
                known = ", ".join(identifiers)
                message = f"{entity_type} has no identifier {identifier!r} (it has {known})"
                emit(ERROR, "unknown-identifier", message, where)


def _check_custom_details(doc: YamlDocument, emit: Emit) -> None:
    details = doc.data.get("customDetails")
    if details is None:
        return
    if not isinstance(details, dict):
        emit(
            ERROR,
            "invalid-field",
            "customDetails must be a mapping of key to column",
            doc.line("customDetails"),
        )
        return
    if len(details) > MAX_CUSTOM_DETAILS:
        message = f"{len(details)} custom details; Sentinel takes at most {MAX_CUSTOM_DETAILS}"
        emit(ERROR, "too-many-custom-details", message, doc.line("customDetails"))
    for key, value in details.items():
        line = doc.line("customDetails", str(key))
        if not CUSTOM_DETAIL_KEY.match(str(key)):
            message = (
                f"custom detail key {key!r} must be 1 to 20 letters, digits or _, "
                "starting with a letter"
            )
            emit(ERROR, "invalid-custom-detail", message, line)
        if not isinstance(value, str) or not value.strip():
            emit(ERROR, "invalid-custom-detail", f"custom detail {key!r} names no column", line)


def _check_override(doc: YamlDocument, emit: Emit) -> None:
    override = doc.data.get("alertDetailsOverride")
    if override is None:
        return
    if not isinstance(override, dict):
        emit(
            ERROR,
            "invalid-field",
            "alertDetailsOverride must be a mapping",
            doc.line("alertDetailsOverride"),
        )
        return
    for key, limit in (
        ("alertDisplayNameFormat", MAX_DISPLAY_NAME),
        ("alertDescriptionFormat", MAX_DESCRIPTION),
    ):
        text = override.get(key)
        if not isinstance(text, str):
            continue
        line = doc.line("alertDetailsOverride", key)
        parameters = PLACEHOLDER.findall(text)
        if len(parameters) > MAX_FORMAT_PARAMETERS:
            message = (
                f"{key} uses {len(parameters)} parameters; "
                f"Sentinel takes at most {MAX_FORMAT_PARAMETERS}"
            )
            emit(ERROR, "too-many-parameters", message, line)
        if len(text) > limit:
            emit(ERROR, "too-long", f"{key} is longer than {limit} characters", line)


def _check_grouping(doc: YamlDocument, emit: Emit) -> None:
    config = doc.data.get("incidentConfiguration")
    if config is None:
        return
    if not isinstance(config, dict):
        emit(
            ERROR,
            "invalid-field",
            "incidentConfiguration must be a mapping",
            doc.line("incidentConfiguration"),
        )
        return
    grouping = config.get("groupingConfiguration")
    if not isinstance(grouping, dict):
        return
    path = ("incidentConfiguration", "groupingConfiguration", "lookbackDuration")
    lookback = _duration(doc, emit, *path)
    _in_range(doc, emit, lookback, LOOKBACK_MIN, LOOKBACK_MAX, *path)
    method = str(grouping.get("matchingMethod") or "AllEntities")
    if method not in ("AllEntities", "AnyAlert", "Selected"):
        message = f"matchingMethod {method!r} is not AllEntities, AnyAlert or Selected"
        emit(
            ERROR,
            "invalid-field",
            message,
            doc.line("incidentConfiguration", "groupingConfiguration", "matchingMethod"),
        )
    mapped = {
        str(m.get("entityType", "")).strip()
        for m in doc.data.get("entityMappings") or []
        if isinstance(m, dict)
    }
    entities = grouping.get("groupByEntities") or []
    for index, entity in enumerate(entities if isinstance(entities, list) else []):
        line = doc.line("incidentConfiguration", "groupingConfiguration", "groupByEntities", index)
        if str(entity) not in mapped:
            message = f"incidents are grouped by entity {entity!r}, which the rule does not map"
            emit(WARNING, "grouping-entity-unmapped", message, line)
    details = (
        {str(k) for k in (doc.data.get("customDetails") or {})}
        if isinstance(doc.data.get("customDetails"), dict)
        else set()
    )
    by_details = grouping.get("groupByCustomDetails") or []
    for index, detail in enumerate(by_details if isinstance(by_details, list) else []):
        line = doc.line(
            "incidentConfiguration", "groupingConfiguration", "groupByCustomDetails", index
        )
        if str(detail) not in details:
            message = (
                f"incidents are grouped by custom detail {detail!r}, which the rule does not define"
            )
            emit(WARNING, "grouping-detail-undefined", message, line)
