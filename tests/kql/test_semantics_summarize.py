"""summarize (`summarize-operator.md` and the aggregation pages): group keys first, then one
column per aggregate with Kusto's default names; nulls are ignored by the aggregates; no keys
gives one row even for empty input, keys over empty input give none."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.types import KqlType
from tests.kql.semantics import dt, run


def sales() -> TableData:
    columns = {
        "Shop": KqlType.STRING,
        "Item": KqlType.STRING,
        "Qty": KqlType.LONG,
        "At": KqlType.DATETIME,
    }
    values = [
        ("north", "pen", 1, dt(2024, 3, 4, 10)),
        ("north", "ink", 2, dt(2024, 3, 5, 11)),
        ("north", "pen", 3, dt(2024, 3, 11, 9)),
        ("south", "pad", 4, dt(2024, 3, 3, 23)),
        ("south", "pad", None, dt(2024, 3, 4, 1)),
    ]
    keys = ("Shop", "Item", "Qty", "At")
    return TableData.from_rows("Sales", columns, [dict(zip(keys, v, strict=True)) for v in values])


def summarized(query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = run(query, sales())
    return result.column_names, sorted(result.rows, key=repr)


@pytest.mark.parametrize(
    ("query", "columns", "expected"),
    [
        ("Sales | summarize count()", ["count_"], [(5,)]),
        ("Sales | summarize n = count()", ["n"], [(5,)]),
        ("Sales | summarize count() by Shop", ["Shop", "count_"], [("north", 3), ("south", 2)]),
        ("Sales | summarize countif(Qty > 1)", ["countif_"], [(3,)]),
        ("Sales | summarize dcount(Item)", ["dcount_Item"], [(3,)]),
        ("Sales | summarize dcountif(Item, Qty > 2)", ["dcountif_Item"], [(2,)]),
        ("Sales | summarize sum(Qty)", ["sum_Qty"], [(10,)]),
        ("Sales | summarize sumif(Qty, Shop == 'north')", ["sumif_Qty"], [(6,)]),
        ("Sales | summarize avg(Qty)", ["avg_Qty"], [(2.5,)]),
        ("Sales | summarize min(Qty), max(Qty)", ["min_Qty", "max_Qty"], [(1, 4)]),
        ("Sales | summarize max(At)", ["max_At"], [(dt(2024, 3, 11, 9),)]),
        ("Sales | summarize minif(Qty, Qty > 1)", ["minif_Qty"], [(2,)]),
        ("Sales | summarize maxif(Qty, Shop == 'north')", ["maxif_Qty"], [(3,)]),
        (
            "Sales | summarize v = take_any(Item) by Shop | where Shop == 'south'",
            ["Shop", "v"],
            [("south", "pad")],
        ),
        (
            "Sales | summarize make_list(Qty) by Shop",
            ["Shop", "list_Qty"],
            [("north", [1, 2, 3]), ("south", [4])],
        ),
        # several aggregates: keys first, then the aggregates in order
        (
            "Sales | summarize count(), sum(Qty), dcount(Item) by Shop",
            ["Shop", "count_", "sum_Qty", "dcount_Item"],
            [("north", 3, 6, 2), ("south", 2, 4, 1)],
        ),
        # a repeated default name gets the suffix 1
        ("Sales | summarize count(), count()", ["count_", "count_1"], [(5, 5)]),
        ("Sales | summarize sum(Qty), sum(Qty)", ["sum_Qty", "sum_Qty1"], [(10, 10)]),
        # by only
        ("Sales | summarize by Shop", ["Shop"], [("north",), ("south",)]),
        (
            "Sales | summarize by Shop, Item",
            ["Shop", "Item"],
            [("north", "ink"), ("north", "pen"), ("south", "pad")],
        ),
        # bin keeps the column name
        (
            "Sales | summarize count() by bin(At, 1d) | where count_ > 1",
            ["At", "count_"],
            [(dt(2024, 3, 4), 2)],
        ),
        (
            "Sales | summarize count() by bin(At, 7d)",
            ["At", "count_"],
            [(dt(2024, 2, 26), 1), (dt(2024, 3, 4), 3), (dt(2024, 3, 11), 1)],
        ),
        (
            "Sales | summarize c = count() by q = bin(Qty, 2)",
            ["q", "c"],
            [(0, 1), (2, 2), (4, 1), (None, 1)],
        ),
        # no keys over empty input: one row; keys over empty input: none
        (
            "Sales | where Qty > 100 | summarize count(), countif(Qty > 0), dcount(Item), "
            "sum(Qty), make_set(Item), make_list(Item), max(Qty)",
            ["count_", "countif_", "dcount_Item", "sum_Qty", "set_Item", "list_Item", "max_Qty"],
            [(0, 0, 0, 0, [], [], None)],
        ),
        ("Sales | where Qty > 100 | summarize count() by Shop", ["Shop", "count_"], []),
    ],
)
def test_aggregates(query: str, columns: list[str], expected: list[tuple[Any, ...]]) -> None:
    names, rows = summarized(query)
    assert names == columns
    assert rows == sorted(expected, key=repr)


def test_make_set_is_distinct_and_ignores_nulls() -> None:
    names, rows = summarized("Sales | summarize make_set(Item), make_set(Qty), makeset(Item)")
    assert names == ["set_Item", "set_Qty", "set_Item1"]
    ((items, quantities, old_items),) = rows
    assert sorted(items) == ["ink", "pad", "pen"]
    assert sorted(quantities) == [1, 2, 3, 4]
    assert sorted(old_items) == ["ink", "pad", "pen"]


def test_arg_max_star_returns_the_whole_row() -> None:
    names, rows = summarized("Sales | summarize arg_max(Qty, *) by Shop")
    assert names == ["Shop", "Qty", "Item", "At"]
    assert rows == [
        ("north", 3, "pen", dt(2024, 3, 11, 9)),
        ("south", 4, "pad", dt(2024, 3, 3, 23)),
    ]


def test_arg_min_with_named_columns() -> None:
    names, rows = summarized("Sales | summarize arg_min(At, Item, Qty)")
    assert names == ["At", "Item", "Qty"]
    assert rows == [(dt(2024, 3, 3, 23), "pad", 4)]


def test_arg_max_without_keys_over_every_column() -> None:
    names, rows = summarized("Sales | summarize arg_max(At, *)")
    assert names == ["At", "Shop", "Item", "Qty"]
    assert rows == [(dt(2024, 3, 11, 9), "north", "pen", 3)]


def test_summarize_results_feed_later_operators() -> None:
    names, rows = summarized(
        "Sales | summarize count() by Shop | extend RiskScore = count_ * 10 | sort by Shop asc"
    )
    assert names == ["Shop", "count_", "RiskScore"]
    assert rows == [("north", 3, 30), ("south", 2, 20)]
