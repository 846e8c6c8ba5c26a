"""Alert reports beyond the terminal table: CSV, OCSF Detection Findings and an offline HTML
report.

The names below are imported when first used: the terminal console (`kqlhunt.report.console`)
is needed by every command, the HTML templates and OCSF mapping only by a few.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kqlhunt.alerts.pivots import AlertSummary, alert_accounts, alert_host, summarize
    from kqlhunt.report.csv_output import write_csv
    from kqlhunt.report.html import RuleLine, render_html
    from kqlhunt.report.ocsf import to_ocsf, write_ocsf

_MODULES = {
    "AlertSummary": "kqlhunt.alerts.pivots",
    "alert_accounts": "kqlhunt.alerts.pivots",
    "alert_host": "kqlhunt.alerts.pivots",
    "summarize": "kqlhunt.alerts.pivots",
    "write_csv": "kqlhunt.report.csv_output",
    "RuleLine": "kqlhunt.report.html",
    "render_html": "kqlhunt.report.html",
    "to_ocsf": "kqlhunt.report.ocsf",
    "write_ocsf": "kqlhunt.report.ocsf",
}

__all__ = [
    "AlertSummary",
    "RuleLine",
    "alert_accounts",
    "alert_host",
    "render_html",
    "summarize",
    "to_ocsf",
    "write_csv",
    "write_ocsf",
]


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
