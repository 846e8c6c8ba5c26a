"""Membership operators: `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`.

Kusto: `in` is an OR of `==`, `!in` an AND of `!=`; a null value is never in a list (so `!in`
holds for it); nested dynamic arrays are flattened; the list may be a comma list, a dynamic
array or a let-bound array.
"""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.types import KqlType
from tests.kql.semantics import on_value, rows, scalar


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"abc" in ("123", "345", "abc")', True),
        ('"bca" !in ("123", "345", "abc")', True),
        ('"Abc" in ("abc")', False),
        ('"Abc" in~ ("123", "345", "abc")', True),
        ('"bCa" !in~ ("123", "345", "ABC")', True),
        ('"ABC" !in~ ("abc")', False),
        ('"ÄBC" in~ ("äbc")', False),
        ("1 in (dynamic([1, [2, 3]]))", True),
        ("3 in (dynamic([1, [2, 3]]))", True),
        ("4 in (dynamic([1, [2, 3]]))", False),
        ("2 in (1, 2.0)", True),
        ("int(null) in (1, 2)", False),
        ("int(null) !in (1, 2)", True),
        ('"b" in (dynamic(["a", "b"]))', True),
        ('"North America" has_any ("south", "north")', True),
        ('"North America" has_any ("south", "west")', False),
        ('"North America" has_any (dynamic(["NORTH"]))', True),
        ('"North America" has_any ("amer")', False),
        ('"North and South America" has_all ("south", "north")', True),
        ('"North America" has_all ("south", "north")', False),
        (r'@"C:\Windows\cmd.exe" has_any ("powershell.exe", "cmd.exe")', True),
        ('"xcmd.exe" has_any ("powershell.exe", "cmd.exe")', False),
    ],
)
def test_membership(expression: str, expected: bool) -> None:
    assert scalar(expression) is expected


def test_has_any_accepts_a_let_bound_array() -> None:
    query = 'let names = dynamic(["ALPHA", "gamma"]); Events | where Name has_any (names)'
    assert [r[0] for r in rows(query)] == ["alpha"]


def test_has_any_accepts_a_pack_array_of_constants() -> None:
    query = 'let names = pack_array("ALPHA", "gamma"); Events | where Name has_any (names)'
    assert [r[0] for r in rows(query)] == ["alpha"]
    query = 'let names = pack_array("alpha", "Beta"); Events | where Name in (names) | project N'
    assert rows(query) == [(1,), (None,)]


def test_in_accepts_a_let_bound_array() -> None:
    query = 'let names = dynamic(["alpha", "Beta"]); Events | where Name in (names) | project N'
    assert rows(query) == [(1,), (None,)]


def test_a_null_column_value_is_never_in_a_list() -> None:
    assert rows("Events | where N in (1, 3) | project N") == [(1,), (3,)]
    assert rows("Events | where N !in (1) | project N") == [(None,), (3,)]


@pytest.mark.parametrize(
    ("value", "predicate", "expected"),
    [
        ("alpha", 'v in~ ("ALPHA", "x")', True),
        ("alpha", 'v !in~ ("ALPHA", "x")', False),
        ("alpha", 'v in ("ALPHA", "x")', False),
        ("PowerShell_ISE.exe", 'v has_any ("powershell.exe", "PowerShell_ISE.exe")', True),
        ("a b c", 'v has_all ("a", "c")', True),
        ("a b c", 'v has_all ("a", "d")', False),
    ],
)
def test_membership_on_a_column(value: str, predicate: str, expected: Any) -> None:
    assert on_value(value, KqlType.STRING, predicate) is expected


def test_empty_list_items_are_no_match() -> None:
    assert scalar('"abc" has_any ("")') is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # in~ folds ASCII letters only, on both sides, as with a list of values
        (
            "let L = datatable(n: string)['CMD.exe', 'Ärger']; "
            "datatable(p: string)['cmd.EXE', 'x', 'ärger', 'ÄRGER'] | where p in~ (L)",
            [("cmd.EXE",), ("ÄRGER",)],
        ),
        (
            "let L = datatable(n: string)['CMD.exe']; "
            "datatable(p: string)['cmd.EXE', 'x'] | where p !in~ (L | project n)",
            [("x",)],
        ),
        # the first column is read, as text when its type differs
        ("let L = datatable(n: long, s: string)[1, 'a']; print r = '1' in~ (L)", [(True,)]),
        ("let L = datatable(n: string)[]; print r = 'a' !in~ (L)", [(True,)]),
    ],
)
def test_in_tilde_with_a_tabular_operand(query: str, expected: list[tuple[Any, ...]]) -> None:
    assert rows(query) == expected
