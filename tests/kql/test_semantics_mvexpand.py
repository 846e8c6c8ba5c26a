"""`mv-expand`: one row per array element or bag property.

Kusto: other columns are copied; several columns expand in parallel, the shorter padded with
null; a null value gives one row holding null; an empty array or bag gives no row; `kind=array`
turns a property into `[key, value]`; `to typeof(T)` casts the column it follows (failures are
null); `with_itemindex` adds the 0-based position; `limit` caps the rows per input row, and the
legacy `mvexpand` caps them at 128.
"""

from __future__ import annotations

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.types import KqlType
from tests.kql.semantics import rows, run


def _table() -> TableData:
    columns = {"Id": KqlType.LONG, "Arr": KqlType.DYNAMIC, "Bag": KqlType.DYNAMIC}
    data: list[dict[str, object]] = [
        {"Id": 1, "Arr": "[1, 2, 3]", "Bag": '{"a": 1, "b": "x"}'},
        {"Id": 2, "Arr": "[]", "Bag": "{}"},
        {"Id": 3, "Arr": None, "Bag": None},
        {"Id": 4, "Arr": '["z"]', "Bag": '"scalar"'},
    ]
    return TableData.from_rows("T", columns, data)


def test_arrays_nulls_and_empty_arrays() -> None:
    assert rows("T | mv-expand Arr | project Id, Arr", _table()) == [
        (1, 1),
        (1, 2),
        (1, 3),
        (3, None),
        (4, "z"),
    ]


def test_bags_and_scalars() -> None:
    assert rows("T | mv-expand Bag | project Id, Bag", _table()) == [
        (1, {"a": 1}),
        (1, {"b": "x"}),
        (3, None),
        (4, "scalar"),
    ]
    result = rows("T | where Id == 1 | mv-expand kind=array Bag | project Bag", _table())
    assert result == [(["a", 1],), (["b", "x"],)]


def test_parallel_columns_pad_with_null() -> None:
    result = rows("T | where Id == 1 | mv-expand Arr, Bag | project Arr, Bag", _table())
    assert result == [(1, {"a": 1}), (2, {"b": "x"}), (3, None)]


def test_cast_index_and_limit() -> None:
    query = (
        "print id = 1, a = dynamic([10, 'x', 30]) "
        "| mv-expand with_itemindex=Pos a to typeof(long) limit 2"
    )
    result = run(query)
    assert result.column_names == ["id", "a", "Pos"]
    assert [c.type for c in result.columns] == [KqlType.LONG, KqlType.LONG, KqlType.LONG]
    assert result.rows == [(1, 10, 0), (1, None, 1)]


def test_legacy_mvexpand_caps_at_128_rows() -> None:
    assert rows("print a = range(1, 200, 1) | mvexpand a | count") == [(128,)]
    assert rows("print a = range(1, 200, 1) | mv-expand a | count") == [(200,)]


def test_a_new_column_from_an_expression_is_appended() -> None:
    result = run("print x = 5, y = 'k' | mv-expand n = pack_array(x, x + 1) | project-away y")
    assert result.column_names == ["x", "n"]
    assert result.rows == [(5, 5), (5, 6)]


def test_a_named_expression_replaces_a_column_in_place() -> None:
    result = run("print a = dynamic([1, 2]), b = 1 | mv-expand a = array_concat(a, a)")
    assert result.column_names == ["a", "b"]
    assert [r[0] for r in result.rows] == [1, 2, 1, 2]


def test_order_is_kept_after_sort() -> None:
    query = "T | where isnotnull(Arr) | sort by Id desc | mv-expand Arr | project Id, Arr"
    assert rows(query, _table()) == [(4, "z"), (1, 1), (1, 2), (1, 3)]


def test_expanded_values_feed_summarize() -> None:
    query = "T | mv-expand Arr to typeof(long) | summarize total = sum(Arr)"
    assert rows(query, _table()) == [(6,)]


def test_a_non_dynamic_column_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="needs a dynamic value"):
        rows("T | mv-expand Id", _table())


def test_parser_reads_every_option() -> None:
    query = parse_query(
        "T | mv-expand kind=array with_itemindex=i x, y = d.k to typeof(string) limit 5"
    )
    assert isinstance(query.body, ast.Pipeline)
    node = query.body.operators[0]
    assert isinstance(node, ast.MvExpand)
    assert (node.kind, node.item_index, node.legacy) == ("array", "i", False)
    assert [(i.name, i.to_type) for i in node.items] == [(None, None), ("y", KqlType.STRING)]
    assert node.limit == ast.Literal(5, KqlType.LONG)
    apply = parse_query("T | mv-apply x to typeof(long) on (summarize m = max(x) | where m > 1)")
    assert isinstance(apply.body, ast.Pipeline)
    node2 = apply.body.operators[0]
    assert isinstance(node2, ast.MvApply)
    assert [type(o).__name__ for o in node2.operators] == ["Summarize", "Where"]


def test_parser_rejects_a_bad_kind() -> None:
    from kqlhunt.errors import KqlSyntaxError

    with pytest.raises(KqlSyntaxError, match="'bag' or 'array'"):
        parse_query("T | mv-expand kind=list x")
