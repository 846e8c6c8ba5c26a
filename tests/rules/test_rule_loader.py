"""The rule loader: the bundled rule, broken files, and folders mixing both."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kqlhunt.errors import RuleError
from kqlhunt.rules import (
    LEGACY_ENTITY_MAPPINGS,
    AnalyticRule,
    EntityMapping,
    FieldMapping,
    RuleKind,
    Severity,
    bundled_rules_dir,
    load_rule,
    load_rules,
    parse_rule,
)

BUNDLED_ID = "a2b58512-1298-4a25-a4c7-88ddfed78b0d"
BUNDLED_NAME = "Invoke-PowerShellTcpOneLine Usage (Normalized Process Events)"

BUNDLED_QUERY = (
    "imProcessCreate\n"
    '| where Process has_any ("powershell.exe", "PowerShell_ISE.exe", "cmd.exe")\n'
    '| where CommandLine has "$client = New-Object System.Net.Sockets.TCPClient"\n'
    "| extend timestamp = TimeGenerated, AccountCustomEntity = User, "
    "HostCustomEntity = Dvc, IPCustomEntity = DvcIpAddr\n"
)

MINIMAL = """\
id: 11111111-2222-3333-4444-555555555555
name: Minimal
query: SecurityEvent | take 1
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bundled() -> AnalyticRule:
    ruleset = load_rules(bundled_rules_dir())
    assert ruleset.errors == []
    rule = ruleset.get(BUNDLED_ID)
    assert rule is not None
    return rule


def test_bundled_rule_fields(bundled: AnalyticRule) -> None:
    assert bundled.name == BUNDLED_NAME
    assert bundled.description.startswith("'Invoke-PowerShellTcpOneLine is a PowerShell script")
    assert bundled.description.endswith("similar to Invoke-PowerShellTcpOneLine.'")
    assert bundled.severity is Severity.MEDIUM
    assert bundled.tactics == ("Exfiltration",)
    assert bundled.techniques == ("T1011",)
    assert bundled.query == BUNDLED_QUERY
    assert bundled.kind is RuleKind.SCHEDULED
    assert bundled.version == "1.0.0"
    assert bundled.status is None
    assert bundled.query_frequency == timedelta(days=1)
    assert bundled.query_period == timedelta(days=1)
    assert bundled.trigger_operator == "gt"
    assert bundled.trigger_threshold == 0
    assert bundled.path.endswith("invoke_powershell_tcp_oneline.yaml")
    assert not bundled.uses_legacy_entities
    assert bundled.entity_mappings == (
        EntityMapping("Account", (FieldMapping("FullName", "AccountCustomEntity"),)),
        EntityMapping("Host", (FieldMapping("FullName", "HostCustomEntity"),)),
        EntityMapping("IP", (FieldMapping("Address", "IPCustomEntity"),)),
    )


def test_bundled_rule_query_line_maps_to_file_lines(bundled: AnalyticRule) -> None:
    file_lines = Path(bundled.path).read_text(encoding="utf-8").splitlines()
    for number, query_line in enumerate(bundled.query.splitlines(), start=1):
        assert file_lines[bundled.file_line(number) - 1].strip() == query_line.strip()
    assert file_lines[bundled.query_line - 1].strip() == "imProcessCreate"


def test_query_on_the_key_line() -> None:
    text = "id: x\nname: n\n\nquery: SecurityEvent | take 1\n"
    assert parse_rule(text).query_line == 4


def test_quoted_and_folded_query_lines() -> None:
    quoted = 'id: x\nname: n\nquery: "T\n  | take 1"\n'
    folded = "id: x\nname: n\nquery: >\n  T\n  | take 1\n"
    assert parse_rule(quoted).query_line == 3
    assert parse_rule(folded).query_line == 4


def test_leading_blank_line_in_block_query_keeps_the_mapping() -> None:
    text = "id: x\nname: n\nquery: |\n\n  T\n  | take 1\n"
    rule = parse_rule(text)
    assert rule.query.splitlines()[1] == "T"
    assert rule.file_line(2) == 5


def test_a_value_shaped_like_an_impossible_date_stays_text() -> None:
    rule = parse_rule(MINIMAL + "version: 2027-13-45\n", "minimal.yaml")
    assert rule.version == "2027-13-45"


def test_minimal_rule_defaults() -> None:
    rule = parse_rule(MINIMAL, "minimal.yaml")
    assert rule.path == "minimal.yaml"
    assert rule.description == ""
    assert rule.tactics == ()
    assert rule.techniques == ()
    # No kind and no schedule: a hunting query, whose default severity is Informational.
    assert rule.kind is RuleKind.HUNTING
    assert rule.severity is Severity.INFORMATIONAL
    assert rule.entity_mappings == LEGACY_ENTITY_MAPPINGS
    assert rule.uses_legacy_entities


def test_scheduled_rule_without_kind_or_severity() -> None:
    rule = parse_rule(MINIMAL + "queryFrequency: 5h\nqueryPeriod: 14d\n")
    assert rule.kind is RuleKind.SCHEDULED
    assert rule.severity is Severity.MEDIUM
    assert rule.query_frequency == timedelta(hours=5)
    assert rule.query_period == timedelta(days=14)


def test_severity_and_kind_ignore_case() -> None:
    rule = parse_rule(MINIMAL + "severity: high\nkind: nrt\n")
    assert rule.severity is Severity.HIGH
    assert rule.kind is RuleKind.NRT


