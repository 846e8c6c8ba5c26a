"""Logic, comparisons and nulls (`scalar-data-types/null-values.md`, `logical-operators.md`).

Binary operators are null-sticky except: `false and null` is false, `true or null` is true,
`null == x` is false and `null != x` is true for a non-null x. `where` drops rows whose
predicate is null. The docs disagree on `null == null`; kqlhunt answers null (the
null-values page), and either way `where` drops the row.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.kql.semantics import rows, scalar

NULL = "bool(null)"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (f"false and {NULL}", False),
        (f"{NULL} and false", False),
        (f"true and {NULL}", None),
        (f"true or {NULL}", True),
        (f"{NULL} or true", True),
        (f"false or {NULL}", None),
        (f"not({NULL})", None),
        ("not(true)", False),
        ("true and not(false)", True),
        ("int(null) == 5", False),
        ("int(null) != 5", True),
        ("5 == int(null)", False),
        ("int(null) == int(null)", None),
        ("int(null) > 5", None),
        ("datetime(null) < now()", None),
        ("1 == 1.0", True),
        ("int(1) == long(1)", True),
        ("2 > 1.5", True),
        ("int(2) < 2.5", True),
        ("long(3) >= int(3)", True),
        ("1 != 2", True),
        ("1 <> 2", True),
        ('"a" < "b"', True),
        ("1d > 23h", True),
        ("datetime(2024-01-02) > datetime(2024-01-01)", True),
        ("5 between (1 .. 5)", True),
        ("1 between (1 .. 5)", True),
        ("6 between (1 .. 5)", False),
        ("6 !between (1 .. 5)", True),
        ("1.5 between (1 .. 2)", True),
        ("int(null) between (1 .. 5)", None),
        ("2h between (1h .. 3h)", True),
        ("datetime(2024-01-02) between (datetime(2024-01-01) .. 1d)", True),
        ("datetime(2024-01-02 00:00:01) between (datetime(2024-01-01) .. 1d)", False),
        ("datetime(2024-01-01) between (datetime(2024-01-01) .. datetime(2024-01-01))", True),
    ],
)
def test_logic_and_comparisons(expression: str, expected: Any) -> None:
    assert scalar(expression) is expected


def test_where_drops_rows_whose_predicate_is_null() -> None:
    assert rows("Events | where Flag | project N") == [(1,)]
    assert rows("Events | where not(Flag) | project N") == [(3,)]
    assert rows("Events | where N == int(null) | project N") == []
    assert rows("Events | where N != 1 | project N") == [(None,), (3,)]
    assert rows("Events | where N > 0 or Flag | project N") == [(1,), (3,)]


def test_equality_between_two_nullable_columns() -> None:
    query = "Events | extend M = N | project N, same = N == M, differ = N != M"
    assert rows(query) == [(1, True, False), (None, None, None), (3, True, False)]


def test_between_with_ago_on_a_column() -> None:
    # PINNED_NOW is 2024-03-01 12:00; the second row's time is null.
    assert rows("Events | where When between (ago(30d) .. now()) | project N") == [(3,)]
    assert rows("Events | where When !between (ago(30d) .. now()) | project N") == [(1,)]
