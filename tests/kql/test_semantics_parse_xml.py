"""parse_xml: XML text to a dynamic value by Kusto's documented rules; null when not XML."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from kqlhunt import xml_json
from kqlhunt.normalize import read_logs
from kqlhunt.normalize.vendor import event_data_xml
from kqlhunt.types import KqlType
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


# The Event table's XML takes a shortcut; anything the shortcut takes must convert as the tree
# conversion converts it, and anything it is unsure of goes to the tree.
_PIECES = [
    *("&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x42;", "&#0;", "&#13;"),
    *("&#x10FFFF;", "&#1114112;", "&bogus;", "&", "\r", "\t", "\n", "]]>", "\x01", "\x7f"),
    *(" ", '"', "'", ">", "<", "é", "\ud800", "<!--c-->", "<![CDATA[x]]>", "<?p?>"),
    *('<Data Name="x"/>', '<Data Name="y"></Data>', '<Data Name="z">  v  </Data>', ' a="1"'),
]


def _event_xml(rng: random.Random) -> str:
    values = {f"F{n}": "".join(rng.choices(["a", "1", " ", *_PIECES[:6]], k=5)) for n in range(4)}
    text = event_data_xml(values)
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(len(text))
        text = text[:at] + rng.choice(_PIECES) + text[at:]
    return text


def test_event_table_xml_converts_as_the_tree_converts_it() -> None:
    rng = random.Random(1)
    texts = [_event_xml(rng) for _ in range(3000)]
    assert sum(xml_json._event_data_json(t) is not None for t in texts) > 500  # shortcut taken
    assert [xml_json.parse_xml_json(t) for t in texts] == [xml_json._tree_json(t) for t in texts]


def test_the_corpus_event_xml_converts_as_the_tree_converts_it(corpus: Path) -> None:
    texts = [
        text
        for table in read_logs([corpus]).tables.values()
        if table.columns.get("EventData") is KqlType.STRING
        for text in table.data.column("EventData").to_pylist()
        if text
    ]
    assert texts and all(xml_json._event_data_json(t) is not None for t in texts)
    assert [xml_json.parse_xml_json(t) for t in texts] == [xml_json._tree_json(t) for t in texts]
