"""What reports group alerts by: the host and the accounts an alert names, counted per rule,
severity, host and account."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kqlhunt.alerts.build import identifier_text
from kqlhunt.alerts.model import Alert
from kqlhunt.rules.model import Severity

# Where an alert's host and account are read when it has no Host or Account entity.
HOST_COLUMNS = ("DvcHostname", "Computer", "DeviceName", "Dvc", "HostCustomEntity")
ACCOUNT_COLUMNS = ("User", "ActorUsername", "AccountCustomEntity", "Account", "AccountName")
SEVERITY_ORDER = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFORMATIONAL)
NO_VALUE = "-"


def _entity_values(alert: Alert, entity_type: str, identifiers: Sequence[str]) -> list[str]:
    values = []
    for entity in alert.entities:
        if entity.entity_type != entity_type:
            continue
        for identifier in identifiers:
            if value := entity.identifiers.get(identifier):
                values.append(value)
                break
    return values


def _row_value(alert: Alert, columns: Sequence[str]) -> str | None:
    for column in columns:
        if text := identifier_text(alert.row.get(column)):
            return text
    return None


def alert_hosts(alert: Alert) -> list[str]:
    """The alert's hosts: its Host entities, else the row's host column, else ["-"]."""
    hosts = _entity_values(alert, "Host", ("FullName", "HostName", "NetBiosName", "AzureID"))
    if hosts:
        return list(dict.fromkeys(hosts))
    return [_row_value(alert, HOST_COLUMNS) or NO_VALUE]


def alert_host(alert: Alert) -> str:
    """The alert's first host (see `alert_hosts`)."""
    return alert_hosts(alert)[0]


def alert_accounts(alert: Alert) -> list[str]:
    """The alert's accounts: its Account entities, else the row's user column."""
    accounts = _entity_values(alert, "Account", ("FullName", "Name", "UPNSuffix", "Sid"))
    if accounts:
        return list(dict.fromkeys(accounts))
    value = _row_value(alert, ACCOUNT_COLUMNS)
    return [value] if value else []


@dataclass(frozen=True)
class AlertSummary:
    """Alert counts by rule, severity, host and account, most alerts first. An alert naming
    several hosts or accounts is counted under each, so those counts can exceed `total`."""

    total: int
    by_rule: list[tuple[str, Severity, int]]
    by_severity: list[tuple[Severity, int]]
    by_host: list[tuple[str, int]]
    by_account: list[tuple[str, int]]
    by_rule_and_host: list[tuple[str, str, int]]


def summarize(alerts: Iterable[Alert]) -> AlertSummary:
    """Count alerts by rule (with its severity), severity, host, account, and rule and host."""
    alerts = list(alerts)
    rules: Counter[tuple[str, Severity]] = Counter((a.name, a.severity) for a in alerts)
    severities = Counter(a.severity for a in alerts)
    # An alert naming several hosts (or accounts) counts once under each.
    hosts = Counter(host for a in alerts for host in alert_hosts(a))
    accounts = Counter(account for a in alerts for account in alert_accounts(a))
    pairs = Counter((a.name, host) for a in alerts for host in alert_hosts(a))
    return AlertSummary(
        total=len(alerts),
        by_rule=[(n, s, c) for (n, s), c in sorted(rules.items(), key=lambda i: (-i[1], i[0][0]))],
        by_severity=[(s, severities[s]) for s in SEVERITY_ORDER if severities[s]],
        by_host=_ordered(hosts),
        by_account=_ordered(accounts),
        by_rule_and_host=[
            (r, h, c) for (r, h), c in sorted(pairs.items(), key=lambda i: (-i[1], i[0]))
        ],
    )


def _ordered(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))
