"""Tabular operators: let, where, extend, project and its family, take, sort, top, count,
distinct, datatable, print, getschema. Column order and default names are part of the result."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError
from kqlhunt.types import KqlType
from tests.kql.semantics import dt, run

ALL = ["Name", "N", "R", "Flag", "When"]


def numbers() -> TableData:
    """Rows in a fixed order with ties and nulls, for sort and top."""
    columns = {"k": KqlType.LONG, "s": KqlType.STRING}
    values = [(2, "b"), (None, "n"), (1, "a"), (3, "c"), (2, "b2")]
    return TableData.from_rows("Nums", columns, [{"k": k, "s": s} for k, s in values])


@pytest.mark.parametrize(
    ("query", "columns", "expected"),
    [
        # let: scalars, tabular expressions, and lets that use earlier lets
        ("let x = 3; Events | where N == x | project Name", ["Name"], [("",)]),
        ("let x = 1; let y = x + 2; print y", ["print_0"], [(3,)]),
        ("let S = Events | where N == 1; S | project Name", ["Name"], [("alpha",)]),
        ("let E = Events; E | count", ["Count"], [(3,)]),
        ("let since = ago(40d); Events | where When > since | project N", ["N"], [(3,)]),
        # where / filter
        ("Events | filter N == 1 | project N", ["N"], [(1,)]),
        ("Events | where N > 0 | where R < 0 | project N", ["N"], [(3,)]),
        # extend appends; a later item sees an earlier one of the same extend
        (
            "Events | extend x = N * 2, y = x + 1 | project-away Name, R, Flag, When",
            ["N", "x", "y"],
            [(1, 2, 3), (None, None, None), (3, 6, 7)],
        ),
        # extend of an existing column removes it and appends it at the end (the docs' rule)
        (
            "Events | extend N = N * 10",
            ["Name", "R", "Flag", "When", "N"],
            None,
        ),
        ("Events | extend N = N * 10 | project N", ["N"], [(10,), (None,), (30,)]),
        ("Events | extend x = 1 | extend x = x + 1 | project x", ["x"], [(2,), (2,), (2,)]),
        # unnamed expressions: a column keeps its name, others are Column1, Column2
        ("Events | extend N | project-keep N", ["N"], None),
        ("Events | take 1 | extend 1 + 1, 2 * 3", [*ALL, "Column1", "Column2"], None),
        # project: order, computed columns, renames
        ("Events | take 1 | project When, Name", ["When", "Name"], [(dt(2024, 1, 1), "alpha")]),
        ("Events | take 1 | project x = N + 1, Name", ["x", "Name"], [(2, "alpha")]),
        ("Events | take 1 | project New = Name", ["New"], [("alpha",)]),
        # project-away / project-keep: original order, wildcards
        ("Events | project-away R, Name", ["N", "Flag", "When"], None),
        ("Events | project-away N*", ["R", "Flag", "When"], None),
        ("Events | project-away *e*", ["N", "R", "Flag"], None),
        ("Events | project-keep When, N", ["N", "When"], None),
        ("Events | project-keep *a*", ["Name", "Flag"], None),
        # project-rename keeps positions; project-reorder moves named columns first
        (
            "Events | project-rename Who = Name, Count = N",
            ["Who", "Count", "R", "Flag", "When"],
            None,
        ),
        ("Events | project-reorder When, R", ["When", "R", "Name", "N", "Flag"], None),
        ("Events | project-reorder F*", ["Flag", "Name", "N", "R", "When"], None),
        # take / limit
        ("Events | take 2 | count", ["Count"], [(2,)]),
        ("Events | limit 0 | count", ["Count"], [(0,)]),
        ("Events | take 10 | count", ["Count"], [(3,)]),
        # count
        ("Events | count", ["Count"], [(3,)]),
        ("Events | where N > 100 | count", ["Count"], [(0,)]),
        # print
        ('print 1, "x", z = 3', ["print_0", "print_1", "z"], [(1, "x", 3)]),
        ("print x = 1, 2", ["x", "print_1"], [(1, 2)]),
        # datatable
        ('datatable(x:long, y:string)[1, "a", 2, "b"]', ["x", "y"], [(1, "a"), (2, "b")]),
        ("datatable(x:long, y:real)[1, 2, 3, 4]", ["x", "y"], [(1, 2.0), (3, 4.0)]),
        ("datatable(x:long)[]", ["x"], []),
        (
            "datatable(t:datetime, d:timespan, b:bool)[datetime(2024-01-01), 1h, true]",
            ["t", "d", "b"],
            None,
        ),
        ('datatable(x:long, y:string)[1, "a", 2, "b"] | where x > 1', ["x", "y"], [(2, "b")]),
        # getschema: a row per input column, .NET and KQL type names as Kusto gives them
        (
            "Events | getschema",
            ["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"],
            [
                ("Name", 0, "System.String", "string"),
                ("N", 1, "System.Int64", "long"),
                ("R", 2, "System.Double", "real"),
                ("Flag", 3, "System.SByte", "bool"),
                ("When", 4, "System.DateTime", "datetime"),
            ],
        ),
        (
            "print i = toint(1), t = 1s, d = dynamic([1]), g = guid(null) | getschema"
            " | project DataType",
            ["DataType"],
            [("System.Int32",), ("System.TimeSpan",), ("System.Object",), ("System.Guid",)],
        ),
        ("Events | getschema | where ColumnOrdinal > 3 | count", ["Count"], [(1,)]),
        # the schema of a table without rows is still its columns
        (
            "datatable(x:long)[] | getschema | project ColumnName, ColumnType",
            ["ColumnName", "ColumnType"],
            [("x", "long")],
        ),
        # quoted names
        (
            "Events | take 1 | project ['my col'] = N | where ['my col'] > 0",
            ["my col"],
            [(1,)],
        ),
    ],
)
def test_tabular_operators(query: str, columns: list[str], expected: Any) -> None:
    result = run(query)
    assert result.column_names == columns
    if expected is not None:
        assert result.rows == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # sort defaults to descending; nulls last when descending, first when ascending
        ("Nums | sort by k", [3, 2, 2, 1, None]),
        ("Nums | order by k", [3, 2, 2, 1, None]),
        ("Nums | sort by k desc", [3, 2, 2, 1, None]),
        ("Nums | sort by k asc", [None, 1, 2, 2, 3]),
        ("Nums | sort by k asc nulls last", [1, 2, 2, 3, None]),
        ("Nums | sort by k desc nulls first", [None, 3, 2, 2, 1]),
        ("Nums | top 2 by k", [3, 2]),
        ("Nums | top 2 by k asc", [None, 1]),
        ("Nums | top 2 by k asc nulls last", [1, 2]),
        ("Nums | top 0 by k", []),
        ("Nums | sort by k | take 3", [3, 2, 2]),
        ("Nums | sort by k asc | where isnotnull(k)", [1, 2, 2, 3]),
        ("Nums | sort by k asc | extend j = k * 2 | project k", [None, 1, 2, 2, 3]),
    ],
)
def test_sort_and_top(query: str, expected: list[Any]) -> None:
    result = run(query, numbers())
    assert [row[0] for row in result.rows] == expected


def test_sort_by_several_keys() -> None:
    result = run("Nums | sort by k desc, s asc | project s", numbers())
    assert [r[0] for r in result.rows] == ["c", "b", "b2", "a", "n"]


def test_sort_by_a_string_is_ordinal() -> None:
    assert [r[0] for r in run("Events | sort by Name asc | project Name").rows] == [
        "",
        "Beta",
        "alpha",
    ]


def test_distinct() -> None:
    result = run("Nums | distinct k", numbers())
    assert result.column_names == ["k"]
    assert sorted(result.rows, key=repr) == sorted([(1,), (2,), (3,), (None,)], key=repr)
    both = run("Nums | extend t = 1 | distinct t, k", numbers())
    assert both.column_names == ["t", "k"] and len(both.rows) == 4
    star = run("Nums | extend k = 0 | distinct *", numbers())
    assert star.column_names == ["s", "k"] and len(star.rows) == 5


def test_take_after_a_filter_keeps_the_input_order() -> None:
    result = run("Nums | where k > 1 | take 2", numbers())
    assert result.rows == [(2, "b"), (3, "c")]


def test_project_twice_the_same_name_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="projected twice"):
        run("Events | project N, N")


def test_project_away_of_every_column_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="without columns"):
        run("Events | project-away *")


@pytest.mark.parametrize(
    ("reorder", "columns"),
    [
        ("project-reorder a* asc", ["a1", "a10", "a2", "b"]),
        ("project-reorder a* desc", ["a2", "a10", "a1", "b"]),
        ("project-reorder a* granny-asc", ["a1", "a2", "a10", "b"]),  # digits as numbers
        ("project-reorder a* granny-desc, b", ["a10", "a2", "a1", "b"]),
        ("project-reorder b, a* granny-asc", ["b", "a1", "a2", "a10"]),
        ("project-reorder a*", ["a10", "a2", "a1", "b"]),  # no order: as they were
    ],
)
def test_project_reorder_sort_orders(reorder: str, columns: list[str]) -> None:
    query = f"print b = 'b', a10 = 1, a2 = 2, a1 = 3 | {reorder}"
    assert run(query).column_names == columns
