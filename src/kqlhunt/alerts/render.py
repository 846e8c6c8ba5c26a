"""Show alerts to people (a rich table) and to programs (JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kqlhunt.alerts.model import Alert, Entity
from kqlhunt.rules.model import Severity
from kqlhunt.terminal import shown

SEVERITY_STYLES = {
    Severity.INFORMATIONAL: "dim",
    Severity.LOW: "cyan",
    Severity.MEDIUM: "yellow",
    Severity.HIGH: "bold red",
}


def format_entity(entity: Entity) -> str:
    """One entity as text: `Account: CONTOSO\\alice`, or `Account: Name=alice, NTDomain=CONTOSO`
    when it has several identifiers."""
    if len(entity.identifiers) == 1:
        (value,) = entity.identifiers.values()
        return f"{entity.entity_type}: {value}"
    pairs = ", ".join(f"{k}={v}" for k, v in entity.identifiers.items())
    return f"{entity.entity_type}: {pairs}"


def format_entities(entities: Iterable[Entity]) -> str:
    """All entities of an alert on one line, separated by `; `."""
    return "; ".join(format_entity(e) for e in entities)


def alerts_table(alerts: Iterable[Alert], *, title: str | None = None) -> Table:
    """A table with one alert per row: time (UTC), rule name, severity and entities.

    Args:
        alerts: The alerts, shown in the order given.
        title: A caption above the table.

    Returns:
        A rich `Table`; cell text is never read as rich markup.
    """
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("Time (UTC)", no_wrap=True)
    table.add_column("Rule", overflow="fold", ratio=2)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Entities", overflow="fold", ratio=3)
    for alert in alerts:
        time = alert.time.strftime("%Y-%m-%d %H:%M:%S") if alert.time is not None else "-"
        table.add_row(
            Text(time),
            shown(alert.rule_name),
            Text(alert.severity.value, style=SEVERITY_STYLES[alert.severity]),
            shown(format_entities(alert.entities) or "-"),
        )
    return table


def render_alerts(alerts: Iterable[Alert], console: Console, *, title: str | None = None) -> None:
    """Write the alerts table to `console`, or a one-line note when there are none.

    Args:
        alerts: The alerts to show.
        console: Where to write; it decides colour (NO_COLOR is honoured) and width.
        title: A caption above the table; by default the number of alerts.
    """
    alerts = list(alerts)
    if not alerts:
        console.print(Text("No alerts."))
        return
    if title is None:
        title = f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}"
    console.print(alerts_table(alerts, title=title))


def write_jsonl(alerts: Iterable[Alert], stream: TextIO) -> int:
    """Write one JSON object per alert and line (`Alert.to_json`), UTF-8 kept as is.

    Args:
        alerts: The alerts to write.
        stream: A text stream, such as `sys.stdout` or an open file.

    Returns:
        The number of lines written.
    """
    count = 0
    for alert in alerts:
        stream.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        count += 1
    return count


def summary_tables(alerts: Iterable[Alert]) -> list[Table]:
    """Alert counts by rule (with severity), by severity and by host, as three small tables."""
    from kqlhunt.alerts.pivots import summarize

    summary = summarize(alerts)
    by_rule = Table(title="By rule", title_justify="left")
    by_rule.add_column("Rule", overflow="fold")
    by_rule.add_column("Severity", no_wrap=True)
    by_rule.add_column("Alerts", justify="right")
    for name, severity, count in summary.by_rule:
        by_rule.add_row(
            shown(name), Text(severity.value, style=SEVERITY_STYLES[severity]), str(count)
        )
    by_severity = Table(title="By severity", title_justify="left")
    by_severity.add_column("Severity")
    by_severity.add_column("Alerts", justify="right")
    for severity, count in summary.by_severity:
        by_severity.add_row(Text(severity.value, style=SEVERITY_STYLES[severity]), str(count))
    by_host = Table(title="By host", title_justify="left")
    by_host.add_column("Host")
    by_host.add_column("Alerts", justify="right")
    for host, count in summary.by_host:
        by_host.add_row(shown(host), str(count))
    return [by_rule, by_severity, by_host]


def render_summary(alerts: Iterable[Alert], console: Console) -> None:
    """Write the summary tables by rule, severity and host, side by side when they fit."""
    from rich.columns import Columns

    alerts = list(alerts)
    if alerts:
        console.print(Columns(summary_tables(alerts), padding=(0, 4)))
