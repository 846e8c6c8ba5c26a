"""let functions and views, invoke, as, materialize, toscalar, range, and row order with
serialize, row_number(), prev() and next()."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.compiler import compile_query
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.conftest import PINNED_NOW
from tests.kql.semantics import dt, run, ts

S, L = KqlType.STRING, KqlType.LONG


def table(name: str, columns: dict[str, KqlType], *values: tuple[Any, ...]) -> TableData:
    return TableData.from_rows(name, columns, [dict(zip(columns, v, strict=True)) for v in values])


def procs() -> TableData:
    return table("Procs", {"Name": S, "Pid": L}, ("a.exe", 1), ("b.exe", 2), ("c.exe", 3))


def rows(query: str, *tables: TableData) -> list[tuple[Any, ...]]:
    return run(query, *(tables or (procs(),))).rows


# -- scalar functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("let f = (x: long) { x * 2 }; print r = f(21)", [(42,)]),
        ("let f = (a: string, b: long = 5) { strcat(a, b) }; print r = f('n')", [("n5",)]),
        ("let f = (a: string, b: long = 5) { strcat(a, b) }; print r = f('n', 7)", [("n7",)]),
        (
            "let f = (a: string, b: long = 5) { strcat(a, b) }; print r = f(b = 1, a = 'z')",
            [("z1",)],
        ),
        ("let f = (x: long) { let y = x + 1; y * y }; print r = f(2)", [(9,)]),
        ("let k = 10; let f = (x: long) { x + k }; print r = f(1)", [(11,)]),
        ("let f = (x: long) { x + 1 }; let g = (x: long) { f(x) * 2 }; print r = g(1)", [(4,)]),
        ("let f = (x: real) { x / 2 }; print r = f(3)", [(1.5,)]),
    ],
)
def test_scalar_functions(query: str, expected: list[tuple[Any, ...]]) -> None:
    assert rows(query) == expected


def test_a_parameter_shadows_a_column_of_the_same_name() -> None:
    query = "let f = (Pid: long) { Pid * 100 }; Procs | where Pid == 1 | project r = f(Pid + 1)"
    assert rows(query) == [(200,)]


def test_scalar_function_over_columns() -> None:
    query = "let exe = (n: string) { n endswith '.exe' }; Procs | where exe(Name) | count"
    assert rows(query) == [(3,)]


# -- tabular functions, views, invoke, as -----------------------------------------------------


def test_tabular_function_with_scalar_and_table_parameters() -> None:
    query = "let Top = (T: (*), n: long) { T | sort by Pid desc | take n }; Top(Procs, 2)"
    assert rows(query) == [("c.exe", 3), ("b.exe", 2)]


def test_invoke_passes_the_input_as_the_first_argument() -> None:
    query = (
        "let Big = (T: (Pid: long), min: long = 2) { T | where Pid >= min }; Procs | invoke Big()"
    )
    assert sorted(rows(query)) == [("b.exe", 2), ("c.exe", 3)]
    assert rows(
        "let Big = (T: (*), min: long) { T | where Pid >= min }; Procs | invoke Big(3)"
    ) == [("c.exe", 3)]


def test_view_without_arguments_reads_like_a_table() -> None:
    assert rows("let V = view () { Procs | where Pid > 2 }; V | project Name") == [("c.exe",)]


def test_as_names_a_result_for_later_reference() -> None:
    query = "Procs | where Pid < 3 | as Small | join kind=leftanti (Small | where Pid == 1) on Pid"
    assert rows(query) == [("b.exe", 2)]


def test_names_in_a_function_body_do_not_leak() -> None:
    query = "let x = 1; let f = (x: long) { x * 10 }; print a = f(5), b = x"
    assert rows(query) == [(50, 1)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("let f = (x: long) { f(x) }; print r = f(1)", "cannot recurse"),
        ("let f = (x: long) { x }; print r = f()", "no value for the parameter 'x'"),
        ("let f = (x: long) { x }; print r = f(1, 2)", "takes 1 arguments"),
        ("let f = (x: long) { x }; print r = f(y = 1)", "has no parameter 'y'"),
        ("let f = (x: long) { x }; print r = f('text')", "parameter 'x' is long"),
        ("let T = () { Procs }; print r = T()", "returns a table"),
        ("let f = (x: long) { x }; f(1)", "returns a scalar"),
        ("Procs | invoke nothing()", "unknown function 'nothing'"),
        ("print r = row_number()", "needs rows in order"),
    ],
)
def test_function_errors(query: str, message: str) -> None:
    with pytest.raises(KqlSemanticError, match=message):
        rows(query)


# -- materialize and toscalar -----------------------------------------------------------------


def test_materialize_reads_as_its_table() -> None:
    query = "let M = materialize(Procs | where Pid > 1); M | join kind=inner M on Pid | count"
    assert rows(query) == [(2,)]


def test_materialize_computes_its_rows_once_for_every_read() -> None:
    engine = Engine([procs()], now=PINNED_NOW)
    query = (
        "let M = materialize(Procs | where Pid > 1 | extend Twice = Pid * 2); "
        "M | join kind=inner (M | where Twice > 4) on Pid | project Name, Twice1"
    )
    try:
        compiled = engine.compile(query)
        # Both reads of M read one table the engine computed; Procs itself is not read again.
        (table,) = compiled.tables
        assert table.startswith("__kqlhunt_settled_")
        assert engine.backend.run(compiled).rows == [("c.exe", 6)]
    finally:
        engine.close()
    # Without an engine the rows are the same, computed where they are read.
    assert compile_query(query, {"Procs": procs().columns}).tables == {"Procs"}


def test_toscalar_takes_the_first_cell() -> None:
    assert rows("let n = toscalar(Procs | count); Procs | where Pid == n | project Name") == [
        ("c.exe",)
    ]
    query = "Procs | extend top = toscalar(Procs | sort by Pid desc | project Name) | take 1"
    assert rows(query)[0][2] == "c.exe"


def test_toscalar_of_nothing_is_null_or_empty() -> None:
    assert rows("print r = toscalar(Procs | where Pid > 9 | project Pid)") == [(None,)]
    assert rows("print r = toscalar(Procs | where Pid > 9 | project Name)") == [("",)]


def test_toscalar_of_a_scalar_is_its_value() -> None:
    assert rows("let a = dynamic([1, 2, 3]); print r = toscalar(array_length(a)) + 1") == [(4,)]


# -- range ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("range x from 1 to 5 step 2", [(1,), (3,), (5,)]),
        ("range x from 1 to 6 step 2", [(1,), (3,), (5,)]),
        ("range x from 5 to 1 step -2", [(5,), (3,), (1,)]),
        ("range x from 5 to 1 step 1", []),
        ("range x from 3 to 3 step 1", [(3,)]),
        ("range x from 0.5 to 1.5 step 0.5", [(0.5,), (1.0,), (1.5,)]),
        (
            "range x from 1h to 3h step 1h",
            [(ts("01:00:00"),), (ts("02:00:00"),), (ts("03:00:00"),)],
        ),
        (
            "range d from datetime(2024-01-01) to datetime(2024-01-02) step 12h",
            [(dt(2024, 1, 1),), (dt(2024, 1, 1, 12),), (dt(2024, 1, 2),)],
        ),
        ("range x from 1 to 3 step 1 | sort by x desc | take 1", [(3,)]),
    ],
)
def test_range(query: str, expected: list[tuple[Any, ...]]) -> None:
    assert rows(query) == expected


def test_range_column_types_and_errors() -> None:
    assert run("range x from 1 to 2 step 1").column_names == ["x"]
    with pytest.raises(KqlSemanticError, match="cannot be zero"):
        rows("range x from 1 to 2 step 0")
    with pytest.raises(KqlSemanticError, match="timespan step"):
        rows("range x from datetime(2024-01-01) to datetime(2024-01-02) step 1")


# -- serialize, row_number, prev, next --------------------------------------------------------


def test_row_number_follows_the_sort_order() -> None:
    query = "Procs | sort by Pid desc | extend n = row_number() | project Pid, n"
    assert rows(query) == [(3, 1), (2, 2), (1, 3)]
    query = "Procs | sort by Pid asc | extend n = row_number(10) | project n"
    assert rows(query) == [(10,), (11,), (12,)]


def test_serialize_numbers_rows_and_extends() -> None:
    query = "range x from 1 to 3 step 1 | serialize n = row_number(), p = prev(x), q = next(x)"
    assert rows(query) == [(1, 1, None, 2), (2, 2, 1, 3), (3, 3, 2, None)]


@pytest.mark.notimpl(["spark"], reason="Spark numbers rows only in an explicit order")
def test_serialize_without_a_sort_keeps_the_order_rows_come_in() -> None:
    assert rows("Procs | serialize | extend n = row_number() | project n") == [(1,), (2,), (3,)]


def test_prev_and_next_with_offsets_and_defaults() -> None:
    query = (
        "Procs | sort by Pid asc | extend a = prev(Name), b = next(Pid, 2, -1), c = prev(Pid, 1, 0)"
        " | project a, b, c"
    )
    assert rows(query) == [("", 3, 0), ("a.exe", -1, 1), ("b.exe", -1, 2)]


def test_where_on_prev_filters_after_the_window() -> None:
    query = "Procs | sort by Pid asc | where prev(Pid) == 1 | project Name"
    assert rows(query) == [("b.exe",)]


def test_row_number_needs_an_order() -> None:
    with pytest.raises(KqlSemanticError, match="needs rows in order"):
        rows("Procs | extend n = row_number()")
    with pytest.raises(UnsupportedKqlError, match="restart"):
        rows("Procs | serialize n = row_number(1, Pid > 1)")


def test_parenthesised_function_body_is_a_table() -> None:
    query = "let f = view (n: long) { (Procs | where Pid > n) }; print r = toscalar(f(1) | count)"
    assert rows(query) == [(2,)]


@pytest.mark.parametrize(
    "query",
    [
        "let Known = Procs | where Pid > 1 | project Name; Procs | where Name in (Known)",
        "let Known = () { Procs | where Pid > 1 | project Name }; Procs | where Name in (Known())",
        "let Known = Procs | where Pid == 1 | project Name; Procs | where Name !in (Known)",
    ],
)
def test_in_a_tabular_let(query: str) -> None:
    assert sorted(rows(query)) == [("b.exe", 2), ("c.exe", 3)]
