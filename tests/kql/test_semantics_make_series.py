"""make-series (`make-series-operator.md`): per group, one dynamic array per aggregation over
the bins of the axis, the bins' starts as the axis column; empty bins hold the default (0 unless
given); `to` is exclusive, `range(start, stop, step)` includes stop; without `from`/`to` the
bounds are the bins of the smallest and largest axis values."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import dt, run

DAY1, DAY2, DAY3 = "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z", "2024-03-03T00:00:00Z"


def purchases() -> TableData:
    columns = {"Fruit": KqlType.STRING, "Price": KqlType.REAL, "At": KqlType.DATETIME}
    values = [
        ("apple", 2.0, dt(2024, 3, 1, 8)),
        ("apple", 4.0, dt(2024, 3, 1, 20)),
        ("lime", 1.0, dt(2024, 3, 1, 9)),
        ("lime", None, dt(2024, 3, 3, 1)),
        ("apple", 5.0, None),  # no axis value: in no bin
        ("", 3.0, dt(2024, 3, 2, 12)),
    ]
    keys = ("Fruit", "Price", "At")
    rows: list[dict[str, object]] = [dict(zip(keys, v, strict=True)) for v in values]
    return TableData.from_rows("Purchases", columns, rows)


def series(query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = run(query, purchases())
    return result.column_names, sorted(result.rows, key=repr)


RANGE = "from datetime(2024-03-01) to datetime(2024-03-04) step 1d"


@pytest.mark.parametrize(
    ("query", "columns", "expected"),
    [
        (
            f"Purchases | make-series count() on At {RANGE}",
            ["count_", "At"],
            [([3, 1, 1], [DAY1, DAY2, DAY3])],
        ),
        (
            f"Purchases | make-series n = count(), avg(Price) default = -1 on At {RANGE} by Fruit",
            ["Fruit", "n", "avg_Price", "At"],
            [
                ("", [0, 1, 0], [-1.0, 3.0, -1.0], [DAY1, DAY2, DAY3]),
                ("apple", [2, 0, 0], [3.0, -1.0, -1.0], [DAY1, DAY2, DAY3]),
                # the lime of the third day has no price: avg is NaN there, not the default
                ("lime", [1, 0, 1], [1.0, -1.0, "NaN"], [DAY1, DAY2, DAY3]),
            ],
        ),
        (
            # `to` is exclusive: the bins end before it
            "Purchases | make-series sum(Price) on At from datetime(2024-03-01) "
            "to datetime(2024-03-03) step 1d",
            ["sum_Price", "At"],
            [([7.0, 3.0], [DAY1, DAY2])],
        ),
        (
            # range() includes its stop
            "Purchases | make-series dcount(Fruit) on At "
            "in range(datetime(2024-03-01), datetime(2024-03-03), 1d)",
            ["dcount_Fruit", "At"],
            [([2, 1, 1], [DAY1, DAY2, DAY3])],
        ),
        (
            # without bounds: from the bin of the first value past the bin of the last
            "Purchases | make-series count() on At step 1d by Fruit | where Fruit == 'apple'",
            ["Fruit", "count_", "At"],
            [("apple", [2, 0, 0], [DAY1, DAY2, DAY3])],
        ),
        (
            "Purchases | make-series c = countif(Price > 1) on At from datetime(2024-03-02) "
            "step 12h",
            ["c", "At"],
            [([0, 1, 0], [DAY2, "2024-03-02T12:00:00Z", DAY3])],
        ),
    ],
)
def test_make_series(query: str, columns: list[str], expected: list[tuple[Any, ...]]) -> None:
    found = series(query)
    assert found[0] == columns
    assert _nan_as_text(found[1]) == expected


def _nan_as_text(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    def fix(value: Any) -> Any:
        if isinstance(value, list):
            return [fix(v) for v in value]
        return "NaN" if isinstance(value, float) and value != value else value

    return [tuple(fix(v) for v in row) for row in rows]


def test_a_numeric_axis() -> None:
    table = TableData.from_rows(
        "Steps", {"X": KqlType.LONG, "Y": KqlType.LONG}, [{"X": x, "Y": x * 10} for x in (1, 2, 5)]
    )
    result = run("Steps | make-series sum(Y) on X from 0 to 6 step 2", table)
    assert result.column_names == ["sum_Y", "X"]
    assert result.rows == [([10, 20, 50], [0, 2, 4])]


def test_empty_input_gives_no_series() -> None:
    assert series(f"Purchases | where Fruit == 'kiwi' | make-series count() on At {RANGE}") == (
        ["count_", "At"],
        [],
    )


def test_groups_without_rows_in_the_bins_give_no_series() -> None:
    query = "Purchases | make-series count() on At from datetime(2024-03-02) step 1d by Fruit"
    assert [row[0] for row in series(query)[1]] == ["", "lime"]


def test_the_series_feed_the_array_functions() -> None:
    query = f"Purchases | make-series n = count() on At {RANGE} | project b = array_length(n), n[0]"
    assert series(query) == (["b", "n_0"], [(3, 3)])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Purchases | make-series count() on Fruit step 1", "the axis of make-series must be"),
        (
            "Purchases | make-series count() on At step 1",
            "the step of make-series must be a timespan",
        ),
        ("Purchases | make-series count() on At step 0d", "must be above zero"),
        ("Purchases | make-series count() on At from 1 step 1d", "the 'from' bound of make-series"),
        ("Purchases | make-series count() on At step 1d by At", "'At' appears twice"),
    ],
)
def test_errors(query: str, message: str) -> None:
    with pytest.raises(KqlSemanticError, match=re.escape(message)):
        run(query, purchases())


@pytest.mark.parametrize(
    ("query", "construct"),
    [
        ("Purchases | make-series kind=nonempty count() on At step 1d", "kind=nonempty"),
        ("Purchases | make-series make_set(Fruit) on At step 1d", "not a number"),
        ("Purchases | make-series count() + 1 on At step 1d", "in make-series"),
    ],
)
def test_named_gaps(query: str, construct: str) -> None:
    with pytest.raises(UnsupportedKqlError, match=re.escape(construct)):
        run(query, purchases())


def test_a_timespan_axis_and_a_real_axis() -> None:
    spans = run(
        "range i from 0 to 4 step 1 | extend d = i * 1h "
        "| make-series sum(i) on d from 0h to 4h step 2h"
    )
    assert spans.rows == [([1, 5], ["00:00:00", "02:00:00"])]
    # without bounds: from bin(0, 0.75) to past the bin of 2.0
    reals = run(
        "range i from 0 to 4 step 1 | extend r = i * 0.5 | make-series count() on r step 0.75"
    )
    assert reals.rows == [([2, 1, 2], [0.0, 0.75, 1.5])]
