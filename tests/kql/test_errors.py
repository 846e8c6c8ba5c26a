"""Errors a valid-looking query can raise after parsing, and SQL injection through names and
values: nothing a query or a table holds may leave the SQL literal or identifier it belongs in."""

from __future__ import annotations

import re

import pytest
import sqlglot
from sqlglot import exp

from kqlhunt.catalog import TableData
from kqlhunt.compiler import compile_query
from kqlhunt.errors import KqlSemanticError, KqlSyntaxError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.conftest import PINNED_NOW
from tests.kql.semantics import events, run


def _semantic_error(query: str) -> KqlSemanticError:
    with pytest.raises(KqlSemanticError) as caught:
        run(query)
    return caught.value


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("Events | where Nope == 1", 16, "unknown column or name 'Nope'"),
        ("Events | project Name, Nope", 24, "unknown column or name 'Nope'"),
        ("Events | project Name | where N > 1", 31, "unknown column or name 'N'"),
        ("Events | where 1", 16, "the 'where' predicate must be bool, not long"),
        ("Events | where Name", 16, "the 'where' predicate must be bool, not string"),
        ('Events | where "a" > 1', 20, "cannot compare string with long using '>'"),
        ("Events | where Name == 1", 21, "cannot compare string with long using '=='"),
        ("Events | where When > 1", 21, "cannot compare datetime with long"),
        ('Events | extend x = "a" + "b"', 25, "operator '+' cannot combine string and string"),
        ("Events | extend x = Name + 1", 26, "operator '+' cannot combine string and long"),
        ("Events | extend x = 1 + true", 23, "operator '+' cannot combine long and bool"),
        ("Events | extend x = ago(1)", 25, "argument 1 of 'ago()' must be timespan, not long"),
        ("Events | extend x = strlen()", 21, "'strlen()' takes 1 arguments, got 0"),
        ("Events | extend x = count()", 21, "only allowed in summarize"),
        ("Events | where Flag and 1", 25, "'and' needs bool operands, found long"),
        ("Events | project-away Nope", 10, "project-away: unknown column 'Nope'"),
        ("Events | project-rename A = Nope", 10, "project-rename: unknown column 'Nope'"),
        ("Events | take N", 15, "the row count must be a constant whole number"),
        ("let T = 1; T | take 1", 12, "'T' is a scalar, not a table"),
    ],
)
def test_semantic_errors_carry_a_position(query: str, column: int, message: str) -> None:
    error = _semantic_error(query)
    assert message in error.message
    assert error.position is not None
    assert (error.position.line, error.position.column) == (1, column)
    assert str(error).splitlines()[-1].index("^") - 4 == column - 1


def test_an_error_on_a_later_line_reports_that_line() -> None:
    error = _semantic_error("Events\n| where N > 1\n| extend y = Name * 2")
    assert error.position is not None
    assert (error.position.line, error.position.column) == (3, 19)


def test_unknown_table_lists_the_known_tables() -> None:
    error = _semantic_error("Nope | take 1")
    assert error.message == "unknown table 'Nope' (known tables: Events)"
    assert error.position is not None and error.position.column == 1


def test_unknown_table_among_many_suggests_the_closest_names() -> None:
    tables = [TableData.empty(f"Table{i}", {"x": KqlType.LONG}) for i in range(20)]
    tables.append(TableData.empty("SecurityEvent", {"x": KqlType.LONG}))
    with pytest.raises(KqlSemanticError) as caught:
        run("securityevnt | take 1", *tables)
    assert caught.value.message == (
        "unknown table 'securityevnt' (did you mean SecurityEvent? 21 tables known;"
        " `kqlhunt support --tables` lists them)"
    )


def test_unsupported_function_names_the_function() -> None:
    with pytest.raises(UnsupportedKqlError) as caught:
        run("Events | extend x = series_fir(Name)")
    assert caught.value.construct == "the function 'series_fir()'"
    assert caught.value.position is not None and caught.value.position.column == 21


def test_unsupported_scalar_constructs_are_named() -> None:
    with pytest.raises(UnsupportedKqlError, match="bag_unpack\\(\\) without an output schema"):
        compile_query("print d = dynamic({'a': 1}) | evaluate bag_unpack(d)", {})  # no data
    with pytest.raises(UnsupportedKqlError, match="right side that is not a constant"):
        run("Events | where Name has Name")


# -- injection -----------------------------------------------------------------------------------

NASTY = [
    "it's",
    'say "hi"',
    "back\\slash\\",
    "'; DROP TABLE Events; --",
    '"; DROP TABLE Events; --',
    "line\nbreak",
    "tab\tand `tick`",
    "]'] bracket",
    "$(whoami) ${x} %s {0}",
]
NASTY_COLUMN = "col'; DROP TABLE x; --\"\\\n`]"


