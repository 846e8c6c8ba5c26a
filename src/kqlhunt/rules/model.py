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


class EventGrouping(enum.Enum):
    """How a triggered run becomes alerts: one alert for all rows, or one per row."""

    SINGLE_ALERT = "SingleAlert"
    ALERT_PER_RESULT = "AlertPerResult"


class MatchingMethod(enum.Enum):
    """Which alerts join an open incident of the same rule within the lookback."""

    ALL_ENTITIES = "AllEntities"
    ANY_ALERT = "AnyAlert"
    SELECTED = "Selected"


@dataclass(frozen=True, slots=True)
class AlertDetailsOverride:
    """Alert fields taken from the result: `{{Column}}` formats and column names."""

    display_name_format: str | None = None
    description_format: str | None = None
    tactics_column: str | None = None
    severity_column: str | None = None
    techniques_column: str | None = None
    dynamic_properties: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentGrouping:
    """`incidentConfiguration.groupingConfiguration`: how alerts are grouped into incidents."""

    enabled: bool = False
    reopen_closed_incident: bool = False
    lookback: timedelta = timedelta(hours=5)
    matching_method: MatchingMethod = MatchingMethod.ALL_ENTITIES
    group_by_entities: tuple[str, ...] = ()
    group_by_alert_details: tuple[str, ...] = ()
    group_by_custom_details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentConfiguration:
    """Whether alerts of the rule open incidents, and how they are grouped."""

    create_incident: bool = True
    grouping: IncidentGrouping = IncidentGrouping()


@dataclass(frozen=True, slots=True)
class DataConnector:
    """One entry of `requiredDataConnectors`."""

    connector_id: str
    data_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnalyticRule:
    """A Sentinel analytic rule or hunting query.

    `query_line` is the 1-based line of the rule file on which the query text starts. When the
    query is written line for line (a `|` block, a one-line value, a `.kql` file), line L of the
    query is line `query_line + L - 1` of the file and its column C is column `query_column + C
    - 1`; `query_column` is None for a query folded or escaped into other lines (`>`, a quoted or
    plain value over several lines), whose lines are not the file's. `entity_mappings` holds
    the file's `entityMappings`, or `LEGACY_ENTITY_MAPPINGS` when it has none.
    """

    id: str
    name: str
    query: str
    path: str
    query_line: int = 1
    query_column: int | None = 1
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
    custom_details: tuple[tuple[str, str], ...] = ()
    alert_details_override: AlertDetailsOverride | None = None
    event_grouping: EventGrouping = EventGrouping.SINGLE_ALERT
    incident_configuration: IncidentConfiguration | None = None
    suppression_enabled: bool = False
    suppression_duration: timedelta | None = None
    required_data_connectors: tuple[DataConnector, ...] = ()
    sub_techniques: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def uses_legacy_entities(self) -> bool:
        """True when the rule names its entities with the legacy `*CustomEntity` columns."""
        return bool(self.entity_mappings) and all(m.implicit for m in self.entity_mappings)

    @property
    def all_techniques(self) -> tuple[str, ...]:
        """Techniques and sub-techniques (`T1059`, `T1059.001`), each once, in file order."""
        return tuple(dict.fromkeys((*self.techniques, *self.sub_techniques)))

    @property
    def is_scheduled(self) -> bool:
        """True for a rule Sentinel runs on a schedule with a known frequency and period."""
        return (
            self.kind is RuleKind.SCHEDULED
            and self.query_frequency is not None
            and self.query_period is not None
        )

    def file_line(self, query_line: int) -> int:
        """The rule file's line for a 1-based line of the query text (the line the query starts
        on, when its lines are not the file's)."""
        if self.query_column is None:
            return self.query_line
        return self.query_line + query_line - 1

    def file_position(self, query_line: int, query_column: int) -> tuple[int, int | None]:
        """The rule file's line and column for a place in the query text; the column is None
        when the query's lines are not the file's."""
        if self.query_column is None:
            return self.query_line, None
        return self.file_line(query_line), self.query_column + query_column - 1
