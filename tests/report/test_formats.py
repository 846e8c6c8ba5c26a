"""CSV, OCSF, the summary table and the HTML markup, over alerts of the sample logs."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from kqlhunt.alerts.model import Alert, Entity
from kqlhunt.alerts.pivots import alert_accounts, alert_host, summarize
from kqlhunt.alerts.render import render_summary
from kqlhunt.cli.main import main
from kqlhunt.hunt import RuleOutcome, hunt
from kqlhunt.normalize import read_logs
from kqlhunt.report import render_html, to_ocsf, write_csv, write_ocsf
from kqlhunt.report.ocsf import attacks
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.rules.model import Severity
from kqlhunt.samples import sample_logs

FIRST_RULE = "a2b58512-1298-4a25-a4c7-88ddfed78b0d"


@pytest.fixture(scope="module")
def outcomes() -> list[RuleOutcome]:
    tables = read_logs(sample_logs(), dedupe=True).tables.values()
    return hunt(load_rules([bundled_rules_dir()]), tables)


@pytest.fixture(scope="module")
def alerts(outcomes: list[RuleOutcome]) -> list[Alert]:
    return [a for o in outcomes for a in o.alerts]


def _alert(**changes: object) -> Alert:
    base: dict[str, object] = {
        "rule_id": "r1",
        "rule_name": "Rule one",
        "severity": Severity.HIGH,
        "tactics": ("Execution", "DefenseEvasion"),
        "techniques": ("T1059.001",),
        "time": datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc),
        "entities": (
            Entity("Account", {"Name": "jdoe", "NTDomain": "CONTOSO"}),
            Entity("Host", {"HostName": "WS-1", "DnsDomain": "contoso.local"}),
            Entity("FileHash", {"Algorithm": "SHA256", "Value": "AB12"}),
        ),
        "row": {"CommandLine": "powershell -enc AAAA", "DvcHostname": "WS-1"},
    }
    base.update(changes)
    return Alert(**base)  # type: ignore[arg-type]


def test_csv_has_one_line_per_alert_with_entity_columns(alerts: list[Alert]) -> None:
    stream = io.StringIO()
    assert write_csv(alerts, stream) == 4

    records = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert len(records) == 4
    assert {r["entity_Host"] for r in records} == {"WS-FIN-07", "SRV-APP-02", "WS-HR-03"}
    assert {r["entity_Account"] for r in records} >= {"CONTOSO\\jdoe", "CONTOSO\\asmith"}
    assert all(r["rule_id"] == FIRST_RULE and r["severity"] == "Medium" for r in records)
    assert records[0]["time"].endswith("Z") and "entity_IP" not in records[0]


def test_csv_joins_several_identifiers_and_entities() -> None:
    alert = _alert(entities=(*_alert().entities, Entity("Account", {"FullName": "CONTOSO\\b"})))
    stream = io.StringIO()
    write_csv([alert], stream)
    (record,) = csv.DictReader(io.StringIO(stream.getvalue()))
    assert record["entity_Account"] == "Name=jdoe, NTDomain=CONTOSO | CONTOSO\\b"
    assert record["tactics"] == "Execution;DefenseEvasion"


def test_ocsf_detection_finding_attributes(alerts: list[Alert]) -> None:
    finding = to_ocsf(alerts[0], rule_kind="Scheduled")

    assert finding["class_uid"] == 2004 and finding["category_uid"] == 2
    assert finding["type_uid"] == 200401 and finding["activity_id"] == 1
    assert finding["severity_id"] == 3 and finding["severity"] == "Medium"
    assert finding["time"] == 1793610843123  # 2026-11-02T09:14:03.123Z in epoch ms
    assert finding["metadata"]["product"]["name"] == "kqlhunt"
    assert finding["metadata"]["version"].startswith("1.")
    info = finding["finding_info"]
    assert info["title"] == alerts[0].name and info["types"] == ["Scheduled"]
    assert info["analytic"] == {
        "uid": FIRST_RULE,
        "name": alerts[0].rule_name,
        "type_id": 1,
        "type": "Rule",
        "version": alerts[0].rule_version,
    }
    assert info["attacks"] == [
        {
            "version": "v18.1",
            "technique": {"uid": "T1011", "name": "Exfiltration Over Other Network Medium"},
            "tactic": {"uid": "TA0010", "name": "Exfiltration"},
        }
    ]
    assert {r["type"]: r["name"] for r in finding["resources"]} == {
        "Account": "CONTOSO\\jdoe",
        "Host": "WS-FIN-07",
    }
    assert {"actor": {"user": {"name": "jdoe", "domain": "CONTOSO"}}} in finding["evidences"]
    assert finding["unmapped"]["row"]["EventOriginalUid"] == "48394"
    # The same alert gets the same uid; another alert another.
    assert to_ocsf(alerts[0])["finding_info"]["uid"] == info["uid"]
    assert to_ocsf(alerts[1])["finding_info"]["uid"] != info["uid"]


def test_ocsf_attacks_pair_techniques_with_their_tactic() -> None:
    assert attacks(["Execution", "DefenseEvasion"], ["T1059.001"]) == [
        {
            "version": "v18.1",
            "technique": {"uid": "T1059", "name": "Command and Scripting Interpreter"},
            "sub_technique": {"uid": "T1059.001", "name": "PowerShell"},
            "tactic": {"uid": "TA0002", "name": "Execution"},
        },
        {"version": "v18.1", "tactic": {"uid": "TA0005", "name": "Defense Evasion"}},
    ]
    finding = to_ocsf(_alert())
    assert finding["severity_id"] == 4
    evidences = finding["evidences"]
    assert {"actor": {"user": {"name": "jdoe", "domain": "CONTOSO"}}} in evidences
    assert {"device": {"type_id": 0, "hostname": "WS-1", "domain": "contoso.local"}} in evidences
    assert {
        "file": {"name": "", "type_id": 1, "hashes": [{"algorithm": "SHA256", "value": "AB12"}]}
    } in evidences


def test_write_ocsf_is_json_lines(alerts: list[Alert]) -> None:
    stream = io.StringIO()
    assert write_ocsf(alerts, stream, {FIRST_RULE: "Scheduled"}) == 4
    findings = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [f["finding_info"]["types"] for f in findings] == [["Scheduled"]] * 4


def test_pivots_and_summary(alerts: list[Alert]) -> None:
    summary = summarize(alerts)
    assert summary.total == 4
    assert summary.by_host == [("WS-HR-03", 2), ("SRV-APP-02", 1), ("WS-FIN-07", 1)]
    assert summary.by_severity == [(Severity.MEDIUM, 4)]
    assert alert_host(_alert()) == "WS-1"
    assert alert_accounts(_alert()) == ["jdoe"]
    assert alert_host(_alert(entities=(), row={})) == "-"

    console = Console(width=120, record=True, color_system=None)
    render_summary(alerts, console)
    text = console.export_text()
    assert "By rule" in text and "By severity" in text and "By host" in text
    assert "WS-HR-03" in text and "Medium" in text


def test_an_alert_naming_several_hosts_counts_under_each() -> None:
    hosts = tuple(Entity("Host", {"FullName": name}) for name in ("WS-1", "WS-2", "WS-1"))
    several = _alert(entities=hosts)
    summary = summarize([several, _alert()])

    assert summary.total == 2
    assert summary.by_host == [("WS-1", 2), ("WS-2", 1)]
    assert [(h, c) for _, h, c in summary.by_rule_and_host] == [("WS-1", 2), ("WS-2", 1)]
    assert alert_host(several) == "WS-1"


def test_html_markup_is_self_contained(alerts: list[Alert], outcomes: list[RuleOutcome]) -> None:
    from kqlhunt.report.html import RuleLine

    page = render_html(
        alerts,
        rules=[RuleLine(o.rule.name, len(o.alerts)) for o in outcomes],
        generated=datetime(2026, 11, 3, tzinfo=timezone.utc),
    )

    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<script" not in page
    assert page.count('class="dot"') == 4
    assert page.count('<tr class="alert">') == 4
    assert "CONTOSO\\asmith" in page and "2026-11-03 00:00:00 UTC" in page


def test_html_escapes_values() -> None:
    page = render_html([_alert(rule_name="<script>alert(1)</script>")])
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_html_without_alerts() -> None:
    page = render_html([])
    assert 'id="no-alerts"' in page and 'id="timeline"' not in page


@pytest.mark.parametrize("fmt", ["csv", "ocsf", "jsonl", "table"])
def test_cli_formats(fmt: str) -> None:
    result = CliRunner().invoke(main, ["hunt", "--samples", "--format", fmt])
    assert result.exit_code == 1, result.output
    if fmt == "table":
        assert "By host" in result.stdout and "By severity" in result.stdout
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 4
    else:
        assert len([json.loads(line) for line in result.stdout.splitlines()]) == 4


def test_cli_html_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["hunt", "--samples", "--format", "html", "--output", str(path)]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and f"Wrote 4 alerts to {path}" in result.stderr
    assert path.read_text(encoding="utf-8").count('<tr class="alert">') == 4
