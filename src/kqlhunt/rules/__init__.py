"""Sentinel analytic rules: the model and the YAML loader."""

from __future__ import annotations

from kqlhunt.rules.loader import RuleSet, bundled_rules_dir, load_rule, load_rules
from kqlhunt.rules.model import (
    LEGACY_ENTITY_MAPPINGS,
    AnalyticRule,
    EntityMapping,
    FieldMapping,
    RuleKind,
    Severity,
)
from kqlhunt.rules.parse import parse_rule

__all__ = [
    "LEGACY_ENTITY_MAPPINGS",
    "AnalyticRule",
    "EntityMapping",
    "FieldMapping",
    "RuleKind",
    "RuleSet",
    "Severity",
    "bundled_rules_dir",
    "load_rule",
    "load_rules",
    "parse_rule",
]
