"""Alerts raised by rules: building them from query results and rendering them."""

from __future__ import annotations

from kqlhunt.alerts.build import AlertBatch, build_alerts
from kqlhunt.alerts.model import Alert, Entity
from kqlhunt.alerts.render import alerts_table, format_entities, render_alerts, write_jsonl

__all__ = [
    "Alert",
    "AlertBatch",
    "Entity",
    "alerts_table",
    "build_alerts",
    "format_entities",
    "render_alerts",
    "write_jsonl",
]
