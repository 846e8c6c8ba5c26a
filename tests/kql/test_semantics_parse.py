"""`parse`, `parse-where` and `evaluate bag_unpack` with an output schema.

Kusto: the pattern is matched from the start of the text; `*` skips text; columns are strings
unless typed. In `simple` mode a typed column that does not convert makes every extracted
column of the row null (strings ""); in `relaxed` only that column is null; `regex` reads the
constants as regexes and is greedy unless `U`. A row that does not match gets nulls and "";
`parse-where` drops it.
"""

from __future__ import annotations

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, KqlSyntaxError, UnsupportedKqlError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.types import KqlType
from tests.kql.semantics import dt, rows, run


def _lines() -> TableData:
    data: list[dict[str, object]] = [
        {"Line": "user=alice port=22 at 2024-01-02 03:04:05"},
        {"Line": "user=bob port=http at 2024-01-02 03:04:05"},
        {"Line": "something else"},
        {"Line": "USER=carol port=8080 at 01/31/2024 10:00:00"},
    ]
    return TableData.from_rows("L", {"Line": KqlType.STRING}, data)


def test_simple_typed_columns_and_failures() -> None:
    query = 'L | parse Line with "user=" User " port=" Port: long " at " When: datetime'
    result = run(query, _lines())
    assert result.column_names == ["Line", "User", "Port", "When"]
    assert [r[1:] for r in result.rows] == [
        ("alice", 22, dt(2024, 1, 2, 3, 4, 5)),
        ("", None, None),  # "http" is no long: the whole row fails
        ("", None, None),
        ("", None, None),  # constants match case-sensitively
    ]


def test_relaxed_keeps_the_columns_that_convert() -> None:
    query = 'L | parse kind=relaxed Line with "user=" User " port=" Port: long " at " *'
    assert [r[1:] for r in rows(query, _lines())] == [
        ("alice", 22),
        ("bob", None),
        ("", None),
        ("", None),
    ]


def test_regex_mode_is_greedy_unless_U_and_honours_i() -> None:
    base = 'L | parse kind=regex {} Line with "user=" User @"\\s" * | project User'
    assert rows(base.format(""), _lines())[0] == ("alice port=22 at 2024-01-02",)
    assert rows(base.format("flags=U"), _lines())[0] == ("alice",)
    assert rows(base.format("flags=Ui"), _lines())[3] == ("carol",)


@pytest.mark.notimpl(["spark"], reason="Spark's cast does not read month/day/year dates")
def test_leading_star_and_month_day_year_dates() -> None:
    query = 'L | parse Line with * "port=" Port: int " at " When: datetime | project Port, When'
    assert rows(query, _lines())[3] == (8080, dt(2024, 1, 31, 10))


def test_the_last_column_takes_the_rest() -> None:
    assert rows('print s = "k=a b c" | parse s with "k=" v | project v') == [("a b c",)]


def test_the_pattern_is_anchored_at_the_start() -> None:
    assert rows('print s = "xk=1" | parse s with "k=" v: long | project v') == [(None,)]


def test_non_string_input_is_converted() -> None:
    assert rows('print n = 1234 | parse n with "12" rest: long | project rest') == [(34,)]


def test_parse_where_drops_rows_that_do_not_parse() -> None:
    query = 'L | parse-where Line with "user=" User " port=" Port: long * | project User, Port'
    assert rows(query, _lines()) == [("alice", 22)]


def test_parse_errors() -> None:
    with pytest.raises(KqlSyntaxError, match="names no column"):
        parse_query('T | parse s with "a" *')
    with pytest.raises(KqlSyntaxError, match="simple, regex or relaxed"):
        parse_query('T | parse kind=fuzzy s with "a" x')
    with pytest.raises(KqlSemanticError, match="parse flags"):
        rows('print s = "a" | parse kind=regex flags=Q s with "a" x')


def test_parser_reads_the_pattern() -> None:
    query = parse_query("T | parse kind=regex flags=i s with * \"a=\" x: long 'b' y")
    assert isinstance(query.body, ast.Pipeline)
    node = query.body.operators[0]
    assert isinstance(node, ast.Parse)
    assert (node.kind, node.flags, node.keep_failures) == ("regex", "i", True)
    assert [(p.kind, p.value, p.type) for p in node.parts] == [
        ("star", "", KqlType.STRING),
        ("text", "a=", KqlType.STRING),
        ("column", "x", KqlType.LONG),
        ("text", "b", KqlType.STRING),
        ("column", "y", KqlType.STRING),
    ]


# -- evaluate bag_unpack ------------------------------------------------------------------


def _bags() -> TableData:
    columns = {"Name": KqlType.STRING, "d": KqlType.DYNAMIC}
    data: list[dict[str, object]] = [
        {"Name": "James", "d": '{"Name": "John", "Age": 20}'},
        {"Name": "David", "d": '{"Age": "forty"}'},
        {"Name": "Null", "d": None},
    ]
    return TableData.from_rows("B", columns, data)


def test_bag_unpack_with_a_schema() -> None:
    result = run("B | evaluate bag_unpack(d) : (Age: long, Height: long)", _bags())
    assert result.column_names == ["Age", "Height"]
    assert result.rows == [(20, None), (None, None), (None, None)]


def test_bag_unpack_conflicts_and_prefix() -> None:
    replace = "B | evaluate bag_unpack(d, columnsConflict='replace_source') : (*, Name: string)"
    assert rows(replace, _bags()) == [("John",), ("",), ("",)]
    keep = "B | evaluate bag_unpack(d, columnsConflict='keep_source') : (*, Name: string)"
    assert rows(keep, _bags()) == [("James",), ("David",), ("Null",)]
    prefixed = "B | evaluate bag_unpack(d, 'p_') : (*, p_Name: string)"
    assert run(prefixed, _bags()).column_names == ["Name", "p_Name"]
    with pytest.raises(KqlSemanticError, match="collides"):
        rows("B | evaluate bag_unpack(d) : (*, Name: string)", _bags())


def test_other_plugins_are_named() -> None:
    with pytest.raises(UnsupportedKqlError, match="'autocluster' plugin"):
        rows("B | evaluate autocluster()", _bags())


def test_more_than_nine_columns() -> None:
    # Each column is a regex group; past the ninth, DuckDB needs them read by name.
    pattern = " ' ' ".join(f"c{i}" for i in range(1, 13))
    query = f"print s = 'a b c d e f g h i j k l' | parse s with {pattern} | project c10, c12"
    assert rows(query) == [("j", "l")]
    assert rows(f"print s = 'no match' | parse s with {pattern} | project c11") == [("",)]
