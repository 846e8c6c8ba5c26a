"""format_datetime and format_timespan: the documented specifiers, padding, fractions, nulls."""

from __future__ import annotations

import pytest

from kqlhunt.errors import UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import dt, on_value, rows, scalar

EARLY_YEARS = pytest.mark.notimpl(
    ["spark"], reason="a datetime literal before the year 1000 is null on Spark"
)


def test_format_datetime_documented_examples() -> None:
    assert rows(
        "let d = datetime(2017-01-29 09:00:05);"
        " print v1 = format_datetime(d, 'yy-MM-dd [HH:mm:ss]'),"
        " v2 = format_datetime(d, 'yyyy-M-dd [H:mm:ss]'),"
        " v3 = format_datetime(d, 'yy-MM-dd [hh:mm:ss tt]')"
    ) == [("17-01-29 [09:00:05]", "2017-1-29 [9:00:05]", "17-01-29 [09:00:05 AM]")]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # the examples of the specifier table
        ("format_datetime(datetime(2009-06-01 13:45:30), 'd dd')", "1 01"),
        ("format_datetime(datetime(2009-06-15 13:45:30), 'd dd')", "15 15"),
        ("format_datetime(datetime(2009-06-15 13:45:30.617), 'f ff fff ffff')", "6 61 617 6170"),
        ("format_datetime(datetime(2009-06-15 13:45:30.05), 'f')", "0"),
        ("format_datetime(datetime(2009-06-15 13:45:30.005), 'ff')", "00"),
        ("format_datetime(datetime(2009-06-15 13:45:30.617542), 'fffff ffffff')", "61754 617542"),
        ("format_datetime(datetime(2009-06-15 13:45:30.000115), 'fffffff')", "0001150"),
        ("format_datetime(datetime(2009-06-15 13:45:30.617), 'F FF FFF')", "6 61 617"),
        ("format_datetime(datetime(2009-06-15 13:45:30.5275), 'FFFF')", "5275"),
        ("format_datetime(datetime(2009-06-15 13:45:30.000115), 'FFFFFFF')", "000115"),
        ("format_datetime(datetime(2009-06-15 13:45:30.05), '[F]')", "[]"),
        ("format_datetime(datetime(2009-06-15 13:45:30.005), '[FF]')", "[]"),
        ("format_datetime(datetime(2009-06-15 01:45:30), 'h hh H HH')", "1 01 1 01"),
        ("format_datetime(datetime(2009-06-15 13:45:30), 'h hh H HH tt')", "1 01 13 13 PM"),
        (
            "format_datetime(datetime(2009-06-15 00:05:09), 'h hh m mm s ss tt')",
            "12 12 5 05 9 09 AM",
        ),
        ("format_datetime(datetime(2009-06-15 12:00:00), 'hh tt')", "12 PM"),
        ("format_datetime(datetime(2009-06-15 13:45:30), 'M MM')", "6 06"),
        ("format_datetime(datetime(2009-12-15 13:45:30), 'M MM')", "12 12"),
        pytest.param(
            "format_datetime(datetime(0001-01-01), 'y yy yyyy')", "1 01 0001", marks=EARLY_YEARS
        ),
        pytest.param(
            "format_datetime(datetime(0900-01-01), 'y yy yyyy')", "0 00 0900", marks=EARLY_YEARS
        ),
        ("format_datetime(datetime(2009-06-15), 'y yy yyyy')", "9 09 2009"),
        ("format_datetime(datetime(2019-06-15), 'y yy yyyy')", "19 19 2019"),
        # every documented delimiter
        (
            "format_datetime(datetime(2024-02-03 04:05:06), 'yyyy/MM-dd_HH:mm,ss.[d]')",
            "2024/02-03_04:05,06.[3]",
        ),
        # as in .NET, an F run that prints nothing drops the '.' before it in a datetime
        ("format_datetime(datetime(2024-02-03 04:05:06), 'HH:mm:ss.FFF')", "04:05:06"),
        ("format_datetime(datetime(2024-02-03 04:05:06.1), 'HH:mm:ss.FFF')", "04:05:06.1"),
        ("format_datetime(datetime(2024-02-03 04:05:06.25), 'ss.fff')", "06.250"),
        (
            "format_datetime(datetime(1969-12-31 23:59:59.999999), 'yyyy-MM-dd HH:mm:ss.ffffff')",
            "1969-12-31 23:59:59.999999",
        ),
        ("format_datetime(datetime(null), 'yyyy-MM-dd')", ""),
        ("isempty(format_datetime(datetime(null), 'yyyy-MM-dd'))", True),
        ("format_datetime(datetime(2024-02-03), '')", ""),
    ],
)
def test_format_datetime(expression: str, expected: object) -> None:
    assert scalar(expression) == expected


