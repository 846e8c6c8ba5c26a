"""Expressions around aggregations in summarize (`summarize-operator.md`): the aggregations are
computed per group and the expression around them over the grouped row. An unnamed expression
is named after the aggregation inside it where its functions pass a name on (`round(avg(x), 2)`
-> `avg_x`), else `Column1`, `Column2`, ..."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError
from kqlhunt.types import KqlType
from tests.kql.semantics import run


def logons() -> TableData:
    columns = {
        "User": KqlType.STRING,
        "Host": KqlType.STRING,
        "Ok": KqlType.BOOL,
        "Ms": KqlType.REAL,
    }
    values = [
        ("ann", "h1", True, 10.0),
        ("bob", "h1", False, 20.0),
        ("ann", "h2", False, None),
        ("", "h2", None, 5.125),
    ]
    keys = ("User", "Host", "Ok", "Ms")
    return TableData.from_rows("Logons", columns, [dict(zip(keys, v, strict=True)) for v in values])


def summarized(query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = run(query, logons())
    return result.column_names, sorted(result.rows, key=repr)


@pytest.mark.parametrize(
    ("query", "columns", "expected"),
    [
        (
            "Logons | summarize Failed = countif(Ok == false) * 100.0 / count() by Host",
            ["Host", "Failed"],
            [("h1", 50.0), ("h2", 50.0)],
        ),
        (
            "Logons | summarize Users = strcat_array(array_sort_asc(make_set(User)), ',') by Host",
            ["Host", "Users"],
            [("h1", "ann,bob"), ("h2", ",ann")],
        ),
        ("Logons | summarize round(avg(Ms), 2)", ["avg_Ms"], [(11.71,)]),
        (
            "Logons | summarize tostring(max(Ms)) by Host",
            ["Host", "max_Ms"],
            [("h1", "20"), ("h2", "5.125")],
        ),
        (
            "Logons | summarize iff(count() > 1, 'many', 'one') by User",
            ["User", "Column1"],
            [("", "one"), ("ann", "many"), ("bob", "one")],
        ),
        ("Logons | summarize count() + 1, count() * 2", ["Column1", "Column2"], [(5, 8)]),
        ("Logons | summarize n = count(), max(Ms) - min(Ms)", ["n", "Column1"], [(4, 14.875)]),
        ("Logons | summarize todouble(count())", ["count_"], [(4.0,)]),
        ("Logons | summarize strlen(any(Host))", ["strlen_any_Host"], [(2,)]),
        ("Logons | summarize strlen(take_any(Host))", ["strlen_"], [(2,)]),
        ("Logons | summarize tostring(countif(Ok))", ["countif_Ok"], [("1",)]),
        ("Logons | summarize tostring(percentile(Ms, 50))", ["Column1"], [("10",)]),
        ("Logons | summarize max(Ms), tostring(max(Ms))", ["max_Ms", "max_Ms1"], [(20.0, "20")]),
        ("Logons | summarize Column1 = count(), count() + 1", ["Column1", "Column11"], [(4, 5)]),
        ("Logons | summarize array_length(make_set(Host))", ["Column1"], [(2,)]),
        ("Logons | where Ms > 6 | summarize make_set(Host)[0]", ["set_Host_0"], [("h1",)]),
        (
            "Logons | summarize dcount(User) by Host | summarize avg(dcount_User)",
            ["avg_dcount_User"],
            [(2.0,)],
        ),
        (
            "let scale = 10; Logons | summarize n = scale * count() by Ok",
            ["Ok", "n"],
            [(False, 20), (None, 10), (True, 10)],
        ),
    ],
)
def test_expressions_around_aggregations(
    query: str, columns: list[str], expected: list[tuple[Any, ...]]
) -> None:
    assert summarized(query) == (columns, expected)


def test_the_aggregations_skip_nulls_inside_the_expression() -> None:
    # avg ignores the null Ms; countif counts only true predicates (a null Ok is not false).
    _, found = summarized("Logons | summarize a = avg(Ms) * 2, f = countif(not(Ok)) by Host")
    assert found == [("h1", 30.0, 1), ("h2", 5.125 * 2, 1)]


def test_no_group_key_over_empty_input_gives_one_row() -> None:
    # count() and countif() are 0 there, max() is null, make_set() is empty.
    query = (
        "Logons | where Host == 'none' | summarize c = countif(Ok) + count(), "
        "s = strcat('n=', count()), m = max(Ms) + 1, u = array_length(make_set(User))"
    )
    assert summarized(query) == (["c", "s", "m", "u"], [(0, "n=0", None, 0)])


def test_group_keys_over_empty_input_give_no_rows() -> None:
    assert summarized("Logons | where Host == 'none' | summarize count() + 1 by Host")[1] == []


def test_an_aggregation_of_a_dynamic_value_inside_an_expression() -> None:
    assert summarized("Logons | summarize s = array_sort_asc(make_list(User))") == (
        ["s"],
        [(["", "ann", "ann", "bob"],)],
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Logons | summarize count() * Ms by Host", "unknown column or name 'Ms'"),
        ("Logons | summarize sum(max(Ms))", "'max()' is not allowed inside another"),
        ("Logons | summarize 1 + max(count())", "'count()' is not allowed inside another"),
        ("Logons | summarize arg_max(Ms, *) + 1", "'arg_max()' cannot be part of an expression"),
        ("Logons | summarize percentiles(Ms, 50, 90)[0]", "gives several columns"),
        ("Logons | summarize x = strlen(User)", "summarize needs an aggregation here"),
    ],
)
def test_errors(query: str, message: str) -> None:
    with pytest.raises(KqlSemanticError, match=re.escape(message)):
        run(query, logons())


@pytest.mark.parametrize(
    ("query", "columns", "expected"),
    [
        (
            "Logons | summarize (Slowest, Who) = arg_max(Ms, User) by Host",
            ["Host", "Slowest", "Who"],
            [("h1", 20.0, "bob"), ("h2", 5.125, "")],
        ),
        (
            # fewer names than columns: the rest keep their own
            "Logons | summarize n = count(), (Fastest) = arg_min(Ms, User, Host)",
            ["n", "Fastest", "User", "Host"],
            [(4, 5.125, "", "h2")],
        ),
        (
            "Logons | summarize (Low, High) = percentiles(Ms, 0, 100)",
            ["Low", "High"],
            [(5.125, 20.0)],
        ),
    ],
)
def test_tuple_names_for_aggregations_giving_several_columns(
    query: str, columns: list[str], expected: list[tuple[Any, ...]]
) -> None:
    assert summarized(query) == (columns, expected)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Logons | summarize (a, b, c) = arg_max(Ms, User)", "3 names for 2 columns"),
        ("Logons | summarize (a, b) = count()", "2 names for 1 column:"),
        ("Logons | summarize (a, b) = count() + 1", "needs an aggregation giving several"),
        ("Logons | extend (a, b) = strlen(User)", "needs an expression giving several values"),
        ("Logons | project (a, b) = strlen(User)", "needs an expression giving several values"),
    ],
)
def test_tuple_name_errors(query: str, message: str) -> None:
    with pytest.raises(KqlSemanticError, match=re.escape(message)):
        run(query, logons())
