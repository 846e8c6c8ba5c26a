"""Sentinel analytic rules: the model and the YAML loader."""

from __future__ import annotations

from kqlhunt.rules.durations import format_duration, parse_duration
from kqlhunt.rules.loader import RuleSet, bundled_rules_dir, load_rule, load_rules
from kqlhunt.rules.model import (
    LEGACY_ENTITY_MAPPINGS,
    AlertDetailsOverride,
    AnalyticRule,
    DataConnector,
    EntityMapping,
    EventGrouping,
    FieldMapping,
    IncidentConfiguration,
    IncidentGrouping,
    MatchingMethod,
    RuleKind,
    Severity,
)
from kqlhunt.rules.parse import parse_kql_file, parse_rule

__all__ = [
    "LEGACY_ENTITY_MAPPINGS",
    "AlertDetailsOverride",
    "AnalyticRule",
    "DataConnector",
    "EntityMapping",
    "EventGrouping",
    "FieldMapping",
    "IncidentConfiguration",
    "IncidentGrouping",
    "MatchingMethod",
    "RuleKind",
    "RuleSet",
    "Severity",
    "bundled_rules_dir",
    "format_duration",
    "load_rule",
    "load_rules",
    "parse_duration",
    "parse_kql_file",
    "parse_rule",
]