def test_format_datetime_of_a_column() -> None:
    when = dt(2024, 11, 5, 17, 3, 9, 45_000)
    assert on_value(when, KqlType.DATETIME, "format_datetime(v, 'dd/MM/yyyy hh:mm:ss.fff tt')") == (
        "05/11/2024 05:03:09.045 PM"
    )
    assert on_value(None, KqlType.DATETIME, "format_datetime(v, 'dd/MM/yyyy')") == ""


def test_format_timespan_documented_examples() -> None:
    assert rows(
        "let t = time(29.09:00:05.12345);"
        " print v1 = format_timespan(t, 'dd.hh:mm:ss:FF'),"
        " v2 = format_timespan(t, 'ddd.h:mm:ss [fffffff]')"
    ) == [("29.09:00:05:12", "029.9:00:05 [1234500]")]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("format_timespan(time(15.13:45:30), 'd dd ddd')", "15 15 015"),
        ("format_timespan(time(15.13:45:30), 'dddddddd')", "00000015"),
        ("format_timespan(time(1234.00:00:00), 'd dd')", "1234 1234"),
        ("format_timespan(time(15.01:09:09), 'H HH h hh m mm s ss')", "1 01 1 01 9 09 9 09"),
        ("format_timespan(time(15.13:45:30.6175425), 'f ff fffffff')", "6 61 6175425"),
        ("format_timespan(time(15.13:45:30.0001150), 'fffffff FFFFFFF')", "0001150 000115"),
        ("format_timespan(time(15.13:45:30.0500000), '[F]')", "[]"),
        ("format_timespan(time(15.13:45:30.6170000), 'F FF FFF')", "6 61 617"),
        # unlike a datetime's, a timespan's empty F run keeps the '.' before it
        ("format_timespan(time(00:00:05), 'ss.FF')", "05."),
        ("format_timespan(time(00:00:00.0000001), 'fffffff')", "0000001"),
        # the parts of a negative timespan are printed without a sign
        ("format_timespan(time(-1.02:03:04.5), 'd.HH:mm:ss.f')", "1.02:03:04.5"),
        ("format_timespan(timespan(null), 'HH:mm')", ""),
        ("format_timespan(2h + 30m, 'HH:mm')", "02:30"),
    ],
)
def test_format_timespan(expression: str, expected: object) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    ("expression", "construct"),
    [
        (
            "format_datetime(datetime(2024-01-01), 'yyyy-MM-ddTHH:mm')",
            "the format specifier 'T' in 'format_datetime()'",
        ),
        (
            "format_datetime(datetime(2024-01-01), 'MMM')",
            "the format specifier 'MMM' in 'format_datetime()'",
        ),
        (
            "format_datetime(datetime(2024-01-01), 'yyy')",
            "the format specifier 'yyy' in 'format_datetime()'",
        ),
        (
            "format_datetime(datetime(2024-01-01), 'HH|mm')",
            "the format character '|' in 'format_datetime()'",
        ),
        (
            "format_timespan(1h, 'hhh')",
            "the format specifier 'hhh' in 'format_timespan()'",
        ),
        (
            "format_timespan(1h, 'tt')",
            "the format specifier 'tt' in 'format_timespan()'",
        ),
        (
            "format_datetime(datetime(2024-01-01), strcat('yyyy', '-MM'))",
            "a non-constant value as argument 2 of 'format_datetime()'",
        ),
    ],
)
def test_format_kqlhunt_refuses(expression: str, construct: str) -> None:
    with pytest.raises(UnsupportedKqlError) as caught:
        scalar(expression)
    assert caught.value.construct == construct
