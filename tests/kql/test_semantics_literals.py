"""Literals (`scalar-data-types/*.md`): strings and their escapes, numbers, bools, datetimes,
timespans, dynamic values and typed nulls."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.errors import KqlSemanticError
from kqlhunt.types import KqlType
from tests.kql.semantics import dt, run, scalar


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ('"abc"', "abc"),
        ("'abc'", "abc"),
        (r'"a\"b"', 'a"b'),
        (r"'a\'b'", "a'b"),
        (r'"tab\there"', "tab\there"),
        (r'"line\nbreak"', "line\nbreak"),
        (r'"back\\slash"', "back\\slash"),
        (r'"\u0041"', "A"),
        (r'@"C:\Windows\System32"', r"C:\Windows\System32"),
        (r"@'C:\x'", r"C:\x"),
        ('@"say ""hi"""', 'say "hi"'),
        ('h"secret"', "secret"),
        ('"a" "b"', "ab"),
        ('"a"  // a comment\n "b"', "ab"),
        ("'it''s'", "its"),  # two adjacent literals, not an escaped quote
        ('"a" @"\\b" \'c\'', "a\\bc"),
        ("```multi\nline \\n```", "multi\nline \\n"),
        ('""', ""),
    ],
)
def test_string_literals(literal: str, expected: str) -> None:
    assert scalar(literal) == expected


@pytest.mark.parametrize(
    ("literal", "expected", "kql_type"),
    [
        ("42", 42, KqlType.LONG),
        ("-42", -42, KqlType.LONG),
        ("0x1F", 31, KqlType.LONG),
        ("0xff", 255, KqlType.LONG),
        ("1.5", 1.5, KqlType.REAL),
        ("1e3", 1000.0, KqlType.REAL),
        (".5", 0.5, KqlType.REAL),
        ("int(5)", 5, KqlType.INT),
        ("long(-3)", -3, KqlType.LONG),
        ("real(-1.5)", -1.5, KqlType.REAL),
        ("real(1)", 1.0, KqlType.REAL),
        ("double(2)", 2.0, KqlType.REAL),
        ("true", True, KqlType.BOOL),
        ("false", False, KqlType.BOOL),
        ("bool(true)", True, KqlType.BOOL),
        ("True", True, KqlType.BOOL),  # Kusto's three spellings of each bool
        ("TRUE", True, KqlType.BOOL),
        ("False", False, KqlType.BOOL),
        ("FALSE", False, KqlType.BOOL),
        ("bool(False)", False, KqlType.BOOL),
        ("datetime(2015-12-31 23:59:59.9)", dt(2015, 12, 31, 23, 59, 59, 900000), KqlType.DATETIME),
        ("datetime(2015-12-31)", dt(2015, 12, 31), KqlType.DATETIME),
        (
            "datetime(2014-05-25T08:20:03.123456Z)",
            dt(2014, 5, 25, 8, 20, 3, 123456),
            KqlType.DATETIME,
        ),
        ("datetime(2014-11-08 15:55)", dt(2014, 11, 8, 15, 55), KqlType.DATETIME),
        ('datetime("2014-11-08")', dt(2014, 11, 8), KqlType.DATETIME),
        ("datetime(Sat, 8 Nov 14 15:05:02 GMT)", dt(2014, 11, 8, 15, 5, 2), KqlType.DATETIME),
        ("date(2024-01-01)", dt(2024, 1, 1), KqlType.DATETIME),
        ("datetime()", dt(2024, 3, 1, 12), KqlType.DATETIME),
        ('dynamic([1, 2, "x"])', [1, 2, "x"], KqlType.DYNAMIC),
        ('dynamic({"a": 1, "b": {"c": null}})', {"a": 1, "b": {"c": None}}, KqlType.DYNAMIC),
        ('dynamic(["one"])', ["one"], KqlType.DYNAMIC),
        ("dynamic([])", [], KqlType.DYNAMIC),
        ("dynamic(4)", 4, KqlType.DYNAMIC),
    ],
)
def test_typed_literals(literal: str, expected: Any, kql_type: KqlType) -> None:
    result = run(f"print r = {literal}")
    assert result.rows == [(expected,)]
    assert result.columns[0].type is kql_type


@pytest.mark.parametrize(
    ("literal", "kql_type", "expected"),
    [
        ("int(null)", KqlType.INT, None),
        ("long(null)", KqlType.LONG, None),
        ("real(null)", KqlType.REAL, None),
        ("double(null)", KqlType.REAL, None),
        ("bool(null)", KqlType.BOOL, None),
        ("datetime(null)", KqlType.DATETIME, None),
        ("timespan(null)", KqlType.TIMESPAN, None),
        ("dynamic(null)", KqlType.DYNAMIC, None),
        ("guid(null)", KqlType.GUID, None),
        # Kusto has no null string: string(null) is empty
        ("string(null)", KqlType.STRING, ""),
    ],
)
def test_typed_nulls(literal: str, kql_type: KqlType, expected: Any) -> None:
    result = run(f"print r = {literal}")
    assert result.rows == [(expected,)]
    assert result.columns[0].type is kql_type


def test_a_guid_literal_is_written_unquoted_and_read_in_lower_case() -> None:
    result = run("print g = guid(74BE27DE-1e4e-49d9-b579-fe0b331d3642)")
    assert result.rows == [("74be27de-1e4e-49d9-b579-fe0b331d3642",)]
    assert result.columns[0].type is KqlType.GUID


def test_a_malformed_guid_literal_is_an_error_at_its_position() -> None:
    with pytest.raises(KqlSemanticError, match="invalid guid literal 'abc'") as caught:
        run("print g = guid(abc)")
    assert caught.value.position is not None and caught.value.position.column == 11
