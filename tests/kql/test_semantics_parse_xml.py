"""parse_xml: XML text to a dynamic value by Kusto's documented rules; null when not XML."""

from __future__ import annotations

from typing import Any

import pytest

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
