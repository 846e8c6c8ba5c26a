"""Scheduled replay over generated events with known timing: windows, now(), trigger,
suppression, event grouping and incident grouping."""

from __future__ import annotations

import importlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.normalize import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.result import QueryResult
from kqlhunt.rules import AnalyticRule, parse_rule
from kqlhunt.schedule import replay_rule, run_windows, triggered

DAY = datetime(2026, 3, 2, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


# (hour, host, command line): "evil" at 00:30 on A, 03:10 on A, 03:20 on B, 07:40 on A;
# benign events at 00:00 and 08:00 fix the data's range.
EVENTS = [
    (0.0, "A", "notepad.exe"),
    (0.5, "A", "evil.exe -x"),
    (3 + 10 / 60, "A", "evil.exe -y"),
    (3 + 20 / 60, "B", "evil.exe -z"),
    (7 + 40 / 60, "A", "evil.exe -w"),
    (8.0, "B", "notepad.exe"),
]


def table() -> TableData:
    rows: list[dict[str, object]] = [
        {"TimeGenerated": at(h), "DvcHostname": host, "CommandLine": cmd} for h, host, cmd in EVENTS
    ]
    return TableData.from_rows(TABLE_NAME, IM_PROCESS_CREATE, rows)


RULE = """\
id: 6f1c2b3a-0000-4000-8000-000000000001
name: Evil process
description: evil.exe ran
severity: Medium
queryFrequency: 1h
queryPeriod: 2h
triggerOperator: gt
triggerThreshold: {threshold}
tactics: [Execution]
relevantTechniques: [T1204]
query: |
  imProcessCreate
  | where CommandLine has "evil.exe"
  | extend RunAt = now()
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: DvcHostname
customDetails:
  Command: CommandLine
alertDetailsOverride:
  alertDisplayNameFormat: Evil on {{{{DvcHostname}}}}
eventGroupingSettings:
  aggregationKind: {grouping}
kind: Scheduled
version: 1.0.3
"""


def rule(threshold: int = 0, grouping: str = "AlertPerResult", extra: str = "") -> AnalyticRule:
    return parse_rule(RULE.format(threshold=threshold, grouping=grouping) + extra)


def test_windows_follow_frequency_and_period() -> None:
    windows = run_windows(at(0), at(8), timedelta(hours=1), timedelta(hours=2))
    assert [w.end for w in windows] == [at(h) for h in range(9)]
    assert all(w.end - w.start == timedelta(hours=2) for w in windows)
    assert run_windows(at(0.5), at(0.6), timedelta(days=1), timedelta(days=1))[0].end == at(24)


def test_trigger_operators() -> None:
    assert triggered("gt", 0, 1) and not triggered("gt", 0, 0)
    assert triggered("lt", 1, 0) and triggered("eq", 2, 2) and triggered("ne", 2, 3)
    assert triggered(None, None, 1)


def test_each_run_sees_its_window_with_now_at_its_end() -> None:
    outcome = replay_rule(rule(), [table()])
    assert outcome.ok
    assert [(r.window.end, r.count) for r in outcome.runs if r.count] == [
        (at(1), 1),
        (at(2), 1),
        (at(4), 2),
        (at(5), 2),
        (at(8), 1),
    ]
    assert len(outcome.alerts) == 7
    for alert in outcome.alerts:
        assert alert.row["RunAt"] == alert.created
        assert alert.created is not None and alert.time is not None
        assert alert.created - timedelta(hours=2) <= alert.time <= alert.created


def test_alerts_carry_what_sentinel_alerts_carry() -> None:
    alert = replay_rule(rule(), [table()]).alerts[0]
    assert alert.name == "Evil on A" and alert.rule_name == "Evil process"
    assert alert.description == "evil.exe ran" and alert.rule_version == "1.0.3"
    assert alert.tactics == ("Execution",) and alert.techniques == ("T1204",)
    assert alert.start_time == alert.end_time == at(0.5)
    assert [(e.entity_type, e.identifiers) for e in alert.entities] == [("Host", {"HostName": "A"})]
    assert alert.custom_details == {"Command": ["evil.exe -x"]}
    assert alert.to_json()["name"] == "Evil on A"


def test_threshold_counts_result_rows() -> None:
    outcome = replay_rule(rule(threshold=1), [table()])
    assert [r.window.end for r in outcome.runs if r.triggered] == [at(4), at(5)]
    assert len(outcome.alerts) == 4


def test_single_alert_with_suppression() -> None:
    extra = "suppressionEnabled: true\nsuppressionDuration: 3h\n"
    outcome = replay_rule(rule(grouping="SingleAlert", extra=extra), [table()])
    assert [a.created for a in outcome.alerts] == [at(1), at(4), at(8)]
    assert [r.window.end for r in outcome.runs if r.suppressed] == [at(2), at(5)]
    both = outcome.alerts[1]
    assert len(both.rows) == 2 and {e.identifiers["HostName"] for e in both.entities} == {"A", "B"}
    assert both.start_time == at(3 + 10 / 60) and both.end_time == at(3 + 20 / 60)
    assert both.custom_details == {"Command": ["evil.exe -y", "evil.exe -z"]}


def test_incidents_grouped_by_host_within_the_lookback() -> None:
    extra = (
        "incidentConfiguration:\n  createIncident: true\n  groupingConfiguration:\n"
        "    enabled: true\n    lookbackDuration: 2h\n    matchingMethod: Selected\n"
        "    groupByEntities: [Host]\n"
    )
    outcome = replay_rule(rule(extra=extra), [table()])
    groups = [
        (i.created, [(a.created, a.entities[0].identifiers["HostName"]) for a in i.alerts])
        for i in outcome.incidents
    ]
    assert groups == [
        (at(1), [(at(1), "A"), (at(2), "A")]),
        (at(4), [(at(4), "A"), (at(5), "A")]),
        (at(4), [(at(4), "B"), (at(5), "B")]),
        (at(8), [(at(8), "A")]),
    ]
    assert all(a.incident_id for a in outcome.alerts)


def test_without_grouping_each_alert_is_an_incident() -> None:
    outcome = replay_rule(rule(), [table()])
    assert len(outcome.incidents) == len(outcome.alerts) == 7


def test_cli_schedule_replays_the_bundled_rule_on_the_samples() -> None:
    from click.testing import CliRunner

    from kqlhunt.cli.main import main

    result = CliRunner().invoke(main, ["hunt", "--samples", "--schedule", "--format", "jsonl"])
    assert result.exit_code == 1, result.output
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert alerts and all(a["created"] and a["incident_id"] for a in alerts)


def _counting_queries(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """Record `now` of every query the replay runs."""
    replay_module = importlib.import_module("kqlhunt.schedule.replay")

    seen: list[datetime] = []

    class CountingEngine(Engine):
        def query(self, text: str, source_name: str = "<query>") -> QueryResult:
            assert self.now is not None
            seen.append(self.now)
            return super().query(text, source_name)

    monkeypatch.setattr(replay_module, "Engine", CountingEngine)
    return seen


def test_windows_without_events_run_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _counting_queries(monkeypatch)
    events = [*EVENTS, (24 * 30, "C", "evil.exe -late")]  # a month later
    rows: list[dict[str, object]] = [
        {"TimeGenerated": at(h), "DvcHostname": host, "CommandLine": cmd} for h, host, cmd in events
    ]
    outcome = replay_rule(rule(), [TableData.from_rows(TABLE_NAME, IM_PROCESS_CREATE, rows)])

    assert len(outcome.runs) == 24 * 30 + 1
    assert [(r.window.end, r.count) for r in outcome.runs if r.count][-1] == (at(24 * 30), 1)
    assert len(outcome.alerts) == 7 + 2  # the late event is in two windows
    holding = [
        r.window.end
        for r in outcome.runs
        if any(r.window.start <= at(h) <= r.window.end for h, *_ in events)
    ]
    # only the windows holding events run, and the first one without any
    assert len(outcome.runs) > 700 and len(holding) < 15
    assert sorted(seen) == sorted([*holding, at(3)])


def test_a_trigger_on_few_results_runs_every_window(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _counting_queries(monkeypatch)
    # the same rule, fired by a run that finds nothing
    quiet = RULE.format(threshold=1, grouping="SingleAlert").replace("Operator: gt", "Operator: lt")
    outcome = replay_rule(parse_rule(quiet), [table()])

    assert len(seen) == len(outcome.runs)
    assert [r.window.end for r in outcome.runs if r.triggered] == [at(h) for h in (0, 3, 6, 7)]


def test_exclusions_remove_results_before_the_trigger_counts_them(tmp_path: Path) -> None:
    from kqlhunt.tuning import load_tuning, result_filters

    tuning_file = tmp_path / "tuning.yaml"
    tuning_file.write_text(
        "6f1c2b3a-0000-4000-8000-000000000001:\n"
        "  - reason: B runs evil.exe for a test\n"
        "    host: b\n"
        "  - reason: expired before the data\n"
        "    host: A\n"
        "    expires: 2026-03-01\n",
        encoding="utf-8",
    )
    tuned = rule(threshold=1)  # fires on more than one result: only 03:10 and 03:20 together
    filters = result_filters([tuned], load_tuning(tuning_file), DAY.date())
    outcome = replay_rule(tuned, [table()], result_filter=filters[tuned.id])

    assert outcome.alerts == []
    assert [r.count for r in outcome.runs if r.count] == [1, 1, 1, 1, 1]
    [host_b, expired] = filters[tuned.id].counts
    assert (host_b.removed, host_b.expired) == (2, False)
    assert (expired.removed, expired.expired) == (0, True)
