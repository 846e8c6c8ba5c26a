"""Time functions: calendar boundaries with offsets, parts, differences, construction."""

from __future__ import annotations

from typing import Any

import pytest

from tests.kql.semantics import dt, scalar, ts

END_US = 999_999  # datetimes hold microseconds: the last tick of a period is .999999


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("startofday(datetime(2017-01-01 10:10:17), -1)", dt(2016, 12, 31)),
        ("startofday(datetime(1969-12-31 23:00))", dt(1969, 12, 31)),
        ("endofday(datetime(2017-01-01 10:10:17), 1)", dt(2017, 1, 2, 23, 59, 59, END_US)),
        # weeks start on Sunday
        ("startofweek(datetime(2017-01-01 10:10:17))", dt(2017, 1, 1)),
        ("startofweek(datetime(2017-01-04 10:10:17), 1)", dt(2017, 1, 8)),
        ("startofweek(datetime(1970-01-01))", dt(1969, 12, 28)),
        ("endofweek(datetime(2017-01-04))", dt(2017, 1, 7, 23, 59, 59, END_US)),
        ("startofmonth(datetime(2017-01-31 10:00), 1)", dt(2017, 2, 1)),
        ("startofmonth(datetime(2017-03-15), -3)", dt(2016, 12, 1)),
        ("endofmonth(datetime(2016-02-10))", dt(2016, 2, 29, 23, 59, 59, END_US)),
        ("startofyear(datetime(2017-05-05), -1)", dt(2016, 1, 1)),
        ("endofyear(datetime(2017-05-05))", dt(2017, 12, 31, 23, 59, 59, END_US)),
        ("isnull(startofday(datetime(null)))", True),
        # datetime_add keeps the time of day and clamps to the end of a shorter month
        ("datetime_add('month', 1, datetime(2017-01-31 10:11:12))", dt(2017, 2, 28, 10, 11, 12)),
        ("datetime_add('year', -1, datetime(2016-02-29))", dt(2015, 2, 28)),
        ("datetime_add('hour', 30, datetime(2017-01-01))", dt(2017, 1, 2, 6)),
        ("datetime_add('millisecond', 5, datetime(2017-01-01))", dt(2017, 1, 1, 0, 0, 0, 5000)),
        ("datetime_diff('day', datetime(2017-01-01), datetime(2017-01-02))", -1),
        ("datetime_diff('year', datetime(2017-01-01), datetime(2016-12-31 23:59))", 1),
        ("datetime_diff('week', datetime(2017-01-08), datetime(2017-01-07))", 1),
        ("datetime_diff('hour', datetime(1970-01-01 00:30), datetime(1969-12-31 23:30))", 1),
        ("datetime_part('hour', datetime(2017-01-31 10:11:12))", 10),
        ("datetime_part('quarter', datetime(2017-08-01))", 3),
        ("datetime_part('dayofyear', datetime(2017-02-01))", 32),
        ("datetime_part('week_of_year', datetime(2017-01-01))", 52),
        ("datetime_part('millisecond', datetime(2017-01-01 00:00:00.123456))", 123),
        ("datetime_part('microsecond', datetime(2017-01-01 00:00:00.123456))", 123456),
        ("getyear(datetime(2015-10-12))", 2015),
        ("getmonth(datetime(2015-10-12))", 10),
        ("monthofyear(datetime(2015-10-12))", 10),
        ("dayofmonth(datetime(2015-10-12))", 12),
        ("dayofyear(datetime(2015-12-31))", 365),
        ("hourofday(datetime(1969-12-31 23:00))", 23),
        ("weekofyear(datetime(2020-12-31))", 53),
        ("dayofweek(datetime(1947-11-30 10:00:05))", ts("00:00:00")),
        ("dayofweek(datetime(2017-01-04))", ts("3.00:00:00")),
        ("isnull(getyear(datetime(null)))", True),
        ("make_datetime(2017, 10, 1)", dt(2017, 10, 1)),
        ("make_datetime(2017, 10, 1, 12, 10, 30.5)", dt(2017, 10, 1, 12, 10, 30, 500_000)),
        ("isnull(make_datetime(2017, 2, 30))", True),
        ("isnull(make_datetime(2017, 13, 1))", True),
        ("make_timespan(1, 2)", ts("01:02:00")),
        ("make_timespan(1, 2, 3)", ts("01:02:03")),
        ("make_timespan(1, 2, 3, 4)", ts("1.02:03:04")),
        ("unixtime_seconds_todatetime(1546300800)", dt(2019, 1, 1)),
        ("unixtime_seconds_todatetime(-1)", dt(1969, 12, 31, 23, 59, 59)),
        ("unixtime_milliseconds_todatetime(1546300800123)", dt(2019, 1, 1, 0, 0, 0, 123_000)),
        ("unixtime_microseconds_todatetime(1546300800123456)", dt(2019, 1, 1, 0, 0, 0, 123_456)),
        ("unixtime_nanoseconds_todatetime(1546300800123456789)", dt(2019, 1, 1, 0, 0, 0, 123_456)),
        ("isnull(unixtime_seconds_todatetime(long(null)))", True),
    ],
)
def test_time_function(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected
