"""Rendering alerts as a rich table, compared with golden text.

Set KQLHUNT_UPDATE_GOLDEN=1 to rewrite the golden files, then review the diff.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

from kqlhunt.alerts import Alert, Entity, alerts_table, format_entities, render_alerts
from kqlhunt.rules import Severity

GOLDEN = Path(__file__).parent / "golden"


def alert(minute: int, severity: Severity, name: str, *entities: Entity) -> Alert:
    return Alert(
        rule_id="a2b58512-1298-4a25-a4c7-88ddfed78b0d",
        rule_name=name,
        severity=severity,
        tactics=("Exfiltration",),
        techniques=("T1011",),
        time=datetime(2026, 11, 2, 9, minute, 3, 123456, tzinfo=timezone.utc),
        entities=entities,
    )


ALERTS = [
    alert(
        14,
        Severity.MEDIUM,
        "Invoke-PowerShellTcpOneLine Usage (Normalized Process Events)",
        Entity("Account", {"FullName": "CONTOSO\\alice"}),
        Entity("Host", {"FullName": "WS1"}),
    ),
    alert(
        20,
        Severity.HIGH,
        "A rule whose name is long enough to wrap inside its column of the alerts table [x]",
        Entity("Account", {"Name": "bob", "NTDomain": "CONTOSO"}),
        Entity("IP", {"Address": "10.10.14.7"}),
        Entity("URL", {"Url": "https://intranet.contoso.local/a/very/long/path/that/wraps"}),
    ),
    Alert("r3", "No entities, no time", Severity.INFORMATIONAL, (), (), None),
]


def recorded_console() -> Console:
    return Console(record=True, width=120, file=io.StringIO(), color_system=None)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KQLHUNT_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_table_matches_golden_text() -> None:
    console = recorded_console()
    render_alerts(ALERTS, console)
    check_golden("alerts_table.txt", console.export_text())


def test_no_alerts_is_one_line() -> None:
    console = recorded_console()
    render_alerts([], console)
    assert console.export_text() == "No alerts.\n"


def test_entities_text() -> None:
    assert format_entities(ALERTS[0].entities) == "Account: CONTOSO\\alice; Host: WS1"
    assert format_entities(ALERTS[1].entities).startswith("Account: Name=bob, NTDomain=CONTOSO;")


def test_markup_in_values_is_shown_as_is() -> None:
    tricky = alert(1, Severity.LOW, "[bold]not markup[/bold]", Entity("Host", {"FullName": "[x]"}))
    console = recorded_console()
    console.print(alerts_table([tricky]))
    text = console.export_text()
    assert "[bold]not markup[/bold]" in text
    assert "Host: [x]" in text


@pytest.mark.parametrize("no_color", [False, True])
def test_severity_colour_follows_no_color(monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    stream = io.StringIO()
    console = Console(file=stream, width=120, force_terminal=True, color_system="standard")
    render_alerts(ALERTS[:1], console)
    has_yellow = "\x1b[33m" in stream.getvalue()
    assert has_yellow is not no_color
