"""Spellings Kusto's own parser accepts and public Sentinel rules use, and constructs it parses
but rejects after parsing (kqlhunt raises a semantic error there, not a syntax error)."""

from __future__ import annotations

import pytest

from kqlhunt.engine import Engine
from kqlhunt.errors import KqlSemanticError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.kql.tokens import TokenType, tokenize


def body(text: str) -> ast.Tabular:
    return parse_query(text).body


@pytest.mark.parametrize(
    ("dotted", "plain"),
    [
        ("T | extend x = d.[0].name", "T | extend x = d[0].name"),
        ('T | extend x = d.[16].["#text"]', 'T | extend x = d[16].["#text"]'),
        ("T | extend x = tostring(d.[0].a.[1])", "T | extend x = tostring(d[0].a[1])"),
    ],
)
def test_a_dot_before_an_index_is_the_same_path(dotted: str, plain: str) -> None:
    assert body(dotted) == body(plain)


def test_a_dotted_index_runs() -> None:
    query = (
        "print d = dynamic([{'displayName': 'app', 'x': {'#text': 'h'}}])"
        ' | project n = tostring(d.[0].displayName), t = tostring(d.[0].x.["#text"])'
    )
    assert Engine().query(query).rows == [("app", "h")]


@pytest.mark.parametrize(
    ("legacy", "current"),
    [
        ("containscs", "contains_cs"),
        ("notcontains", "!contains"),
        ("notcontainscs", "!contains_cs"),
    ],
)
def test_legacy_string_operators_mean_their_current_spelling(legacy: str, current: str) -> None:
    assert body(f'T | where a {legacy} "x"') == body(f'T | where a {current} "x"')


def test_positional_arguments_may_follow_named_ones() -> None:
    query = "print f(a, p=(b > 1), c)"
    printed = body(query)
    assert isinstance(printed, ast.Print)
    expr = printed.items[0].expr
    assert isinstance(expr, ast.Call)
    assert [type(a) for a in expr.args] == [ast.Name, ast.Name]
    assert [n for n, _ in expr.named_args] == ["p"]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("5Minutebin", TokenType.IDENTIFIER, "5Minutebin"),
        ("1d2", TokenType.IDENTIFIER, "1d2"),
        ("5xyz", TokenType.IDENTIFIER, "5xyz"),
        ("5m", TokenType.TIMESPAN, 5 * 60 * 10_000_000),
        ("3microseconds", TokenType.TIMESPAN, 30),
        ("1e5", TokenType.REAL, 1e5),
        ("0x1F", TokenType.INT, 31),
    ],
)
def test_digits_then_letters_are_a_name_unless_they_make_a_number(
    text: str, kind: TokenType, value: object
) -> None:
    token = tokenize(text)[0]
    assert (token.type, token.value) == (kind, value)


def test_a_name_may_start_with_digits() -> None:
    result = Engine().query("print t = 1 | summarize count() by 5Minutebin = t")
    assert [c.name for c in result.columns] == ["5Minutebin", "count_"]


@pytest.mark.parametrize(
    ("literal", "value"),
    [(r'"a\3b"', "a\x03b"), (r'"\101"', "A"), (r'"\0"', "\0"), (r"'\\\3\\'", "\\\x03\\")],
)
def test_octal_escapes(literal: str, value: str) -> None:
    assert tokenize(literal)[0].value == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('T | where a = "x"', "'where' needs a bool"),
        ('T | project-rename b = strcat(a, "x")', "project-rename takes a column name"),
        ("print datetime(now)", "invalid datetime literal 'now'"),
        ('print datetime("8:00:00 AM")', "invalid datetime literal"),
        ("print x = datetime(2024-13-45)", "invalid datetime literal"),
        ("print timespan(abc)", "invalid timespan literal"),
    ],
)
def test_parsed_but_meaningless_is_a_semantic_error(text: str, message: str) -> None:
    with pytest.raises(KqlSemanticError, match=message):
        parse_query(text)
