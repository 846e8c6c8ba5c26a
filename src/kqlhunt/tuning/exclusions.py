"""Exclusions kept beside the rules: a tuning file, keyed by rule id, that removes results by
field conditions, each with a reason and an optional expiry date.

```yaml
a2b58512-1298-4a25-a4c7-88ddfed78b0d:
  - reason: Nightly maintenance scripts started by the Task Scheduler
    parent_process: svchost.exe
    command_line: C:\\ProgramData\\Contoso\\Maintenance\\
    expires: 2027-01-31
```

Every condition of an exclusion must hold for a result to be removed; a condition given a list
holds when any of its values does. Values compare without regard to ASCII case.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from kqlhunt import yaml_loader
from kqlhunt.alerts.build import identifier_text, row_entities
from kqlhunt.alerts.model import Alert, Entity
from kqlhunt.errors import KqlHuntError
from kqlhunt.rules.model import AnalyticRule

# The conditions an exclusion can set, and the result columns and entity identifiers each reads.
# The columns are ASIM's first, then the Log Analytics tables', then the legacy entity columns.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": (
        "User",
        "ActorUsername",
        "TargetUsername",
        "AccountCustomEntity",
        "Account",
        "SubjectUserName",
        "AccountName",
        "InitiatingProcessAccountName",
    ),
    "host": ("DvcHostname", "Dvc", "DvcFQDN", "HostCustomEntity", "Computer", "DeviceName"),
    "parent_process": (
        "ActingProcessName",
        "ParentProcessName",
        "ParentImage",
        "InitiatingProcessFolderPath",
        "InitiatingProcessFileName",
    ),
    "process": (
        "TargetProcessName",
        "Process",
        "NewProcessName",
        "Image",
        "FolderPath",
        "FileName",
    ),
    "command_line": (
        "CommandLine",
        "TargetProcessCommandLine",
        "ProcessCommandLine",
        "ProcessCommandLineCustomEntity",
    ),
    "hash": (
        "Hash",
        "TargetProcessSHA256",
        "TargetProcessSHA1",
        "TargetProcessMD5",
        "TargetProcessIMPHASH",
        "SHA256",
        "SHA1",
        "MD5",
        "FileHashCustomEntity",
    ),
}
FIELD_ENTITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "account": (("Account", "FullName"), ("Account", "Name")),
    "host": (("Host", "FullName"), ("Host", "HostName"), ("Host", "DnsDomain")),
    "process": (("Process", "ProcessName"),),
    "command_line": (("Process", "CommandLine"),),
    "hash": (("FileHash", "Value"),),
}
# `command_line` matches a substring; `command_line_regex` a regular expression (re.search).
CONDITIONS = (*FIELD_COLUMNS, "command_line_regex")
_OTHER_KEYS = ("reason", "expires")


class TuningError(KqlHuntError):
    """A tuning file that cannot be used: its path, the place in it, and what is wrong."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Exclusion:
    """One exclusion of one rule: conditions that must all hold, and why it exists."""

    rule_id: str
    index: int
    reason: str
    conditions: dict[str, tuple[str, ...]]
    expires: date | None = None
    patterns: tuple[re.Pattern[str], ...] = ()

    @property
    def label(self) -> str:
        """How the summary names it: `rule-id #1 (reason)`."""
        return f"{self.rule_id} #{self.index} ({self.reason})"

    def expired(self, today: date) -> bool:
        """An exclusion is in force up to and including its expiry date."""
        return self.expires is not None and self.expires < today

    def matches(self, row: Mapping[str, Any], entities: Sequence[Entity] = ()) -> bool:
        """Whether every condition holds for one result row (and its alert's entities)."""
        for name, wanted in self.conditions.items():
            values = field_values(name, row, entities)
            if not any(_value_matches(name, value, w) for value in values for w in wanted):
                return False
        if self.patterns:
            lines = field_values("command_line", row, entities)
            if not any(p.search(line) for p in self.patterns for line in lines):
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "index": self.index,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
            "conditions": {k: list(v) for k, v in self.conditions.items()}
            | ({"command_line_regex": [p.pattern for p in self.patterns]} if self.patterns else {}),
        }


@dataclass
class ExclusionCount:
    """What one exclusion did in a run: how many results it removed, or that it had expired."""

    exclusion: Exclusion
    removed: int = 0
    expired: bool = False

    def to_json(self) -> dict[str, Any]:
        return self.exclusion.to_json() | {"removed": self.removed, "expired": self.expired}


@dataclass
class Tuning:
    """All exclusions of a tuning file, by rule id (compared without regard to case)."""

    path: str
    exclusions: dict[str, list[Exclusion]] = field(default_factory=dict)

    def for_rule(self, rule_id: str) -> list[Exclusion]:
        return self.exclusions.get(rule_id.lower(), [])

    def __iter__(self) -> Any:
        return (e for group in self.exclusions.values() for e in group)


def field_values(name: str, row: Mapping[str, Any], entities: Sequence[Entity] = ()) -> list[str]:
    """The texts a condition on field `name` looks at: the row's columns, then entity
    identifiers."""
    values = [identifier_text(row.get(column)) for column in FIELD_COLUMNS[name]]
    for entity_type, identifier in FIELD_ENTITIES.get(name, ()):
        values.extend(
            e.identifiers.get(identifier) for e in entities if e.entity_type == entity_type
        )
    return [v for v in values if v]


