"""join and lookup: every kind, key forms, Kusto's column names, null filling, awkward keys."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, KqlSyntaxError
from kqlhunt.types import KqlType
from tests.kql.semantics import run

S, L = KqlType.STRING, KqlType.LONG


def table(name: str, columns: dict[str, KqlType], *values: tuple[Any, ...]) -> TableData:
    return TableData.from_rows(name, columns, [dict(zip(columns, v, strict=True)) for v in values])


def left() -> TableData:
    return table("Left", {"k": S, "lv": L}, ("a", 1), ("b", 2), ("b", 3), ("c", 4), ("", 5))


def right() -> TableData:
    return table("Right", {"k": S, "rv": L}, ("b", 10), ("c", 20), ("c", 30), ("d", 40), ("", 50))


def nulls() -> list[TableData]:
    """Long keys with nulls on both sides."""
    return [
        table("NL", {"id": L, "x": S}, (1, "one"), (None, "left-null")),
        table("NR", {"id": L, "y": S}, (1, "uno"), (None, "right-null")),
    ]


def bag(rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    return Counter(rows)


KINDS = [
    (
        "inner",
        ["k", "lv", "k1", "rv"],
        [
            ("b", 2, "b", 10),
            ("b", 3, "b", 10),
            ("c", 4, "c", 20),
            ("c", 4, "c", 30),
            ("", 5, "", 50),
        ],
    ),
    (
        "leftouter",
        ["k", "lv", "k1", "rv"],
        [
            ("a", 1, "", None),
            ("b", 2, "b", 10),
            ("b", 3, "b", 10),
            ("c", 4, "c", 20),
            ("c", 4, "c", 30),
            ("", 5, "", 50),
        ],
    ),
    (
        "rightouter",
        ["k", "lv", "k1", "rv"],
        [
            ("b", 2, "b", 10),
            ("b", 3, "b", 10),
            ("c", 4, "c", 20),
            ("c", 4, "c", 30),
            ("", None, "d", 40),
            ("", 5, "", 50),
        ],
    ),
    (
        "fullouter",
        ["k", "lv", "k1", "rv"],
        [
            ("a", 1, "", None),
            ("b", 2, "b", 10),
            ("b", 3, "b", 10),
            ("c", 4, "c", 20),
            ("c", 4, "c", 30),
            ("", None, "d", 40),
            ("", 5, "", 50),
        ],
    ),
    ("leftsemi", ["k", "lv"], [("b", 2), ("b", 3), ("c", 4), ("", 5)]),
    ("leftanti", ["k", "lv"], [("a", 1)]),
    ("anti", ["k", "lv"], [("a", 1)]),
    ("leftantisemi", ["k", "lv"], [("a", 1)]),
    ("rightsemi", ["k", "rv"], [("b", 10), ("c", 20), ("c", 30), ("", 50)]),
    ("rightanti", ["k", "rv"], [("d", 40)]),
    ("rightantisemi", ["k", "rv"], [("d", 40)]),
]


@pytest.mark.parametrize(("kind", "columns", "expected"), KINDS, ids=[k[0] for k in KINDS])
def test_join_kinds(kind: str, columns: list[str], expected: list[tuple[Any, ...]]) -> None:
    result = run(f"Left | join kind={kind} Right on k", left(), right())
    assert result.column_names == columns
    assert bag(result.rows) == bag(expected)


def test_default_kind_is_innerunique_one_left_row_per_key() -> None:
    result = run("Left | join Right on k", left(), right())
    assert result.column_names == ["k", "lv", "k1", "rv"]
    # One of the two "b" rows of the left side survives, and always the same one.
    assert bag(result.rows) == bag(
        [("b", 2, "b", 10), ("c", 4, "c", 20), ("c", 4, "c", 30), ("", 5, "", 50)]
    )


def test_innerunique_keeps_the_first_row_of_an_ordered_left_side() -> None:
    query = "Left | sort by lv desc | join kind=innerunique Right on k | project lv"
    assert sorted(run(query, left(), right()).rows) == [(3,), (4,), (4,), (5,)]


def test_innerunique_filters_on_left_columns_run_before_deduplication() -> None:
    query = "Left | join Right on k | where lv == 3"
    assert run(query, left(), right()).rows == [("b", 3, "b", 10)]
    # A filter on a right column runs after the join, over the deduplicated rows.
    query = "Left | join Right on k | where rv == 10 | project lv"
    assert run(query, left(), right()).rows == [(2,)]


def test_hints_and_kind_in_any_order_change_nothing() -> None:
    plain = run("Left | join kind=inner Right on k", left(), right()).rows
    for hinted in (
        "Left | join hint.strategy=broadcast kind=inner (Right) on k",
        "Left | join kind=inner hint.remote=auto hint.strategy=shuffle (Right) on k",
    ):
        assert bag(run(hinted, left(), right()).rows) == bag(plain)


def test_left_right_keys_with_different_names() -> None:
    query = "Left | join kind=inner (Right | project key = k, rv) on $left.k == $right.key"
    result = run(query, left(), right())
    assert result.column_names == ["k", "lv", "key", "rv"]
    reversed_sides = "Left | join kind=inner (Right | project key = k, rv) on $right.key == $left.k"
    assert bag(run(reversed_sides, left(), right()).rows) == bag(result.rows)


def test_several_conditions_with_and_or_commas() -> None:
    a = table("A", {"x": L, "y": S, "v": S}, (1, "p", "a1"), (1, "q", "a2"), (2, "p", "a3"))
    b = table("B", {"x": L, "y": S, "w": S}, (1, "p", "b1"), (2, "q", "b2"))
    for on in ("x, y", "x and y", "$left.x == $right.x and $left.y == $right.y"):
        result = run(f"A | join kind=inner B on {on}", a, b)
        assert result.column_names == ["x", "y", "v", "x1", "y1", "w"]
        assert result.rows == [(1, "p", "a1", 1, "p", "b1")]


def test_clashing_names_get_the_next_free_suffix() -> None:
    a = table("A", {"k": L, "k1": L}, (1, 100))
    b = table("B", {"k": L, "v": L}, (1, 7))
    result = run("A | join kind=inner B on k", a, b)
    assert result.column_names == ["k", "k1", "k2", "v"]
    assert result.rows == [(1, 100, 1, 7)]


def test_null_keys_match_nothing() -> None:
    inner = run("NL | join kind=inner NR on id", *nulls())
    assert inner.rows == [(1, "one", 1, "uno")]
    outer = run("NL | join kind=fullouter NR on id", *nulls())
    assert bag(outer.rows) == bag(
        [(1, "one", 1, "uno"), (None, "left-null", None, ""), (None, "", None, "right-null")]
    )
    anti = run("NL | join kind=leftanti NR on id", *nulls())
    assert anti.rows == [(None, "left-null")]


def test_empty_sides() -> None:
    empty = "(Right | where rv < 0)"
    assert run(f"Left | join kind=inner {empty} on k", left(), right()).rows == []
    assert len(run(f"Left | join kind=leftouter {empty} on k", left(), right()).rows) == 5
    assert len(run(f"Left | join kind=leftanti {empty} on k", left(), right()).rows) == 5
    assert run(f"Left | join kind=leftsemi {empty} on k", left(), right()).rows == []
    query = f"Left | where lv < 0 | join kind=rightouter {empty} on k"
    assert run(query, left(), right()).rows == []


def test_join_of_a_table_with_itself() -> None:
    query = "Left | join kind=inner (Left | project k, other = lv) on k | where lv != other"
    assert bag(run(query, left()).rows) == bag([("b", 2, "b", 3), ("b", 3, "b", 2)])


def test_rows_after_join_are_in_no_particular_order_but_sortable() -> None:
    query = "Left | join kind=inner Right on k | sort by rv asc | project rv"
    assert run(query, left(), right()).rows == [(10,), (10,), (20,), (30,), (50,)]


def test_lookup_default_is_leftouter_and_keys_appear_once() -> None:
    result = run("Left | lookup Right on k", left(), right())
    assert result.column_names == ["k", "lv", "rv"]
    assert bag(result.rows) == bag(
        [("a", 1, None), ("b", 2, 10), ("b", 3, 10), ("c", 4, 20), ("c", 4, 30), ("", 5, 50)]
    )
    inner = run("Left | lookup kind=inner (Right) on $left.k == $right.k", left(), right())
    assert len(inner.rows) == 5


def test_lookup_fills_strings_with_empty() -> None:
    dim = table("Dim", {"k": S, "name": S}, ("b", "bee"))
    result = run("Left | lookup Dim on k | where lv < 3 | project lv, name", left(), dim)
    assert sorted(result.rows) == [(1, ""), (2, "bee")]


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("Left | join Right on nope", KqlSemanticError, "left side has no column 'nope'"),
        ("Left | join kind=inner Right on $left.k == $right.nope", KqlSemanticError, "right"),
        ("Left | join kind=sideways Right on k", KqlSyntaxError, "unknown join kind"),
        ("Left | join Right on $left.k < $right.k", KqlSyntaxError, "'=='"),
        ("Left | join Right on lv == 1", KqlSyntaxError, "expected"),
        ("Left | lookup kind=fullouter Right on k", KqlSyntaxError, "unknown lookup kind"),
        ("Left | join kind=inner Right on $left.k == $right.rv", KqlSemanticError, "types"),
    ],
)
def test_join_errors(query: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        run(query, left(), right())