def kql_string(text: str) -> str:
    """A KQL string literal holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t") + '"'


def kql_name(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return "['" + escaped + "']"


def nasty_table() -> TableData:
    rows: list[dict[str, object]] = [{NASTY_COLUMN: text, "n": i} for i, text in enumerate(NASTY)]
    return TableData.from_rows("Nasty", {NASTY_COLUMN: KqlType.STRING, "n": KqlType.LONG}, rows)


@pytest.mark.parametrize("text", NASTY)
def test_values_and_names_never_leave_their_sql_literal_on_duckdb(text: str) -> None:
    col = kql_name(NASTY_COLUMN)
    query = (
        f"Nasty | where {col} == {kql_string(text)} | project n, v = {col}, w = {kql_string(text)}"
    )
    result = run(query, nasty_table(), events())
    assert result.rows == [(NASTY.index(text), text, text)]
    # the other table is still there
    assert run("Events | count", nasty_table(), events()).rows == [(3,)]


@pytest.mark.parametrize("text", NASTY)
def test_values_and_names_never_leave_their_sql_literal_on_spark(text: str) -> None:
    col = kql_name(NASTY_COLUMN)
    query = (
        f"Nasty | where {col} has {kql_string(text)} or {col} in ({kql_string(text)})"
        f" | project v = {col}, w = {kql_string(text)}"
    )
    schema = {"Nasty": {NASTY_COLUMN: KqlType.STRING, "n": KqlType.LONG}}
    sql = compile_query(query, schema, now=PINNED_NOW).to_sql("spark")

    tree = sqlglot.parse_one(sql, read="spark")
    assert isinstance(tree, exp.Select)
    strings = {lit.this for lit in tree.find_all(exp.Literal) if lit.is_string}
    assert text in strings
    identifiers = {ident.this for ident in tree.find_all(exp.Identifier)}
    assert NASTY_COLUMN in identifiers
    assert {"v", "w", "Nasty"} <= identifiers
    assert not any(isinstance(node, exp.Drop) for node in tree.walk())
    assert [t.name for t in tree.find_all(exp.Table)] == ["Nasty"]


def test_quoted_table_and_column_names_round_trip() -> None:
    table = TableData.from_rows("My Table", {"a b": KqlType.LONG}, [{"a b": 1}])
    result = run("['My Table'] | project ['a b'], ['c\"d'] = ['a b'] + 1", table)
    assert result.column_names == ["a b", 'c"d']
    assert result.rows == [(1, 2)]


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        # a name Kusto does not know is a mistake in the query, not a gap of kqlhunt
        ("print zzz(1)", KqlSemanticError, "unknown function 'zzz()'"),
        ("print x = 1 | summarize zzz(x)", KqlSemanticError, "unknown aggregation 'zzz()'"),
        ("print x = 1 | summarize tostring(x)", KqlSemanticError, "needs an aggregation"),
        # a name Kusto knows and kqlhunt does not run yet is a named gap
        ("print series_fir(dynamic([1]), dynamic([1]))", UnsupportedKqlError, "series_fir"),
        ("print x = 1 | summarize tostring(hll(x))", UnsupportedKqlError, "'hll()'"),
        # a logical operator where a value must be
        ("print x = 1 | where x == 1 and and", KqlSyntaxError, "found 'and'"),
    ],
)
def test_unknown_names_and_gaps_are_told_apart(
    query: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        run(query)


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ('Events | where Name matches regex "(abc"', 35, "the regex of 'matches regex'"),
        ('Events | extend x = extract("[a-", 0, Name)', 29, "the regex of 'extract()'"),
        ('Events | extend x = extract_all(@"(\\w)\\1", Name)', 33, "the regex of 'extract_all()'"),
        ('Events | extend x = replace_regex(Name, @"(?<=a)b", "")', 41, "replace_regex()"),
        ('Events | extend x = countof(Name, "a{2,1}", "regex")', 35, "the regex of 'countof()'"),
        ('Events | extend x = trim("(", Name)', 26, "the pattern of 'trim()'"),
    ],
)
def test_a_regex_re2_refuses_is_an_error_at_its_position(
    query: str, column: int, message: str
) -> None:
    """Kusto's regexes are RE2's: no lookarounds or back-references, whatever a backend allows."""
    error = _semantic_error(query)
    assert message in error.message and "is not a valid regex" in error.message
    assert error.position is not None and error.position.column == column


def test_a_regex_only_re2_reads_is_accepted() -> None:
    assert run(r'print x = extract(@"(\pL+)\Q.\E", 1, "abc.")').rows == [("abc",)]