def _value_matches(name: str, value: str, wanted: str) -> bool:
    value, wanted = value.casefold(), wanted.casefold()
    if name == "command_line":
        return wanted in value
    if value == wanted:
        return True
    if name == "account":
        # `adm-rkhan` matches `CONTOSO\adm-rkhan` and `adm-rkhan@contoso.local`.
        return "\\" not in wanted and _account_name(value) == _account_name(wanted)
    if name == "host":
        # `ws-fin-07` matches `ws-fin-07.contoso.local`.
        return "." not in wanted and value.split(".", 1)[0] == wanted
    if name in ("process", "parent_process"):
        # A bare file name matches the image in any folder.
        return "\\" not in wanted and "/" not in wanted and _basename(value) == wanted
    return False


def _account_name(text: str) -> str:
    return text.rsplit("\\", 1)[-1].split("@", 1)[0]


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def load_tuning(path: str | os.PathLike[str]) -> Tuning:
    """Read a tuning file.

    Raises:
        TuningError: the file cannot be read, or an exclusion is malformed (an unknown field,
            no condition, no reason, a bad regular expression or date).
    """
    name = os.fspath(path)
    try:
        data = yaml_loader.load(Path(name).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise TuningError(name, f"cannot read the file: {error}") from error
    except yaml.YAMLError as error:
        raise TuningError(name, f"not YAML: {error}") from error
    if data is None:
        return Tuning(name)
    if not isinstance(data, dict):
        raise TuningError(name, "expected a mapping of rule ids to lists of exclusions")

    tuning = Tuning(name)
    for rule_id, entries in data.items():
        if not isinstance(entries, list):
            raise TuningError(name, f"rule {rule_id}: expected a list of exclusions")
        group = tuning.exclusions.setdefault(str(rule_id).strip().lower(), [])
        for index, entry in enumerate(entries, start=len(group) + 1):
            group.append(_exclusion(name, str(rule_id).strip(), index, entry))
    return tuning


def _exclusion(path: str, rule_id: str, index: int, entry: object) -> Exclusion:
    where = f"rule {rule_id}, exclusion {index}"
    if not isinstance(entry, dict):
        raise TuningError(path, f"{where}: expected a mapping of fields to values")
    unknown = sorted(set(map(str, entry)) - {*CONDITIONS, *_OTHER_KEYS})
    if unknown:
        known = ", ".join((*CONDITIONS, *_OTHER_KEYS))
        raise TuningError(path, f"{where}: unknown field {unknown[0]!r} (known: {known})")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise TuningError(path, f"{where}: every exclusion needs a reason")

    conditions: dict[str, tuple[str, ...]] = {}
    for name in FIELD_COLUMNS:
        if name in entry:
            conditions[name] = _texts(path, where, name, entry[name])
    patterns: list[re.Pattern[str]] = []
    for text in _texts(path, where, "command_line_regex", entry.get("command_line_regex", [])):
        try:
            patterns.append(re.compile(text, re.IGNORECASE))
        except re.error as error:
            raise TuningError(path, f"{where}: bad command_line_regex: {error}") from error
    if not conditions and not patterns:
        raise TuningError(path, f"{where}: an exclusion needs at least one field condition")
    return Exclusion(
        rule_id,
        index,
        reason.strip(),
        conditions,
        _date(path, where, entry.get("expires")),
        tuple(patterns),
    )


def _texts(path: str, where: str, name: str, value: object) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    texts = tuple(str(v) for v in values if v is not None and str(v) != "")
    if isinstance(value, (dict, bool)) or (value != [] and not texts):
        raise TuningError(path, f"{where}: {name} needs a text or a list of texts")
    return texts


def _date(path: str, where: str, value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise TuningError(
            path, f"{where}: expires is not a date (YYYY-MM-DD): {value!r}"
        ) from error


def apply_tuning(
    alerts: Iterable[Alert], exclusions: Sequence[Exclusion], today: date
) -> tuple[list[Alert], list[ExclusionCount]]:
    """Remove the results that an exclusion in force matches.

    A result is counted against the first exclusion that matches it. An alert that holds
    several results ("one alert for all results") keeps the results no exclusion matches, and
    is dropped when none is left; its entities and custom details stay as they were built.

    Returns:
        The alerts that remain, in order, and one count per exclusion, expired ones included.
    """
    counts = [ExclusionCount(e, expired=e.expired(today)) for e in exclusions]
    active = [c for c in counts if not c.expired]
    kept: list[Alert] = []
    for alert in alerts:
        rows = alert.rows or (alert.row,)
        # Entities belong to the alert: they describe a row only when the alert holds one.
        entities = alert.entities if len(rows) == 1 else ()
        remaining = [row for row in rows if not _excluded(row, entities, active)]
        if len(remaining) == len(rows):
            kept.append(alert)
        elif remaining:
            kept.append(replace(alert, rows=tuple(remaining), row=remaining[0]))
    return kept, counts


class ResultFilter:
    """A rule's exclusions as a filter on its query's result rows, for a scheduled replay: the
    excluded rows are gone before the trigger counts the rest, as if the query excluded them.

    An exclusion is in force on the days up to its expiry, judged at each run's time; `counts`
    reports it as expired when it has expired by `today`.
    """

    def __init__(self, rule: AnalyticRule, exclusions: Sequence[Exclusion], today: date) -> None:
        self.rule = rule
        self.counts = [ExclusionCount(e, expired=e.expired(today)) for e in exclusions]

    def __call__(self, rows: list[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
        active = [c for c in self.counts if not c.exclusion.expired(at.date())]
        if not active:
            return rows
        mappings = self.rule.entity_mappings
        return [row for row in rows if not _excluded(row, row_entities(mappings, row), active)]


def _excluded(
    row: Mapping[str, Any], entities: Sequence[Entity], active: list[ExclusionCount]
) -> bool:
    for count in active:
        if count.exclusion.matches(row, entities):
            count.removed += 1
            return True
    return False
