"""Analytic rules as loaded from Sentinel YAML: immutable values, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta


class Severity(enum.Enum):
    """Alert severity, spelled as Sentinel spells it."""

    INFORMATIONAL = "Informational"
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"

    @property
    def rank(self) -> int:
        """Order from least (0, Informational) to most severe (3, High)."""
        return _SEVERITY_ORDER.index(self)

    @classmethod
    def from_name(cls, name: str) -> Severity:
        """Resolve a severity name, ignoring case and surrounding blanks.

        Raises:
            ValueError: The name is not one of Sentinel's four severities.
        """
        try:
            return _SEVERITIES[name.strip().lower()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r}") from None


_SEVERITY_ORDER = (Severity.INFORMATIONAL, Severity.LOW, Severity.MEDIUM, Severity.HIGH)
_SEVERITIES = {s.value.lower(): s for s in Severity}


class RuleKind(enum.Enum):
    """How Sentinel runs a rule: on a schedule, near real time, or on demand (hunting)."""

    SCHEDULED = "Scheduled"
    NRT = "NRT"
    HUNTING = "Hunting"

    @classmethod
    def from_name(cls, name: str) -> RuleKind:
        """Resolve a kind name, ignoring case.

        Raises:
            ValueError: The name is not a known kind.
        """
        try:
            return _KINDS[name.strip().lower()]
        except KeyError:
            raise ValueError(f"unknown rule kind {name!r}") from None


_KINDS = {k.value.lower(): k for k in RuleKind}


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """One entity identifier filled from one result column."""

    identifier: str
    column_name: str


@dataclass(frozen=True, slots=True)
class EntityMapping:
    """How a result row becomes one entity (Account, Host, IP, ...).

    `implicit` marks the mappings kqlhunt infers for rules that predate `entityMappings`
    and name their entities with the legacy `*CustomEntity` columns. An implicit mapping
    applies only when the result has its column; an explicit one is expected to.
    """

    entity_type: str
    field_mappings: tuple[FieldMapping, ...]
    implicit: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(f.column_name for f in self.field_mappings)


def _legacy(entity_type: str, identifier: str, column: str) -> EntityMapping:
    return EntityMapping(entity_type, (FieldMapping(identifier, column),), implicit=True)


# The pre-2021 convention: fixed column names that Sentinel mapped to entities on its own.
LEGACY_ENTITY_MAPPINGS: tuple[EntityMapping, ...] = (
    _legacy("Account", "FullName", "AccountCustomEntity"),
    _legacy("Host", "FullName", "HostCustomEntity"),
    _legacy("IP", "Address", "IPCustomEntity"),
    _legacy("URL", "Url", "URLCustomEntity"),
    _legacy("FileHash", "Value", "FileHashCustomEntity"),
)


@dataclass(frozen=True, slots=True)
class AnalyticRule:
    """A Sentinel analytic rule or hunting query.

    `query_line` is the 1-based line of the rule file on which the query text starts, so
    line L of the query is line `query_line + L - 1` of the file. `entity_mappings` holds
    the file's `entityMappings`, or `LEGACY_ENTITY_MAPPINGS` when it has none.
    """

    id: str
    name: str
    query: str
    path: str
    query_line: int = 1
    description: str = ""
    severity: Severity = Severity.MEDIUM
    tactics: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    entity_mappings: tuple[EntityMapping, ...] = LEGACY_ENTITY_MAPPINGS
    kind: RuleKind = RuleKind.SCHEDULED
    status: str | None = None
    version: str | None = None
    query_frequency: timedelta | None = None
    query_period: timedelta | None = None
    trigger_operator: str | None = None
    trigger_threshold: int | None = None

    @property
    def uses_legacy_entities(self) -> bool:
        """True when the rule names its entities with the legacy `*CustomEntity` columns."""
        return bool(self.entity_mappings) and all(m.implicit for m in self.entity_mappings)

    def file_line(self, query_line: int) -> int:
        """The rule file's line for a 1-based line of the query text."""
        return self.query_line + query_line - 1
