"""Alerts as OCSF 1.x Detection Findings (class 2004, category 2 Findings), one JSON object per
line.

The mapping is written by hand against the OCSF schema's documented attributes. The maintained
model package on PyPI targets cloud posture findings, pins its own validator dependency and
brings pydantic; for a dozen attributes, plain dicts checked by the tests are the smaller risk.

| OCSF attribute | from the alert |
|---|---|
| `finding_info.uid` | a UUID derived from the rule id, the alert's time and its row |
| `finding_info.title`, `desc` | the alert's name (override applied) and description |
| `finding_info.types` | the rule's kind (`Scheduled`, `NRT`, ...) |
| `finding_info.analytic` | the rule: `uid` its id, `name`, `version`, `type_id` 1 (Rule) |
| `finding_info.attacks` | each technique with its tactic among the rule's, then lone tactics |
| `severity_id` | Informational 1, Low 2, Medium 3, High 4 |
| `time`, `start_time`, `end_time` | epoch milliseconds (alert time, its events' span) |
| `metadata.product`, `metadata.version` | kqlhunt and its version; the OCSF version |
| `resources` | every entity: `type` the entity type, `name` its main identifier, `data` all |
| `evidences` | per entity, the OCSF object it is: `actor.user`, `device`, `process`, `file` |
| `unmapped` | custom details, incident id and the matching row |
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, TextIO

from kqlhunt import __version__
from kqlhunt.alerts.model import Alert, Entity, json_value
from kqlhunt.lint.attack import SENTINEL_TACTICS, technique
from kqlhunt.lint.attack_data import ATTACK_VERSION
from kqlhunt.rules.model import Severity

OCSF_VERSION = "1.3.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2004, 2, 1
SEVERITY_IDS = {
    Severity.INFORMATIONAL: 1,
    Severity.LOW: 2,
    Severity.MEDIUM: 3,
    Severity.HIGH: 4,
}
# ATT&CK Enterprise tactic ids by the short names the technique table uses.
TACTIC_IDS = {
    "reconnaissance": ("TA0043", "Reconnaissance"),
    "resource-development": ("TA0042", "Resource Development"),
    "initial-access": ("TA0001", "Initial Access"),
    "execution": ("TA0002", "Execution"),
    "persistence": ("TA0003", "Persistence"),
    "privilege-escalation": ("TA0004", "Privilege Escalation"),
    "defense-evasion": ("TA0005", "Defense Evasion"),
    "credential-access": ("TA0006", "Credential Access"),
    "discovery": ("TA0007", "Discovery"),
    "lateral-movement": ("TA0008", "Lateral Movement"),
    "collection": ("TA0009", "Collection"),
    "exfiltration": ("TA0010", "Exfiltration"),
    "command-and-control": ("TA0011", "Command and Control"),
    "impact": ("TA0040", "Impact"),
}
# The identifier that names an entity in `resources`, by entity type.
_NAME_IDENTIFIERS = ("FullName", "HostName", "Name", "Address", "Value", "CommandLine", "Url")
_FINDING_NAMESPACE = uuid.UUID("0c6f3a0e-6f0e-4d8a-9d55-5a3c1b8e2f47")


def _ms(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp() * 1000)


def finding_uid(alert: Alert) -> str:
    """A stable id: the same alert from the same data gets the same uid in every run."""
    row = json.dumps(alert.to_json()["row"], sort_keys=True, ensure_ascii=False)
    return str(uuid.uuid5(_FINDING_NAMESPACE, f"{alert.rule_id}\x1f{alert.time}\x1f{row}"))


def attacks(tactics: Iterable[str], techniques: Iterable[str]) -> list[dict[str, Any]]:
    """ATT&CK objects: each technique with the first of the rule's tactics it belongs to (or
    alone), sub-techniques under their technique, then each tactic no technique took."""
    short_names = [SENTINEL_TACTICS.get(t) for t in tactics]
    unused = [s for s in short_names if s in TACTIC_IDS]
    result: list[dict[str, Any]] = []
    for technique_id in techniques:
        found = technique(technique_id)
        parent_id = technique_id.split(".", 1)[0]
        parent = technique(parent_id) if "." in technique_id else found
        attack: dict[str, Any] = {"version": f"v{ATTACK_VERSION}"}
        attack["technique"] = {"uid": parent_id, "name": parent.name if parent else None}
        if "." in technique_id:
            attack["sub_technique"] = {"uid": technique_id, "name": found.name if found else None}
        tactic = next((s for s in short_names if s and found and s in found.tactics), None)
        if tactic in TACTIC_IDS:
            attack["tactic"] = _tactic(tactic)
            if tactic in unused:
                unused.remove(tactic)
        result.append(attack)
    result.extend(
        {"version": f"v{ATTACK_VERSION}", "tactic": _tactic(s)} for s in dict.fromkeys(unused)
    )
    return result


def _tactic(short_name: str) -> dict[str, str]:
    uid, name = TACTIC_IDS[short_name]
    return {"uid": uid, "name": name}


def _entity_name(entity: Entity) -> str:
    for identifier in _NAME_IDENTIFIERS:
        if value := entity.identifiers.get(identifier):
            return value
    return next(iter(entity.identifiers.values()), "")


def _evidence(entity: Entity) -> dict[str, Any] | None:
    ids, kind = entity.identifiers, entity.entity_type
    if kind == "Account":
        name = ids.get("FullName") or ids.get("Name", "")
        user: dict[str, Any] = {"name": name.rsplit("\\", 1)[-1]}
        if "\\" in name:
            user["domain"] = name.rsplit("\\", 1)[0]
        if "NTDomain" in ids:
            user["domain"] = ids["NTDomain"]
        if "Sid" in ids:
            user["uid"] = ids["Sid"]
        return {"actor": {"user": user}}
    if kind == "Host":
        device: dict[str, Any] = {"type_id": 0, "hostname": _entity_name(entity)}
        if "DnsDomain" in ids:
            device["domain"] = ids["DnsDomain"]
        return {"device": device}
    if kind == "IP":
        return {"device": {"type_id": 0, "ip": ids.get("Address", "")}}
    if kind == "Process":
        process = {"cmd_line": ids.get("CommandLine"), "pid": _int(ids.get("ProcessId"))}
        return {"process": {k: v for k, v in process.items() if v is not None}}
    if kind == "File":
        return {"file": {"name": ids.get("Name", ""), "path": ids.get("Directory"), "type_id": 1}}
    if kind == "FileHash":
        algorithm = ids.get("Algorithm", "")
        fingerprint = {"algorithm": algorithm, "value": ids.get("Value", "")}
        return {"file": {"name": "", "type_id": 1, "hashes": [fingerprint]}}
    return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def to_ocsf(alert: Alert, *, rule_kind: str | None = None) -> dict[str, Any]:
    """One alert as an OCSF Detection Finding."""
    severity_id = SEVERITY_IDS[alert.severity]
    finding_info: dict[str, Any] = {
        "uid": finding_uid(alert),
        "title": alert.name,
        "desc": alert.description or None,
        "types": [rule_kind] if rule_kind else None,
        "analytic": {
            "uid": alert.rule_id,
            "name": alert.rule_name,
            "type_id": 1,
            "type": "Rule",
            "version": alert.rule_version,
        },
        "attacks": attacks(alert.tactics, alert.techniques) or None,
        "first_seen_time": _ms(alert.start_time or alert.time),
        "last_seen_time": _ms(alert.end_time or alert.time),
        "created_time": _ms(alert.created),
    }
    time = alert.time or alert.created or alert.start_time
    finding: dict[str, Any] = {
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": alert.severity.value,
        "status_id": 1,
        "status": "New",
        "time": _ms(time) if time is not None else 0,
        "start_time": _ms(alert.start_time or alert.time),
        "end_time": _ms(alert.end_time or alert.time),
        "message": alert.name,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "kqlhunt", "vendor_name": "kqlhunt", "version": __version__},
        },
        "finding_info": _compact(finding_info),
        "resources": [
            {"type": e.entity_type, "name": _entity_name(e), "data": dict(e.identifiers)}
            for e in alert.entities
        ]
        or None,
        "evidences": [ev for e in alert.entities if (ev := _evidence(e))] or None,
        "unmapped": _compact(
            {
                "incident_id": alert.incident_id,
                "custom_details": json_value(alert.custom_details) or None,
                "row": json_value(alert.row) or None,
            }
        )
        or None,
    }
    return _compact(finding)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def write_ocsf(
    alerts: Iterable[Alert], stream: TextIO, rule_kinds: dict[str, str] | None = None
) -> int:
    """Write one OCSF Detection Finding per alert and line.

    Args:
        alerts: The alerts.
        stream: A text stream.
        rule_kinds: The kind (`Scheduled`, `NRT`, ...) of each rule by id, for `finding_info.types`.

    Returns:
        The number of findings written.
    """
    count = 0
    for alert in alerts:
        kind = (rule_kinds or {}).get(alert.rule_id)
        stream.write(json.dumps(to_ocsf(alert, rule_kind=kind), ensure_ascii=False) + "\n")
        count += 1
    return count