def test_legacy_techniques_key_and_empty_list_items() -> None:
    rule = parse_rule(MINIMAL + "techniques:\n  - T1059\ntactics:\n  -\n")
    assert rule.techniques == ("T1059",)
    assert rule.tactics == ()


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_rule(path).name == "Minimal"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "id: x\nname: n\nquery: |\n  T\ntactics: [a, b\n")
    with pytest.raises(RuleError, match=r"invalid YAML: line \d+, column \d+") as info:
        load_rule(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\nname: n\n", r"missing required field 'query'"),
        ("name: n\nquery: T\n", r"missing required field 'id'"),
        ("id: x\nname: n\nquery: '  '\n", r"line 3: field 'query' is empty"),
        ("id: x\nname: n\nquery: [T]\n", r"line 3: field 'query' must be text, not a list"),
        ("id: 7\nname: n\nquery: T\n", r"line 1: field 'id' must be text, not a number"),
        ("id: x\nname: n\nquery: T\ntactics: Execution\n", r"'tactics' must be a list"),
        ("id: x\nname: n\nquery: T\ntactics: [1]\n", r"'tactics' item 0 must be text"),
        ("id: x\nname: n\nquery: T\nseverity: Hight\n", r"line 4: field 'severity' must be one"),
        ("id: x\nname: n\nquery: T\nkind: Streaming\n", r"field 'kind' must be one of"),
        ("id: x\nname: n\nquery: T\nqueryPeriod: soon\n", r"'queryPeriod' must be a duration"),
        ("id: x\nname: n\nquery: T\ntriggerOperator: gte\n", r"'triggerOperator' must be"),
        ("id: x\nname: n\nquery: T\ntriggerThreshold: '0'\n", r"'triggerThreshold' must be"),
        ("id: x\nname: n\nquery: T\nversion: 1.0\n", r"'version' must be text"),
        ("- id: x\n", r"not a YAML mapping"),
        ("", r"the file is empty"),
        ("id: x\n---\nid: y\n", r"invalid YAML"),
    ],
)
def test_invalid_fields(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message) as info:
        parse_rule(text, "rule.yaml")
    assert info.value.path == "rule.yaml"


@pytest.mark.parametrize(
    ("mappings", "message"),
    [
        ("entityMappings: Account\n", r"'entityMappings' must be a list"),
        ("entityMappings:\n  - Account\n", r"item 0 must be a mapping"),
        ("entityMappings:\n  - entityType: []\n", r"item 0 needs an entityType"),
        ("entityMappings:\n  - entityType: Host\n", r"item 0 \(Host\) needs fieldMappings"),
        (
            "entityMappings:\n  - entityType: Host\n    fieldMappings:\n      - identifier: x\n",
            r"identifier and columnName",
        ),
    ],
)
def test_invalid_entity_mappings(mappings: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rule(MINIMAL + mappings)


def test_entity_mapping_with_several_identifiers() -> None:
    text = MINIMAL + (
        "entityMappings:\n"
        "  - entityType: Account\n"
        "    fieldMappings:\n"
        "      - identifier: Name\n"
        "        columnName: AccountName\n"
        "      - identifier: NTDomain\n"
        "        columnName: AccountDomain\n"
    )
    (mapping,) = parse_rule(text).entity_mappings
    assert mapping.column_names == ("AccountName", "AccountDomain")
    assert not mapping.implicit


def test_folder_mixing_good_and_bad_files(tmp_path: Path) -> None:
    good = write(tmp_path, "a_good.yaml", MINIMAL)
    nested = write(tmp_path, "sub/deeper/c_good.yml", MINIMAL.replace("Minimal", "Nested"))
    bad_yaml = write(tmp_path, "b_bad.yaml", "id: [\n")
    no_query = write(tmp_path, "sub/d_no_query.YAML", "id: x\nname: n\n")
    write(tmp_path, "notes.txt", "not a rule")
    write(tmp_path, "sub/readme.md", "# not a rule")

    ruleset = load_rules(tmp_path)

    assert [r.path for r in ruleset] == [str(good), str(nested)]
    assert len(ruleset) == 2
    assert [e.path for e in ruleset.errors] == [str(bad_yaml), str(no_query)]
    assert "invalid YAML" in ruleset.errors[0].reason
    assert "missing required field 'query'" in ruleset.errors[1].reason


def test_several_paths_and_a_missing_one(tmp_path: Path) -> None:
    first = write(tmp_path, "one.yaml", MINIMAL)
    missing = tmp_path / "absent.yaml"
    ruleset = load_rules([str(first), missing, bundled_rules_dir()])
    assert [r.name for r in ruleset] == ["Minimal", BUNDLED_NAME]
    assert ruleset.get(BUNDLED_ID.upper()) is not None
    assert [(e.path, e.reason) for e in ruleset.errors] == [
        (str(missing), "no such file or directory")
    ]


def test_unreadable_text_is_a_rule_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: x\nname: caf\xe9\nquery: T\n")
    ruleset = load_rules(path)
    assert ruleset.rules == []
    assert "not UTF-8" in ruleset.errors[0].reason


def test_severity_order() -> None:
    ranks = [s.rank for s in (Severity.INFORMATIONAL, Severity.LOW, Severity.MEDIUM)]
    assert ranks == [0, 1, 2]
    assert Severity.HIGH.rank == 3
