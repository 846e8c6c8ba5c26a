"""Alert reports beyond the terminal table: CSV, OCSF Detection Findings and an offline HTML
report."""

from __future__ import annotations

from kqlhunt.alerts.pivots import AlertSummary, alert_accounts, alert_host, summarize
from kqlhunt.report.csv_output import write_csv
from kqlhunt.report.html import RuleLine, render_html
from kqlhunt.report.ocsf import to_ocsf, write_ocsf

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
