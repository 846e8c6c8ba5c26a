"""parse_xml: XML text to a dynamic value by Kusto's documented rules; null when not XML."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt import xml_json
from tests.kql.semantics import rows, scalar

SYSMON = (
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
    "<System><EventID>1</EventID></System><EventData>"
    "<Data Name='Image'>C:\\\\Windows\\\\System32\\\\cmd.exe</Data>"
    "<Data Name='CommandLine'>cmd.exe /c whoami</Data><Data Name='ParentImage'/>"
    "</EventData></Event>"
)


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        # the documented table
        ("<e/>", {"e": None}),
        ("<e>text</e>", {"e": "text"}),
        ('<e name="value" />', {"e": {"@name": "value"}}),
        ('<e name="value">text</e>', {"e": {"@name": "value", "#text": "text"}}),
        ("<e> <a>text</a> <b>text</b> </e>", {"e": {"a": "text", "b": "text"}}),
        ("<e> <a>text</a> <a>text</a> </e>", {"e": {"a": ["text", "text"]}}),
        ("<e> text <a>text</a> </e>", {"e": {"#text": "text", "a": "text"}}),
        # the declaration and comments are dropped; text stays text
        ('<?xml version="1.0"?><!-- c --><d><v>118.0</v></d>', {"d": {"v": "118.0"}}),
        # not XML, empty, or an entity that would need a DTD
        ("not xml", None),
        ("", None),
        ('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', {"x": None}),
    ],
)
def test_documented_conversion(xml: str, expected: Any) -> None:
    assert scalar(f"parse_xml('{xml}')") == expected


def test_sysmon_event_data_read_as_sentinel_rules_read_it() -> None:
    query = (
        f'print EventData = "{SYSMON}" '
        "| extend x = parse_xml(EventData) "
        "| mv-apply d = x.Event.EventData.Data on "
        "(where d['@Name'] == 'CommandLine' | project CommandLine = tostring(d['#text'])) "
        "| project CommandLine, Image = tostring(x.Event.EventData.Data[0]['#text']), "
        "Id = toint(x.Event.System.EventID), Ns = tostring(x.Event['@xmlns'])"
    )
    assert rows(query) == [
        (
            "cmd.exe /c whoami",
            "C:\\Windows\\System32\\cmd.exe",
            1,
            "http://schemas.microsoft.com/win/2004/08/events/event",
        )
    ]


def test_null_and_non_string_input() -> None:
    assert scalar("parse_xml(tostring(dynamic(null)))") is None
    assert scalar("isnull(parse_xml(42))") is True


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    converted: list[str] = []
    convert = xml_json.parse_xml_json

    def counted(text: str | None) -> str | None:
        converted.append(text or "")
        return convert(text)

    monkeypatch.setattr(xml_json, "parse_xml_json", counted)
    return converted


def test_an_engine_converts_each_distinct_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    converted = _counting(monkeypatch)
    parsed = xml_json.ParsedXml()
    texts = ["<a>1</a>", "<b/>", "<a>1</a>", "not xml", "not xml", None, ""]
    assert [parsed(t) for t in texts] == [xml_json.parse_xml_json(t) for t in texts]
    assert converted[:3] == ["<a>1</a>", "<b/>", "not xml"]  # then the comparison's own calls


def test_past_its_budget_an_engine_converts_new_texts_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    converted = _counting(monkeypatch)
    parsed = xml_json.ParsedXml(budget=len("<a>1</a>") + len('{"a": "1"}'))
    assert [parsed(t) for t in ["<a>1</a>", "<b/>", "<b/>", "<a>1</a>"]] == [
        '{"a": "1"}',
        '{"b": null}',
        '{"b": null}',
        '{"a": "1"}',
    ]
    assert converted == ["<a>1</a>", "<b/>", "<b/>"]
