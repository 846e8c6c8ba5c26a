"""Conversions: `tostring` prints values as Kusto prints them; `to<type>()` gives null (for
strings: "") when the value does not convert."""

from __future__ import annotations

from typing import Any

import pytest

from tests.kql.semantics import dt, rows, scalar, ts


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('tostring("abc")', "abc"),
        ("tostring(123)", "123"),
        ("tostring(-7)", "-7"),
        ("tostring(2.5)", "2.5"),
        ("tostring(2.0)", "2"),
        ("tostring(0.1)", "0.1"),
        ("tostring(true)", "true"),
        ("tostring(false)", "false"),
        ("tostring(datetime(2024-01-02 03:04:05))", "2024-01-02T03:04:05Z"),
        ("tostring(datetime(2024-01-02 03:04:05.5))", "2024-01-02T03:04:05.5000000Z"),
        ("tostring(1d)", "1.00:00:00"),
        ("tostring(1.5h)", "01:30:00"),
        ("tostring(-90m)", "-01:30:00"),
        ("tostring(100ms)", "00:00:00.1000000"),
        ("tostring(1tick)", "00:00:00.0000001"),
        ("tostring(int(null))", ""),
        ("tostring(datetime(null))", ""),
        ("tostring(bool(null))", ""),
        ('tostring(dynamic(["a", 1]))', '["a",1]'),
    ],
)
def test_tostring_prints_as_kusto_does(expression: str, expected: str) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('toint("12")', 12),
        ('toint(" 12 ")', 12),
        ('toint("x")', None),
        ('toint("")', None),
        ("toint(2.7)", 2),
        ("toint(-2.7)", -2),
        ("toint(true)", 1),
        ('tolong("9000000000")', 9_000_000_000),
        ('tolong("1.5")', 1),
        ('tolong("abc")', None),
        ("tolong(1d)", 864_000_000_000),
        ('todouble("1.5")', 1.5),
        ('todouble("1e3")', 1000.0),
        ('todouble("x")', None),
        ("todouble(3)", 3.0),
        ('toreal("2.25")', 2.25),
        ('tobool("true")', True),
        ('tobool("FALSE")', False),
        ('tobool("yes")', None),
        ("tobool(1)", True),
        ("tobool(0)", False),
        ('todatetime("2024-01-02")', dt(2024, 1, 2)),
        ('todatetime("2024-01-02T03:04:05Z")', dt(2024, 1, 2, 3, 4, 5)),
        ('todatetime("2014-05-25T08:20:03.123456Z")', dt(2014, 5, 25, 8, 20, 3, 123456)),
        ('todatetime("not a date")', None),
        ('totimespan("1.02:03:04")', ts("1.02:03:04")),
        ('totimespan("00:00:01.5")', ts("00:00:01.5")),
        ('totimespan("-00:30:00")', ts("-00:30:00")),
        ('totimespan("x")', None),
        # a guid is held in lower case with dashes, whichever way the text wrote it
        ('toguid("74BE27DE-1E4E-49D9-B579-FE0B331D3642")', "74be27de-1e4e-49d9-b579-fe0b331d3642"),
        ('toguid("{74be27de1e4e49d9b579fe0b331d3642}")', "74be27de-1e4e-49d9-b579-fe0b331d3642"),
        ('toguid("garbage")', None),
        ('toguid("")', None),
        ("isnull(toguid(dynamic(null)))", True),
        ('toguid("74be27de-1e4e-49d9-b579-fe0b331d364")', None),
        (
            'toguid(dynamic("74be27de-1e4e-49d9-b579-fe0b331d3642"))',
            "74be27de-1e4e-49d9-b579-fe0b331d3642",
        ),
        (
            'toguid("74BE27DE-1E4E-49D9-B579-FE0B331D3642") == '
            "guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
            True,
        ),
    ],
)
def test_conversions_give_null_on_failure(expression: str, expected: Any) -> None:
    value = scalar(expression)
    assert value == expected and type(value) is type(expected)


def test_conversions_of_columns() -> None:
    query = "Events | project s = tostring(N), d = todouble(N), t = tostring(When)"
    assert rows(query) == [
        ("1", 1.0, "2024-01-01T00:00:00Z"),
        ("", None, ""),
        ("3", 3.0, "2024-02-01T06:00:00Z"),
    ]


def test_todatetime_of_a_string_column() -> None:
    query = 'Events | project d = todatetime(strcat("2024-0", tostring(N), "-05"))'
    assert rows(query) == [(dt(2024, 1, 5),), (None,), (dt(2024, 3, 5),)]
