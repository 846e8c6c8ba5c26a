"""Building alerts from query results, and their JSON Lines form."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

from kqlhunt.alerts import Entity, build_alerts, write_jsonl
from kqlhunt.alerts.build import alert_time, identifier_text
from kqlhunt.alerts.model import format_timespan, json_value
from kqlhunt.result import Column, QueryResult
from kqlhunt.rules import AnalyticRule, EntityMapping, FieldMapping, Severity
from kqlhunt.types import KqlType

S, T = KqlType.STRING, KqlType.DATETIME
AT = datetime(2026, 11, 2, 9, 14, 3, 123456, tzinfo=timezone.utc)


def mapped_rule() -> AnalyticRule:
    return AnalyticRule(
        id="r1",
        name="Mapped rule",
        query="T",
        path="rules/mapped.yaml",
        severity=Severity.HIGH,
        tactics=("Execution",),
        techniques=("T1059",),
        entity_mappings=(
            EntityMapping("Account", (FieldMapping("FullName", "AccountCustomEntity"),)),
            EntityMapping("Host", (FieldMapping("FullName", "HostCustomEntity"),)),
            EntityMapping("IP", (FieldMapping("Address", "IPCustomEntity"),)),
        ),
    )


def legacy_rule() -> AnalyticRule:
    return AnalyticRule(id="r2", name="Legacy rule", query="T", path="rules/legacy.yaml")


def result(names: list[tuple[str, KqlType]], *rows: tuple[object, ...]) -> QueryResult:
    return QueryResult(tuple(Column(n, t) for n, t in names), list(rows))


def test_one_alert_per_row_with_rule_facts() -> None:
    data = result(
        [("TimeGenerated", T), ("AccountCustomEntity", S), ("HostCustomEntity", S),
         ("IPCustomEntity", S)],
        (AT, "CONTOSO\\jdoe", "WS-FIN-07", "10.0.0.5"),
        (AT + timedelta(minutes=1), "CONTOSO\\asmith", "WS-HR-03", ""),
    )  # fmt: skip
    batch = build_alerts(mapped_rule(), data)

    assert len(batch) == 2
    assert batch.warnings == []
    first, second = batch
    assert (first.rule_id, first.rule_name, first.severity) == ("r1", "Mapped rule", Severity.HIGH)
    assert (first.tactics, first.techniques) == (("Execution",), ("T1059",))
    assert first.time == AT
    assert first.entities == (
        Entity("Account", {"FullName": "CONTOSO\\jdoe"}),
        Entity("Host", {"FullName": "WS-FIN-07"}),
        Entity("IP", {"Address": "10.0.0.5"}),
    )
    assert first.row["HostCustomEntity"] == "WS-FIN-07"
    assert [e.entity_type for e in second.entities] == ["Account", "Host"]


def test_empty_dash_and_null_identifiers_are_left_out() -> None:
    data = result(
        [("AccountCustomEntity", S), ("HostCustomEntity", S), ("IPCustomEntity", S)],
        ("", "-", None),
        (" - ", "WS1", "  "),
    )
    first, second = build_alerts(mapped_rule(), data)
    assert first.entities == ()
    assert second.entities == (Entity("Host", {"FullName": "WS1"}),)


def test_entity_keeps_the_identifiers_that_have_values() -> None:
    rule = AnalyticRule(
        id="r3",
        name="Two identifiers",
        query="T",
        path="r3.yaml",
        entity_mappings=(
            EntityMapping(
                "Account",
                (FieldMapping("Name", "AccountName"), FieldMapping("NTDomain", "Domain")),
            ),
        ),
    )
    data = result([("AccountName", S), ("Domain", S)], ("alice", "-"), ("-", ""))
    first, second = build_alerts(rule, data)
    assert first.entities == (Entity("Account", {"Name": "alice"}),)
    assert second.entities == ()


def test_explicit_mapping_of_a_missing_column_is_a_warning() -> None:
    data = result([("AccountCustomEntity", S)], ("CONTOSO\\jdoe",))
    batch = build_alerts(mapped_rule(), data)

    assert [a.entities for a in batch] == [(Entity("Account", {"FullName": "CONTOSO\\jdoe"}),)]
    assert [w.path for w in batch.warnings] == ["rules/mapped.yaml", "rules/mapped.yaml"]
    assert "Host.FullName names column 'HostCustomEntity'" in batch.warnings[0].reason
    assert "IP.Address names column 'IPCustomEntity'" in batch.warnings[1].reason


def test_warnings_come_even_without_rows() -> None:
    batch = build_alerts(mapped_rule(), result([("Other", S)]))
    assert batch.alerts == []
    assert len(batch.warnings) == 3


def test_legacy_columns_map_when_present() -> None:
    rule = legacy_rule()
    assert rule.uses_legacy_entities
    data = result(
        [("timestamp", T), ("HostCustomEntity", S), ("URLCustomEntity", S),
         ("FileHashCustomEntity", S), ("AccountCustomEntity", S)],
        (AT, "SRV-APP-02", "https://intranet.contoso.local/x", "ABCDEF", "-"),
    )  # fmt: skip
    batch = build_alerts(rule, data)

    assert batch.warnings == []
    (alert,) = batch
    assert alert.time == AT
    assert alert.entities == (
        Entity("Host", {"FullName": "SRV-APP-02"}),
        Entity("URL", {"Url": "https://intranet.contoso.local/x"}),
        Entity("FileHash", {"Value": "ABCDEF"}),
    )


def test_alert_time_prefers_time_generated() -> None:
    later = AT + timedelta(hours=1)
    assert alert_time({"TimeGenerated": AT, "timestamp": later}) == AT
    assert alert_time({"TimeGenerated": None, "timestamp": later}) == later
    assert alert_time({"timestamp": "2026-11-02T09:14:03.123456Z"}) == AT
    assert alert_time({"timestamp": "yesterday"}) is None
    assert alert_time({}) is None
    naive = datetime(2026, 11, 2, 9, 14, 3, 123456)
    assert alert_time({"TimeGenerated": naive}) == AT
    eastern = AT.astimezone(timezone(timedelta(hours=-5)))
    converted = alert_time({"TimeGenerated": eastern})
    assert converted == AT
    assert converted is not None and converted.tzinfo == timezone.utc


def test_identifier_text_of_other_types() -> None:
    assert identifier_text(4444) == "4444"
    assert identifier_text(True) == "true"
    assert identifier_text(AT) == "2026-11-02T09:14:03.123456Z"
    assert identifier_text([]) is None
    assert identifier_text(["a", 1]) == '["a", 1]'


def test_jsonl_shape() -> None:
    data = result(
        [("TimeGenerated", T), ("AccountCustomEntity", S), ("HostCustomEntity", S),
         ("IPCustomEntity", S), ("Elapsed", KqlType.TIMESPAN), ("Score", KqlType.REAL),
         ("Bag", KqlType.DYNAMIC)],
        (AT, "CONTOSO\\jdoe", "WS-FIN-07", "", timedelta(days=1, seconds=5, microseconds=1),
         float("nan"), {"when": AT, "list": [1, "ä"]}),
    )  # fmt: skip
    stream = io.StringIO()
    assert write_jsonl(build_alerts(mapped_rule(), data), stream) == 1

    text = stream.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    assert "ä" in text
    record = json.loads(text)
    assert list(record) == [
        "time", "rule_id", "rule_name", "severity", "tactics", "techniques", "entities", "row",
        "name", "description", "rule_version", "start_time", "end_time", "created",
        "custom_details", "rows", "incident_id",
    ]  # fmt: skip
    assert record["time"] == "2026-11-02T09:14:03.123456Z"
    assert record["severity"] == "High"
    assert record["tactics"] == ["Execution"]
    assert record["techniques"] == ["T1059"]
    assert record["entities"] == [
        {"entity_type": "Account", "identifiers": {"FullName": "CONTOSO\\jdoe"}},
        {"entity_type": "Host", "identifiers": {"FullName": "WS-FIN-07"}},
    ]
    assert record["row"] == {
        "TimeGenerated": "2026-11-02T09:14:03.123456Z",
        "AccountCustomEntity": "CONTOSO\\jdoe",
        "HostCustomEntity": "WS-FIN-07",
        "IPCustomEntity": "",
        "Elapsed": "1.00:00:05.0000010",
        "Score": None,
        "Bag": {"when": "2026-11-02T09:14:03.123456Z", "list": [1, "ä"]},
    }


def test_alert_without_time_has_null_time() -> None:
    (alert,) = build_alerts(legacy_rule(), result([("X", S)], ("x",)))
    assert alert.time is None
    assert alert.to_json()["time"] is None


def test_timespan_and_json_values() -> None:
    assert format_timespan(timedelta(0)) == "00:00:00"
    assert format_timespan(timedelta(hours=-1, minutes=-30)) == "-01:30:00"
    assert format_timespan(timedelta(milliseconds=250)) == "00:00:00.2500000"
    assert json_value(float("inf")) is None
    assert json_value((1, 2)) == [1, 2]
    assert json_value(b"\x00\xff") == "AP8="
    assert json_value(datetime(2026, 1, 1, 12, 0)) == "2026-01-01T12:00:00Z"


def test_an_entity_with_only_a_qualifying_identifier_is_left_out() -> None:
    from kqlhunt.alerts.build import row_entities
    from kqlhunt.rules.model import EntityMapping, FieldMapping

    mapping = EntityMapping(
        "FileHash", (FieldMapping("Algorithm", "Algo"), FieldMapping("Value", "Sha"))
    )

    assert row_entities((mapping,), {"Algo": "SHA256", "Sha": ""}) == ()
    (entity,) = row_entities((mapping,), {"Algo": "SHA256", "Sha": "ab12"})
    assert entity.identifiers == {"Algorithm": "SHA256", "Value": "ab12"}
