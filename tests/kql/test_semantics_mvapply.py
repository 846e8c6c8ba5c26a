"""mv-apply: the subquery runs once per input row, over the rows its values expand to.

Kusto: the output holds the input row's columns that were not expanded, then the subquery's
columns; a `summarize` without `by` gives a row for every input row (count 0 when nothing is
left); an input row whose subquery returns no row is dropped.
"""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.errors import UnsupportedKqlError
from tests.kql.semantics import run

DATA = (
    "let _data = range x from 1 to 8 step 1 | summarize l = make_list(x) by xMod2 = x % 2; _data "
)
BAGS = (
    "datatable(k: string, l: dynamic)"
    "['a', dynamic([1, 2, 3]), 'b', dynamic([]), 'c', dynamic([9]), 'd', dynamic(null)] "
)


def _sorted(query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = run(query)
    return result.column_names, sorted(result.rows, key=repr)


@pytest.mark.parametrize(
    ("query", "columns", "expected"),
    [
        # the documented examples
        (
            DATA + "| mv-apply element = l to typeof(long) on (top 2 by element)",
            ["xMod2", "l", "element"],
            [
                (0, [2, 4, 6, 8], 6),
                (0, [2, 4, 6, 8], 8),
                (1, [1, 3, 5, 7], 5),
                (1, [1, 3, 5, 7], 7),
            ],
        ),
        (
            DATA + "| mv-apply l to typeof(long) on (summarize SumOfl = sum(l))",
            ["xMod2", "SumOfl"],
            [(0, 20), (1, 16)],
        ),
        # the subquery's rows, each beside its input row
        (
            DATA + "| mv-apply with_itemindex = i e = l to typeof(long) on (where i >= 3)",
            ["xMod2", "l", "e", "i"],
            [(0, [2, 4, 6, 8], 8, 3), (1, [1, 3, 5, 7], 7, 3)],
        ),
        (
            DATA + "| mv-apply e = l to typeof(long) on (take 1 | project v = e * 10)",
            ["xMod2", "l", "v"],
            [(0, [2, 4, 6, 8], 20), (1, [1, 3, 5, 7], 10)],
        ),
        (
            DATA + "| mv-apply e = l to typeof(long) on (sort by e asc | take 2) | project e",
            ["e"],
            [(1,), (2,), (3,), (4,)],
        ),
        (
            DATA + "| mv-apply e = l to typeof(long) on (where e > 6) | project xMod2, e",
            ["xMod2", "e"],
            [(0, 8), (1, 7)],
        ),
        # a summarize without by answers for every input row, even one with nothing left
        (
            BAGS + "| mv-apply e = l to typeof(long) on (where e > 1 | summarize n = count(), "
            "s = sum(e))",
            ["k", "l", "n", "s"],
            [("a", [1, 2, 3], 2, 5), ("b", [], 0, 0), ("c", [9], 1, 9), ("d", None, 0, 0)],
        ),
        (
            BAGS + "| mv-apply e = l on (count)",
            ["k", "l", "Count"],
            [("a", [1, 2, 3], 3), ("b", [], 0), ("c", [9], 1), ("d", None, 1)],
        ),
        # with by, an input row with no group is dropped
        (
            BAGS + "| mv-apply e = l to typeof(long) on (summarize n = count() by e) "
            "| where k != 'a'",
            ["k", "l", "e", "n"],
            [("c", [9], 9, 1), ("d", None, None, 1)],
        ),
        # the pattern of Sentinel rules: name/value pairs gathered into one bag per row
        (
            "datatable(Id: long, Parameters: dynamic)[1, dynamic([{'Name': 'To', 'Value': 'x'}, "
            "{'Name': 'Cc', 'Value': 'y'}])] | mv-apply P = Parameters on (summarize Parsed = "
            "make_bag(pack(tostring(P.Name), P.Value)))",
            ["Id", "Parameters", "Parsed"],
            [
                (
                    1,
                    [{"Name": "To", "Value": "x"}, {"Name": "Cc", "Value": "y"}],
                    {"Cc": "y", "To": "x"},
                )
            ],
        ),
    ],
)
def test_mv_apply(query: str, columns: list[str], expected: list[tuple[Any, ...]]) -> None:
    assert _sorted(query) == (columns, sorted(expected, key=repr))


def test_an_operator_that_needs_other_tables_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedKqlError, match="'join' operator inside mv-apply"):
        run(DATA + "| mv-apply e = l on (join (print e = 1) on e)")
