"""url_encode() and url_encode_component() (`url-encode-function.md`), make_string()
(`make-string-function.md`), parse_command_line() (`parse-command-line-function.md`) and rand()
(`rand-function.md`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.command_line import split_windows_command_line
from kqlhunt.errors import KqlSemanticError
from kqlhunt.types import KqlType
from tests.kql.semantics import on_value, rows, scalar


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # the documented examples (the page's output drops the input's last '/')
        (
            "url_encode('https://www.bing.com/hello world')",
            "https%3a%2f%2fwww.bing.com%2fhello+world",
        ),
        (
            "url_encode_component('https://www.bing.com/hello world')",
            "https%3a%2f%2fwww.bing.com%2fhello%20world",
        ),
        ('url_encode("-_.!*()~\'+")', "-_.!*()%7e%27%2b"),
        ("url_encode('é€')", "%c3%a9%e2%82%ac"),
        ("url_encode('')", ""),
        ("url_encode(42)", "42"),
        ("url_decode(url_encode_component('a b/c?d=é'))", "a b/c?d=é"),
        ("url_encode_component('a+b c')", "a%2bb%20c"),
    ],
)
def test_url_encode(expression: str, expected: str) -> None:
    assert scalar(expression) == expected


def test_url_encode_of_a_column_with_an_empty_string() -> None:
    assert on_value("", KqlType.STRING, "url_encode(v)") == ""
    assert on_value("a&b", KqlType.STRING, "url_encode_component(v)") == "a%26b"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("make_string(75, 117, 115, 116, 111)", "Kusto"),  # the documented example
        ("make_string(dynamic([75, 117]), 115, dynamic([116, 111]))", "Kusto"),
        ("make_string(128512)", "\U0001f600"),
        ("make_string(dynamic([]))", ""),
        ("make_string(-1, 75)", ""),  # not a code point: Kusto's null string
        ("make_string(55296)", ""),  # a surrogate
        ("make_string(1114112)", ""),
        ("make_string(long(null))", ""),
    ],
)
def test_make_string(expression: str, expected: str) -> None:
    assert scalar(expression) == expected


def test_make_string_of_a_column() -> None:
    assert on_value(65, KqlType.LONG, "make_string(v, v + 1)") == "AB"


def test_make_string_refuses_text() -> None:
    with pytest.raises(KqlSemanticError, match="must be a whole number"):
        scalar("make_string('A')")


@pytest.mark.parametrize(
    ("command_line", "expected"),
    [
        ('echo "hello world!"', ["echo", "hello world!"]),  # the documented example
        (
            '"C:\\Program Files\\a.exe" -x "a b" c\\\\d',
            ["C:\\Program Files\\a.exe", "-x", "a b", "c\\\\d"],
        ),
        ('a \\\\\\"b c', ["a", '\\"b', "c"]),  # 2n+1 backslashes and a quote: n and a quote
        ('a \\\\\\\\"b c"', ["a", "\\\\b c"]),  # 2n backslashes and a quote: n, the quote opens
        ('a "x""y z"', ["a", 'x"y z']),  # "" inside quotes is one quote
        ("a\t b   ", ["a", "b"]),
        (" lead x", ["", "lead", "x"]),  # a leading blank: the program is empty
        ('"unterminated', ["unterminated"]),
        ('C:\\a\\"b" c', ['C:\\a\\"b"', "c"]),  # the program takes no escapes
        ("", []),
    ],
)
def test_split_windows_command_line(command_line: str, expected: list[str]) -> None:
    assert split_windows_command_line(command_line) == expected


def test_parse_command_line() -> None:
    assert scalar('parse_command_line("echo \\"hello world!\\"", "windows")') == [
        "echo",
        "hello world!",
    ]
    query = 'parse_command_line(v, "windows")[2]'
    assert on_value('cmd.exe /c "whoami /all"', KqlType.STRING, query) == "whoami /all"
    assert on_value("", KqlType.STRING, 'parse_command_line(v, "windows")') == []


def test_parse_command_line_knows_only_windows() -> None:
    with pytest.raises(KqlSemanticError, match=re.escape("knows the parser 'windows'")):
        scalar('parse_command_line("a b", "linux")')


def _draws(count: int) -> TableData:
    return TableData.from_rows("Draws", {"i": KqlType.LONG}, [{"i": i} for i in range(count)])


def test_rand_is_a_real_from_0_to_1() -> None:
    found: list[tuple[Any, ...]] = rows(
        "Draws | extend x = rand() | summarize lo = min(x), hi = max(x), n = dcount(x), "
        "t = take_any(gettype(x))",
        _draws(200),
    )
    ((lo, hi, distinct, kind),) = found
    assert 0 <= lo < hi < 1 and distinct > 150 and kind == "real"


def test_rand_n_is_a_long_from_0_to_n_minus_1() -> None:
    found = rows(
        "Draws | extend x = rand(3) | summarize lo = min(x), hi = max(x), t = take_any(gettype(x))",
        _draws(200),
    )
    assert found == [(0, 2, "long")]


def test_rand_takes_a_whole_number() -> None:
    with pytest.raises(KqlSemanticError, match="must be a whole number"):
        scalar("rand(2.5)")
