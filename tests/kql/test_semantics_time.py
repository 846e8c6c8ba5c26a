"""Arithmetic, datetimes and timespans (`datetime-timespan-arithmetic.md`, `bin-function.md`,
`now-function.md`, `ago-function.md`). The clock is pinned at 2024-03-01 12:00 UTC."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.result import Timespan
from tests.kql.semantics import dt, rows, scalar, ts


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 / 2", 0),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("7.0 / 2", 3.5),
        ("1 / 2.0", 0.5),
        ("-14 % 12", 10),
        ("14 % -12", 2),
        ("14 % 12", 2),
        ("-12 % 12", 0),
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("int(2) + long(3)", 5),
        ("1 + 0.5", 1.5),
        ("-(3)", -3),
        ("int(null) + 1", None),
        ("0x1F", 31),
        ("abs(-5)", 5),
        ("abs(-1.5)", 1.5),
    ],
)
def test_numbers(expression: str, expected: Any) -> None:
    value = scalar(expression)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("datetime(2024-01-02) - datetime(2024-01-01)", ts("1.00:00:00")),
        ("datetime(2024-01-01) - datetime(2024-01-02 06:00)", ts("-1.06:00:00")),
        ("datetime(2024-01-01) + 1d", dt(2024, 1, 2)),
        ("1d + datetime(2024-01-01)", dt(2024, 1, 2)),
        ("datetime(2024-01-01) - 90m", dt(2023, 12, 31, 22, 30)),
        ("1d + 1h", ts("1.01:00:00")),
        ("1d - 1h", ts("23:00:00")),
        ("1.5 * 1h", ts("01:30:00")),
        ("2 * 1h", ts("02:00:00")),
        ("1h * 2", ts("02:00:00")),
        ("1h / 4", ts("00:15:00")),
        ("-1h", ts("-01:00:00")),
        ("abs(-1h)", ts("01:00:00")),
    ],
)
def test_datetime_and_timespan_arithmetic(expression: str, expected: Any) -> None:
    value = scalar(expression)
    assert value == expected
    if isinstance(expected, Timespan):
        assert value.ticks == expected.ticks


def test_timespan_divided_by_timespan_is_real() -> None:
    assert scalar("1d / 5h") == pytest.approx(4.8)
    assert scalar("1h / 1s") == 3600.0
    assert isinstance(scalar("1h / 1s"), float)


def test_two_datetimes_cannot_be_added() -> None:
    from kqlhunt.errors import KqlSemanticError

    with pytest.raises(KqlSemanticError, match="cannot combine datetime and datetime"):
        scalar("datetime(2024-01-01) + datetime(2024-01-01)")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("now()", dt(2024, 3, 1, 12)),
        ("ago(1d)", dt(2024, 2, 29, 12)),
        ("ago(90m)", dt(2024, 3, 1, 10, 30)),
        ("now(-1d)", dt(2024, 2, 29, 12)),
        ("now(1h)", dt(2024, 3, 1, 13)),
        ("ago(-1h)", dt(2024, 3, 1, 13)),
        ("now() - ago(2h)", ts("02:00:00")),
    ],
)
def test_now_and_ago_see_the_pinned_clock(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


def test_every_now_in_a_query_is_the_same_instant() -> None:
    assert rows("print a = now(), b = now()") == [(dt(2024, 3, 1, 12), dt(2024, 3, 1, 12))]
    assert rows("Events | where When > ago(40d) | project N") == [(3,)]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("bin(4.5, 1)", 4.0),
        ("bin(7, 5)", 5),
        ("bin(-3, 2)", -4),
        ("bin(-3.5, 1)", -4.0),
        ("floor(-7, 5)", -10),
        ("bin(0.37, 0.1)", pytest.approx(0.3)),
        ("bin(7, 0)", None),
        ("bin(7, -1)", None),
        ("bin(int(null), 1)", None),
        ("bin(16d, 7d)", ts("14.00:00:00")),
        ("bin(90m, 1h)", ts("01:00:00")),
        ("bin(datetime(1970-05-11 13:45:07), 1d)", dt(1970, 5, 11)),
        ("bin(datetime(2024-03-01 13:45:07), 1h)", dt(2024, 3, 1, 13)),
        ("bin(datetime(2024-03-01 13:45:07), 15m)", dt(2024, 3, 1, 13, 45)),
        # 0001-01-01 was a Monday: 7-day bins start on Mondays (a 1970 alignment would give
        # Thursday 2024-02-29).
        ("bin(datetime(2024-03-06), 7d)", dt(2024, 3, 4)),
        ("bin(datetime(2024-03-04), 7d)", dt(2024, 3, 4)),
        ("bin(datetime(1969-12-31 23:00), 1d)", dt(1969, 12, 31)),
        ("startofday(datetime(2024-03-01 13:45))", dt(2024, 3, 1)),
        ("startofmonth(datetime(2024-03-15 13:45))", dt(2024, 3, 1)),
        ("startofyear(datetime(2024-03-15))", dt(2024, 1, 1)),
    ],
)
def test_bin_rounds_down(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    ("literal", "ticks"),
    [
        ("1d", 864_000_000_000),
        ("2d", 2 * 864_000_000_000),
        ("1.5h", 54_000_000_000),
        ("5m", 3_000_000_000),
        ("30s", 300_000_000),
        ("100ms", 1_000_000),
        ("10microsecond", 100),
        ("1tick", 1),
        ("25min", 15_000_000_000),
        ("1sec", 10_000_000),
        ("timespan(2)", 2 * 864_000_000_000),
        ("timespan(15 seconds)", 150_000_000),
        ("timespan(0.12:34:56.7)", 452_967_000_000),
        ("timespan(1.00:00:00)", 864_000_000_000),
        ("time(1h)", 36_000_000_000),
    ],
)
def test_timespan_literals_count_ticks(literal: str, ticks: int) -> None:
    value = scalar(literal)
    assert isinstance(value, Timespan) and value.ticks == ticks


def test_a_null_timespan() -> None:
    assert scalar("timespan(null)") is None
