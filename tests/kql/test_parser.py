"""The parser: syntax tree shapes, and errors that point at the offending text."""

from __future__ import annotations

import pytest

from kqlhunt.errors import KqlSyntaxError, UnsupportedKqlError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.rules.loader import bundled_rules_dir, load_rule
from kqlhunt.types import KqlType

FIRST_RULE = """imProcessCreate
| where Process has_any ("powershell.exe", "PowerShell_ISE.exe", "cmd.exe")
| where CommandLine has "$client = New-Object System.Net.Sockets.TCPClient"
| extend timestamp = TimeGenerated, AccountCustomEntity = User, HostCustomEntity = Dvc, IPCustomEntity = DvcIpAddr
"""  # noqa: E501


def test_the_first_rule_is_the_bundled_rule() -> None:
    rule = load_rule(bundled_rules_dir() / "invoke_powershell_tcp_oneline.yaml")
    assert rule.query.strip() == FIRST_RULE.strip()


def s(value: str) -> ast.Literal:
    return ast.Literal(value, KqlType.STRING)


def test_the_first_rule_parses_to_the_expected_tree() -> None:
    query = parse_query(FIRST_RULE)
    assert query.lets == ()
    assert query.body == ast.Pipeline(
        ast.TableRef("imProcessCreate"),
        (
            ast.Where(
                ast.InList(
                    "has_any",
                    ast.Name("Process"),
                    (s("powershell.exe"), s("PowerShell_ISE.exe"), s("cmd.exe")),
                )
            ),
            ast.Where(
                ast.Binary(
                    "has",
                    ast.Name("CommandLine"),
                    s("$client = New-Object System.Net.Sockets.TCPClient"),
                )
            ),
            ast.Extend(
                (
                    ast.Assignment("timestamp", ast.Name("TimeGenerated")),
                    ast.Assignment("AccountCustomEntity", ast.Name("User")),
                    ast.Assignment("HostCustomEntity", ast.Name("Dvc")),
                    ast.Assignment("IPCustomEntity", ast.Name("DvcIpAddr")),
                )
            ),
        ),
    )


def test_offsets_point_at_each_node() -> None:
    query = parse_query(FIRST_RULE)
    assert isinstance(query.body, ast.Pipeline)
    second = query.body.operators[1]
    assert FIRST_RULE[second.offset :].startswith("where CommandLine")


def test_precedence_of_logic_comparison_and_arithmetic() -> None:
    expr = parse_query("T | where a or b and c == 1 + 2 * 3").body
    assert isinstance(expr, ast.Pipeline)
    where = expr.operators[0]
    assert isinstance(where, ast.Where)
    one, two, three = (ast.Literal(n, KqlType.LONG) for n in (1, 2, 3))
    assert where.predicate == ast.Binary(
        "or",
        ast.Name("a"),
        ast.Binary(
            "and",
            ast.Name("b"),
            ast.Binary("==", ast.Name("c"), ast.Binary("+", one, ast.Binary("*", two, three))),
        ),
    )


def test_lets_and_statements() -> None:
    query = parse_query("let x = 1;\nlet T2 = T | take 1;\nT2 | where y > x")
    assert [let.name for let in query.lets] == ["x", "T2"]
    assert query.lets[0].value == ast.Literal(1, KqlType.LONG)
    assert isinstance(query.lets[1].value, ast.Pipeline)


def test_sort_keys_and_nulls() -> None:
    body = parse_query("T | sort by a asc nulls last, b").body
    assert isinstance(body, ast.Pipeline)
    assert body.operators[0] == ast.Sort(
        (ast.SortKey(ast.Name("a"), False, False), ast.SortKey(ast.Name("b"), True, None))
    )


def test_quoted_names_and_comments() -> None:
    body = parse_query("T // the table\n| project ['a b'] = x // trailing\n").body
    assert isinstance(body, ast.Pipeline)
    assert body.operators[0] == ast.Project((ast.Assignment("a b", ast.Name("x")),))
    assert parse_query('T | where ["x y"] == 1').body == ast.Pipeline(
        ast.TableRef("T"),
        (ast.Where(ast.Binary("==", ast.Name("x y"), ast.Literal(1, KqlType.LONG))),),
    )


def test_project_away_wildcards() -> None:
    body = parse_query("T | project-away Event*, *Id, a").body
    assert isinstance(body, ast.Pipeline)
    assert body.operators[0] == ast.ProjectAway(("Event*", "*Id", "a"))


def _syntax_error(text: str) -> KqlSyntaxError:
    with pytest.raises(KqlSyntaxError) as caught:
        parse_query(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("T | frobnicate", 1, 5, "unknown tabular operator 'frobnicate'"),
        ('T\n| where x == 1\n| where y == "abc', 3, 14, "unterminated string literal"),
        ("T\n| take 1\n| where a ==  | take 2", 3, 15, "expected an expression, found '|'"),
        ("print x = 'abc", 1, 11, "unterminated string literal"),
        ('print x = @"abc', 1, 11, "unterminated string literal"),
        ("print x = ```abc", 1, 11, "unterminated multi-line string literal"),
        ('print x = "a\\qb"', 1, 13, "unknown escape sequence"),
        ("T |", 1, 4, "expected a tabular operator after '|'"),
        ("T | where x in (1, 2", 1, 21, "expected ')'"),
        ("T | sort x", 1, 10, "expected 'by' after 'sort'"),
        ("T | project", 1, 12, "expected an expression"),
        ("print x = datetime(2024", 1, 19, "unterminated literal"),
        ("print a = #", 1, 11, "unexpected character"),
        ("T\n\n  | where x > 1\n  | extend = 3", 4, 12, "expected an expression"),
    ],
)
def test_syntax_errors_carry_line_column_and_caret(
    text: str, line: int, column: int, message: str
) -> None:
    error = _syntax_error(text)
    assert error.position is not None
    assert (error.position.line, error.position.column) == (line, column)
    assert message in error.message
    source_line = text.split("\n")[line - 1]
    assert error.position.line_text == source_line
    caret_line = str(error).splitlines()[-1]
    assert caret_line.index("^") - 4 == column - 1
    assert f"line {line}, col {column}" in str(error)


@pytest.mark.parametrize(
    ("text", "construct", "column"),
    [
        ("T | parse-kv x as (a: string)", "the 'parse-kv' operator", 5),
        ("T | render timechart", "the 'render' operator", 5),
        ("T | sample 3", "the 'sample' operator", 5),
        ("T | facet by x", "the 'facet' operator", 5),
        ("T | where x like 'a'", "the 'like' operator", 13),
        ("set x = 1; T", "the 'set' statement", 1),
    ],
)
def test_known_but_unsupported_constructs_are_named(text: str, construct: str, column: int) -> None:
    with pytest.raises(UnsupportedKqlError) as caught:
        parse_query(text)
    assert caught.value.construct == construct
    assert caught.value.position is not None
    assert caught.value.position.column == column
    assert "not supported" in str(caught.value)


def test_an_unsupported_operator_on_a_later_line() -> None:
    with pytest.raises(UnsupportedKqlError) as caught:
        parse_query("T\n| where x > 1\n| fork (take 1)")
    assert caught.value.position is not None
    assert (caught.value.position.line, caught.value.position.column) == (3, 3)
