"""The optional sections of the analytic-rule format, durations and plain `.kql` files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kqlhunt.rules import (
    EventGrouping,
    MatchingMethod,
    RuleKind,
    Severity,
    format_duration,
    load_rule,
    load_rules,
    parse_duration,
    parse_rule,
)

FULL = """\
id: 0b0d7a6e-1c2f-4f5b-9a8e-3c1b2a4d5e6f
name: Full rule
description: Every section
severity: High
status: Available
requiredDataConnectors:
  - connectorId: SecurityEvents
    dataTypes:
      - SecurityEvent
queryFrequency: 1h
queryPeriod: PT2H
triggerOperator: gt
triggerThreshold: 3
tactics:
  - Execution
relevantTechniques:
  - T1059.001
subTechniques:
  - T1059.003
query: |
  imProcessCreate
  | extend Host = DvcHostname
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: Host
customDetails:
  Command: CommandLine
  Parent: ParentProcessName
alertDetailsOverride:
  alertDisplayNameFormat: Shell on {{Host}}
  alertDescriptionFormat: "{{User}} ran {{CommandLine}}"
  alertSeverityColumnName: Sev
  alertTacticsColumnName: Tac
  alertDynamicProperties:
    - alertProperty: ProductName
      value: Product
eventGroupingSettings:
  aggregationKind: AlertPerResult
suppressionEnabled: true
suppressionDuration: 5h
incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    reopenClosedIncident: false
    lookbackDuration: 3d
    matchingMethod: Selected
    groupByEntities:
      - Host
    groupByAlertDetails:
      - DisplayName
    groupByCustomDetails:
      - Parent
kind: Scheduled
version: 1.2.0
"""


def test_every_section_of_a_scheduled_rule() -> None:
    rule = parse_rule(FULL)
    assert rule.kind is RuleKind.SCHEDULED and rule.is_scheduled
    assert rule.severity is Severity.HIGH and rule.status == "Available"
    assert rule.query_period == timedelta(hours=2)
    assert rule.all_techniques == ("T1059.001", "T1059.003")
    assert rule.custom_details == (("Command", "CommandLine"), ("Parent", "ParentProcessName"))
    override = rule.alert_details_override
    assert override is not None
    assert override.display_name_format == "Shell on {{Host}}"
    assert override.severity_column == "Sev" and override.tactics_column == "Tac"
    assert override.dynamic_properties == (("ProductName", "Product"),)
    assert rule.event_grouping is EventGrouping.ALERT_PER_RESULT
    assert rule.suppression_enabled and rule.suppression_duration == timedelta(hours=5)
    config = rule.incident_configuration
    assert config is not None and config.create_incident
    assert config.grouping.enabled and config.grouping.lookback == timedelta(days=3)
    assert config.grouping.matching_method is MatchingMethod.SELECTED
    assert config.grouping.group_by_entities == ("Host",)
    assert config.grouping.group_by_custom_details == ("Parent",)
    assert rule.required_data_connectors[0].data_types == ("SecurityEvent",)


def test_defaults_without_the_sections() -> None:
    rule = parse_rule("id: x\nname: n\nquery: T\nkind: NRT\n")
    assert rule.kind is RuleKind.NRT and not rule.is_scheduled
    assert rule.event_grouping is EventGrouping.SINGLE_ALERT
    assert rule.incident_configuration is None and rule.alert_details_override is None
    assert not rule.suppression_enabled and rule.custom_details == ()


def test_misshapen_optional_sections_are_left_out() -> None:
    text = "id: x\nname: n\nquery: T\ncustomDetails: [a]\neventGroupingSettings: 3\n"
    rule = parse_rule(text + "incidentConfiguration: yes\nsuppressionDuration: soon\n")
    assert rule.custom_details == () and rule.incident_configuration is None
    assert rule.suppression_duration is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5m", timedelta(minutes=5)),
        ("14d", timedelta(days=14)),
        ("30s", timedelta(seconds=30)),
        ("PT5H", timedelta(hours=5)),
        ("P1D", timedelta(days=1)),
        ("PT1H30M", timedelta(minutes=90)),
        ("P1DT2H", timedelta(hours=26)),
        ("soon", None),
        ("P", None),
        ("PT", None),
        ("5 weeks", None),
    ],
)
def test_durations(text: str, expected: timedelta | None) -> None:
    assert parse_duration(text) == expected


def test_format_duration() -> None:
    assert format_duration(timedelta(days=14)) == "14d"
    assert format_duration(timedelta(minutes=90)) == "90m"
    assert format_duration(timedelta(seconds=45)) == "45s"


def test_plain_kql_file_is_a_hunting_query(tmp_path: Path) -> None:
    path = tmp_path / "encoded_powershell.kql"
    path.write_text("// Encoded PowerShell\n// on any host\nimProcessCreate\n| take 1\n")
    rule = load_rule(path)
    assert rule.kind is RuleKind.HUNTING and rule.name == "encoded_powershell"
    assert rule.description == "Encoded PowerShell on any host"
    assert rule.query_line == 1 and "take 1" in rule.query
    assert load_rule(path).id == rule.id
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "r.yaml").write_text("id: x\nname: n\nquery: T\n")
    assert [r.name for r in load_rules(tmp_path)] == ["encoded_powershell", "n"]


def test_empty_kql_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.kql").write_text("  \n")
    ruleset = load_rules(tmp_path)
    assert ruleset.rules == [] and "empty" in ruleset.errors[0].reason
