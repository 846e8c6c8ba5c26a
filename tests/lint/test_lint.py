"""`kqlhunt lint`: format, ATT&CK, query and column checks, each pointing at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kqlhunt.compiler import compile_query
from kqlhunt.errors import KqlError
from kqlhunt.hunt import rule_error_position
from kqlhunt.lint import FindingSeverity, lint_file, lint_paths
from kqlhunt.lint.attack import canonical_tactic, technique
from kqlhunt.normalize import IM_PROCESS_CREATE
from kqlhunt.rules import bundled_rules_dir, load_rules

GOOD = """\
id: 0b0d7a6e-1c2f-4f5b-9a8e-3c1b2a4d5e6f
name: Encoded PowerShell
description: Encoded commands
severity: Medium
requiredDataConnectors: []
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - Execution
relevantTechniques:
  - T1059.001
query: |
  imProcessCreate
  | where CommandLine has "-enc"
  | extend Host = DvcHostname
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: Host
customDetails:
  Command: CommandLine
version: 1.0.0
kind: Scheduled
"""


def _lint(tmp_path: Path, text: str, name: str = "rule.yaml") -> list[tuple[str, str, int | None]]:
    path = tmp_path / name
    path.write_text(text)
    return [(f.severity.value, f.kind, f.line) for f in lint_file(str(path))]


def test_a_good_rule_has_no_findings(tmp_path: Path) -> None:
    assert _lint(tmp_path, GOOD) == []


def test_bundled_rules_are_clean() -> None:
    assert lint_paths([bundled_rules_dir()]).findings == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("id: 0b0d7a6e-1c2f-4f5b-9a8e-3c1b2a4d5e6f", "id: rule-1", ("error", "invalid-id", 1)),
        ("queryFrequency: 1h", "queryFrequency: 1m", ("error", "duration-out-of-range", 6)),
        ("queryPeriod: 1h", "queryPeriod: 15d", ("error", "duration-out-of-range", 7)),
        ("queryFrequency: 1h", "queryFrequency: 2h", ("warning", "frequency-exceeds-period", 6)),
        ("queryPeriod: 1h", "queryPeriod: an hour", ("error", "invalid-duration", 7)),
        ("triggerThreshold: 0", "triggerThreshold: 20000", ("error", "invalid-trigger", 9)),
        ("triggerOperator: gt", "triggerOperator: gte", ("error", "invalid-trigger", 8)),
        ("  - Execution", "  - Executing", ("error", "unknown-tactic", 11)),
        ("  - Execution", "  - execution", ("warning", "tactic-spelling", 11)),
        ("  - T1059.001", "  - T1059.999", ("error", "unknown-technique", 13)),
        ("  - T1059.001", "  - T59", ("error", "invalid-technique", 13)),
        ("  - T1059.001", "  - T1086", ("warning", "revoked-technique", 13)),
        ("  - T1059.001", "  - T1003", ("warning", "technique-tactic-mismatch", 13)),
        ("severity: Medium", "severity: Urgent", ("error", "invalid-severity", 4)),
        ("version: 1.0.0", "version: one", ("warning", "invalid-version", 25)),
        ("entityType: Host", "entityType: Computer", ("error", "unknown-entity-type", 19)),
        ("identifier: HostName", "identifier: Hostname", ("error", "unknown-identifier", 21)),
        ("columnName: Host", "columnName: Computer", ("error", "missing-column", 22)),
        ("Command: CommandLine", "Command: CmdLine", ("error", "missing-column", 24)),
        ("| where", "| wher", ("error", "query-syntax", 16)),
        ("imProcessCreate\n", "AWSCloudTrail\n", ("info", "table-not-local", 15)),
        # a vendor table kqlhunt holds is checked: it has no ASIM column
        ("imProcessCreate\n", "SecurityEvent\n", ("error", "query-compile", 17)),
        ("severity: Medium\n", "", ("error", "missing-field", None)),
        ("description: Encoded commands\n", "", ("warning", "missing-field", None)),
    ],
)
def test_each_defect_is_found_on_its_line(
    tmp_path: Path, old: str, new: str, expected: tuple[str, str, int | None]
) -> None:
    assert old in GOOD
    assert _lint(tmp_path, GOOD.replace(old, new)) == [expected]


def test_unknown_watchlist_is_info(tmp_path: Path) -> None:
    query = (
        "  imProcessCreate\n"
        "  | where DvcHostname !in (_GetWatchlist('hosts') | project SearchKey)\n"
    )
    text = GOOD.replace('  imProcessCreate\n  | where CommandLine has "-enc"\n', query)
    assert _lint(tmp_path, text) == [("info", "watchlist-not-local", 16)]


def test_override_suppression_and_grouping(tmp_path: Path) -> None:
    text = GOOD + (
        "alertDetailsOverride:\n"
        "  alertDisplayNameFormat: '{{Host}} {{Nope}} {{User}} {{Dvc}}'\n"
        "suppressionEnabled: true\n"
        "suppressionDuration: 2d\n"
        "incidentConfiguration:\n"
        "  createIncident: true\n"
        "  groupingConfiguration:\n"
        "    enabled: true\n"
        "    lookbackDuration: 8d\n"
        "    matchingMethod: Selected\n"
        "    groupByEntities:\n"
        "      - Account\n"
    )
    assert sorted(_lint(tmp_path, text)) == sorted(
        [
            ("error", "too-many-parameters", 28),
            ("error", "missing-column", 28),
            ("error", "duration-out-of-range", 30),
            ("error", "duration-out-of-range", 35),
            ("warning", "grouping-entity-unmapped", 38),
        ]
    )


def test_nrt_rule_needs_no_schedule(tmp_path: Path) -> None:
    text = GOOD.replace("kind: Scheduled", "kind: NRT")
    assert _lint(tmp_path, text) == [
        ("warning", "nrt-schedule-field", line) for line in (6, 7, 8, 9)
    ]
    schedule = "queryFrequency: 1h\nqueryPeriod: 1h\ntriggerOperator: gt\ntriggerThreshold: 0\n"
    assert _lint(tmp_path, text.replace(schedule, "")) == []


def test_hunting_query_needs_fewer_fields(tmp_path: Path) -> None:
    text = (
        "id: 0b0d7a6e-1c2f-4f5b-9a8e-3c1b2a4d5e6f\n"
        "name: h\ndescription: d\nquery: imProcessCreate\n"
    )
    assert _lint(tmp_path, text) == []
    assert _lint(tmp_path, text.replace("description: d\n", "")) == [
        ("warning", "missing-field", None)
    ]


def test_broken_yaml_and_kql_files(tmp_path: Path) -> None:
    assert _lint(tmp_path, "id: [\n") == [("error", "invalid-yaml", 2)]
    assert _lint(tmp_path, "imProcessCreate\n| take 1\n", "q.kql") == []
    assert _lint(tmp_path, "imProcessCreate\n| tak 1\n", "q.kql") == [("error", "query-syntax", 2)]


GOOD_QUERY = (
    'query: |\n  imProcessCreate\n  | where CommandLine has "-enc"\n  | extend Host = DvcHostname\n'
)


@pytest.mark.parametrize(
    ("name", "query", "position"),
    [
        ("rule.yaml", 'query: |\n  imProcessCreate\n  | wher CommandLine has "-enc"\n', (16, 5)),
        ("rule.yaml", "query: |2\n    imProcessCreate\n    | tak 1\n", (16, 7)),
        ("rule.yaml", "query: imProcessCreate | tak 1\n", (14, 26)),
        ("rule.yaml", "query: 'imProcessCreate | tak 1'  \n", (14, 27)),
        ("q.kql", "imProcessCreate\n| tak 1\n", (2, 3)),
        # values whose lines are not the file's: the line the query starts on, no column
        ("rule.yaml", 'query: "imProcessCreate\\n| take 1\\n| tak 1"\n', (14, None)),
        ("rule.yaml", "query: >\n  imProcessCreate\n\n  | tak 1\n", (15, None)),
    ],
    ids=["block", "indented-block", "plain", "quoted", "kql-file", "escaped", "folded"],
)
def test_a_query_syntax_error_has_the_line_and_column_of_the_rule_file(
    tmp_path: Path, name: str, query: str, position: tuple[int, int | None]
) -> None:
    path = tmp_path / name
    path.write_text(GOOD.replace(GOOD_QUERY, query) if name == "rule.yaml" else query)

    [finding] = [f for f in lint_file(str(path)) if f.kind == "query-syntax"]

    assert (finding.line, finding.column) == position
    line, column = position
    assert finding.location == f"{path}:{line}" + (f":{column}" if column else "")
    assert finding.to_json()["column"] == column
    # hunt places the error where lint does
    [rule] = load_rules(path).rules
    with pytest.raises(KqlError) as caught:
        compile_query(rule.query, {"imProcessCreate": IM_PROCESS_CREATE})
    hunted = rule_error_position(rule, caught.value)
    assert hunted is not None and hunted.line == line
    assert column is None or hunted.column == column


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    report = lint_paths([tmp_path])
    assert report.files == 2
    assert [(f.kind, Path(f.path).name) for f in report.findings] == [("duplicate-id", "b.yaml")]
    assert report.findings[0].severity is FindingSeverity.WARNING


def test_finding_text_has_the_file_position(tmp_path: Path) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text(GOOD.replace("  - Execution", "  - Executing"))
    (finding,) = lint_file(str(path))
    assert str(finding) == (
        f"{path}:11: error [unknown-tactic] tactic 'Executing' is not one of Sentinel's tactics"
    )


def test_attack_table() -> None:
    found = technique("T1059.001")
    assert found is not None and found.name == "PowerShell" and found.tactics == ("execution",)
    revoked = technique("T1086")
    assert revoked is not None and revoked.status == "revoked"
    assert revoked.replaced_by == "T1059.001"
    assert technique("T9999") is None
    assert canonical_tactic("command and control") == "CommandAndControl"
    assert canonical_tactic("Ransomware") is None
