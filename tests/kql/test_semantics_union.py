"""union: legs of every form, outer and inner schemas, type clashes, withsource, isfuzzy."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import run

S, L, INT, R = KqlType.STRING, KqlType.LONG, KqlType.INT, KqlType.REAL


def table(name: str, columns: dict[str, KqlType], *values: tuple[Any, ...]) -> TableData:
    return TableData.from_rows(name, columns, [dict(zip(columns, v, strict=True)) for v in values])


def tables() -> list[TableData]:
    return [
        table("SecA", {"a": L, "b": S}, (1, "x")),
        table("SecB", {"a": L, "c": S}, (2, "y"), (3, "z")),
        table("Other", {"a": INT, "d": R}, (4, 0.5)),
    ]


def bag(rows: list[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    return Counter(rows)


def test_outer_union_fills_missing_strings_with_empty_and_others_with_null() -> None:
    result = run("union SecA, SecB", *tables())
    assert result.column_names == ["a", "b", "c"]
    assert bag(result.rows) == bag([(1, "x", ""), (2, "", "y"), (3, "", "z")])


def test_inner_union_keeps_the_columns_of_every_leg() -> None:
    result = run("union kind=inner SecA, SecB", *tables())
    assert result.column_names == ["a"]
    assert sorted(result.rows) == [(1,), (2,), (3,)]


def test_same_name_with_different_types_gives_one_column_per_type() -> None:
    result = run("union withsource=T SecA, Other | project-away b, d", *tables())
    assert result.column_names == ["T", "a_long", "a_int"]
    assert bag(result.rows) == bag([("SecA", 1, None), ("Other", None, 4)])


def test_withsource_names_tables_and_expression_legs() -> None:
    query = "union withsource=Src SecA, (SecB | where a == 3) | project Src, a"
    assert bag(run(query, *tables()).rows) == bag([("SecA", 1), ("union_arg1", 3)])


def test_wildcards_match_known_tables_by_name() -> None:
    result = run("union withsource=Src Sec* | summarize n = count() by Src", *tables())
    assert bag(result.rows) == bag([("SecA", 1), ("SecB", 2)])


def test_wildcards_match_views_but_not_plain_lets() -> None:
    query = (
        "let SecView = view () { print a = 9 }; let SecPlain = print a = 8; "
        "union withsource=Src Sec* | where a > 5 | project Src, a"
    )
    assert run(query, *tables()).rows == [("SecView", 9)]


def test_piped_union_puts_the_input_first() -> None:
    result = run("SecA | union SecB | count", *tables())
    assert result.rows == [(3,)]
    names = run("SecA | union SecB", *tables()).column_names
    assert names == ["a", "b", "c"]


def test_union_of_let_bound_and_parenthesised_legs() -> None:
    query = "let Big = SecB | where a > 2; union Big, (SecA | extend a = a * 10) | project a"
    assert sorted(run(query, *tables()).rows) == [(3,), (10,)]


def test_isfuzzy_drops_legs_that_do_not_exist() -> None:
    query = "union isfuzzy=true SecA, Missing, (Gone | where x > 1), Nope* | count"
    assert run(query, *tables()).rows == [(1,)]


def test_without_isfuzzy_a_missing_leg_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="unknown table 'Missing'"):
        run("union SecA, Missing", *tables())
    with pytest.raises(KqlSemanticError, match="no table matches 'Nope\\*'"):
        run("union SecA, Nope*", *tables())


def test_isfuzzy_with_no_existing_leg_names_the_missing_tables() -> None:
    message = "none of its tables exist: unknown table 'Missing', 'Gone', 'Nope\\*'"
    with pytest.raises(KqlSemanticError, match=message):
        run("union isfuzzy=true Missing, (Gone | where x > 1), Nope*", *tables())


def test_an_empty_leg_contributes_no_rows_but_its_columns() -> None:
    result = run("union SecA, (SecB | where a < 0)", *tables())
    assert result.column_names == ["a", "b", "c"]
    assert result.rows == [(1, "x", "")]


def test_union_then_sort_orders_all_rows() -> None:
    query = "union SecA, SecB | sort by a desc | project a"
    assert run(query, *tables()).rows == [(3,), (2,), (1,)]


def test_hints_are_ignored() -> None:
    query = "union hint.concurrency=2 SecA, SecB | count"
    assert run(query, *tables()).rows == [(3,)]


def test_wildcards_skip_asim_parsers_which_are_functions_in_sentinel() -> None:
    one_row: list[dict[str, object]] = [{"a": 1}]
    parsers = [
        TableData.from_rows(name, {"a": KqlType.LONG}, one_row)
        for name in ("imProcessCreate", "_Im_Dns", "vimProcessCreateLinuxSysmon", "ASimDnsLogs")
    ]
    query = "union withsource=T * | summarize count() by T | sort by T asc"
    expected = [("ASimDnsLogs", 1), ("Other", 1), ("SecA", 1), ("SecB", 2)]
    assert run(query, *tables(), *parsers).rows == expected


def test_columns_differing_only_in_case_are_refused_by_name() -> None:
    upper = TableData.from_rows("Upper", {"LogonID": KqlType.STRING}, [{"LogonID": "x"}])
    one: list[dict[str, object]] = [{"LogonId": 1}]
    lower = TableData.from_rows("Lower", {"LogonId": KqlType.LONG}, one)
    with pytest.raises(UnsupportedKqlError, match="'LogonID' and 'LogonId' differ only in case"):
        run("union Upper, Lower", upper, lower)


def defender() -> TableData:
    columns = {"Timestamp": KqlType.DATETIME, "DeviceName": KqlType.STRING}
    return TableData.from_rows(
        "Defender", columns, [{"Timestamp": datetime(2024, 1, 1, tzinfo=UTC), "DeviceName": "h"}]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "Defender | extend timestamp = Timestamp + 1d | project Timestamp, timestamp",
            [(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))],
        ),
        (
            "Defender | extend devicename = 'x' | summarize count() by DeviceName, devicename",
            [("h", "x", 1)],
        ),
        (
            "let M = materialize(Defender | extend timestamp = Timestamp + 2d); "
            "M | project timestamp, Timestamp",
            [(datetime(2024, 1, 3, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC))],
        ),
        (
            "union (print timestamp = datetime(2024-02-02)), (Defender | project Timestamp) "
            "| project timestamp, Timestamp | sort by timestamp asc nulls last",
            [(datetime(2024, 2, 2, tzinfo=UTC), None), (None, datetime(2024, 1, 1, tzinfo=UTC))],
        ),
    ],
)
def test_a_column_made_beside_a_table_column_differing_only_in_case(
    query: str, expected: list[tuple[object, ...]]
) -> None:
    # Rules add `timestamp` beside a Defender table's `Timestamp`: Kusto keeps them apart.
    assert run(query, defender()).rows == expected


@pytest.mark.parametrize(
    "query",
    [
        "print a = 1 | extend zq = 1, ZQ = 2 | project zq, ZQ",
        "datatable(Ab: long)[1] | extend aB = 2",
        "print x = 1 | project-rename X = x | extend x = 2",
    ],
)
def test_columns_side_by_side_differing_only_in_case_are_refused_by_name(query: str) -> None:
    # Names no table holds, in two spellings: the SQL engines would read one for the other.
    with pytest.raises(UnsupportedKqlError, match="differ only in case"):
        run(query)
