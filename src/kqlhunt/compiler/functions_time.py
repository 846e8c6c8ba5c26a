"""Time functions: now and ago, bin, calendar boundaries, parts, differences and formatting.

Datetimes are TIMESTAMPs holding UTC with microsecond precision, so Kusto's 100 ns ticks below a
microsecond are lost. Calendar arithmetic is done on microseconds since 1970 where it can be
(days, weeks, clock parts), so that every engine computes the same values; month arithmetic uses
the engines' own month addition, which clamps to the end of a shorter month as Kusto does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.arithmetic import add_timespan, floor_div, numeric_result
from kqlhunt.compiler.expressions import datetime_literal, literal
from kqlhunt.compiler.functions import constant_word, expect, rule
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_N = exp.Literal.number
_S = exp.Literal.string
D = KqlType.DATETIME


@rule("now", arity=(0, 1))
def _now(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    now = Typed(datetime_literal(c.context.now), KqlType.DATETIME, c.context.now, True)
    if not args:
        return now
    expect(c, node, args[0], 0, KqlType.TIMESPAN)
    return _shift(now, args[0], +1)


@rule("ago", arity=(1, 1))
def _ago(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    expect(c, node, args[0], 0, KqlType.TIMESPAN)
    now = Typed(datetime_literal(c.context.now), KqlType.DATETIME, c.context.now, True)
    return _shift(now, args[0], -1)


def _shift(when: Typed, span: Typed, sign: int) -> Typed:
    if span.is_constant and isinstance(span.constant, int) and when.is_constant:
        assert when.constant is not None
        moved = when.constant + sign * timedelta(microseconds=span.constant // 10)  # type: ignore[operator]
        return literal(moved, KqlType.DATETIME)
    return add_timespan(when, span, subtract=sign < 0)


# Days from 0001-01-01 to 1970-01-01: Kusto's datetime bins are aligned to 0001-01-01.
_EPOCH_OFFSET_US = 719_162 * 86_400 * 1_000_000


@rule("bin", "floor", arity=(2, 2))
def _bin(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    value, size = args
    if value.type is KqlType.DATETIME:
        expect(c, node, size, 1, KqlType.TIMESPAN)
        us = exp.Add(
            this=exp.UnixMicros(this=value.sql), expression=exp.Literal.number(_EPOCH_OFFSET_US)
        )
        step = exp.IntDiv(this=exp.paren(size.sql), expression=exp.Literal.number(10))
        binned = exp.Sub(this=_floor_to(us, step), expression=exp.Literal.number(_EPOCH_OFFSET_US))
        return Typed(exp.UnixToTime(this=binned, scale=exp.UnixToTime.MICROS), KqlType.DATETIME)
    if value.type is KqlType.TIMESPAN:
        expect(c, node, size, 1, KqlType.TIMESPAN)
        return Typed(_floor_to(value.sql, size.sql), KqlType.TIMESPAN)
    expect(c, node, value, 0, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
    expect(c, node, size, 1, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
    result = numeric_result(value.type, size.type)
    if result is KqlType.LONG:
        return Typed(_floor_to(value.sql, size.sql), KqlType.LONG)
    quotient = exp.Div(this=cast(value.sql, KqlType.REAL), expression=size.sql)
    return Typed(exp.Mul(this=func("FLOOR", quotient), expression=size.sql.copy()), KqlType.REAL)


def _floor_to(value: exp.Expr, step: exp.Expr) -> exp.Expr:
    """Round an integer down to a multiple of step (negative values round away from zero);
    a step that is not positive gives null, as Kusto's bin does."""
    positive = exp.Case(
        ifs=[exp.If(this=exp.GT(this=p(step), expression=exp.Literal.number(0)), true=step.copy())]
    )
    return exp.Mul(this=exp.paren(floor_div(value, positive)), expression=p(step.copy()))


_US_PER = {
    "microsecond": 1,
    "millisecond": 1_000,
    "second": 1_000_000,
    "minute": 60_000_000,
    "hour": 3_600_000_000,
    "day": 86_400_000_000,
    "week": 7 * 86_400_000_000,
}
_DAY_US = _US_PER["day"]
_PART_ALIASES = {
    "years": "year",
    "quarters": "quarter",
    "months": "month",
    "weeks": "week",
    "days": "day",
    "hours": "hour",
    "minutes": "minute",
    "seconds": "second",
    "milliseconds": "millisecond",
    "microseconds": "microsecond",
    "nanoseconds": "nanosecond",
    "dayofyear": "dayofyear",
    "week_of_year": "week_of_year",
}


def _us(sql: exp.Expr) -> exp.Expr:
    return exp.UnixMicros(this=sql)


def _from_us(sql: exp.Expr) -> exp.Expr:
    return exp.UnixToTime(this=sql, scale=exp.UnixToTime.MICROS)


def _days(when: exp.Expr) -> exp.Expr:
    """Whole days since 1970-01-01 (floored, so days before 1970 are negative)."""
    return floor_div(_us(when), _N(_DAY_US))


def _week_start_day(when: exp.Expr) -> exp.Expr:
    """The day number of the Sunday that starts the week (1970-01-01 was a Thursday)."""
    weeks = floor_div(exp.Add(this=_days(when), expression=_N(4)), _N(7))
    return exp.Sub(this=exp.Mul(this=p(weeks), expression=_N(7)), expression=_N(4))


def _add_months(when: exp.Expr, months: exp.Expr) -> exp.Expr:
    """Calendar month addition keeping the time of day; the day is clamped to the month's end."""
    date = exp.Cast(this=when, to=exp.DataType.build("DATE"))
    moved = exp.Cast(
        this=exp.DateAdd(this=date, expression=months, unit=exp.var("MONTH")),
        to=exp.DataType.build("TIMESTAMP"),
    )
    time_of_day = exp.Sub(
        this=_us(when.copy()),
        expression=_us(exp.TimestampTrunc(this=when.copy(), unit=exp.var("DAY"))),
    )
    return _from_us(exp.Add(this=_us(moved), expression=p(time_of_day)))


def _offset(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> exp.Expr | None:
    if len(args) < 2:
        return None
    expect(c, node, args[1], 1, KqlType.INT, KqlType.LONG)
    return args[1].sql


def _start_of(unit: str, when: exp.Expr, offset: exp.Expr | None) -> exp.Expr:
    shift: exp.Expr = offset if offset is not None else _N(0)
    if unit in ("day", "week"):
        first = _days(when) if unit == "day" else _week_start_day(when)
        step = 1 if unit == "day" else 7
        day = exp.Add(this=p(first), expression=exp.Mul(this=p(shift), expression=_N(step)))
        return _from_us(exp.Mul(this=p(day), expression=_N(_DAY_US)))
    start = exp.TimestampTrunc(this=when, unit=exp.var(unit.upper()))
    if offset is None:
        return start
    months = shift if unit == "month" else exp.Mul(this=p(shift), expression=_N(12))
    return _add_months(start, months)


def _boundary_rule(unit: str, end: bool) -> None:
    def compile_boundary(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        expect(c, node, args[0], 0, D)
        when = c.convert(args[0], D).sql
        offset = _offset(c, node, args)
        if not end:
            return Typed(_start_of(unit, when, offset), D)
        # The end of a period is the last tick before the next one starts (here: microsecond).
        following = exp.Add(this=p(offset), expression=_N(1)) if offset is not None else _N(1)
        last = exp.Sub(this=_us(_start_of(unit, when, following)), expression=_N(1))
        return Typed(_from_us(last), D)

    rule(f"{'endof' if end else 'startof'}{unit}", arity=(1, 2))(compile_boundary)


for _unit in ("day", "week", "month", "year"):
    _boundary_rule(_unit, end=False)
    _boundary_rule(_unit, end=True)


def _part_name(c: ExpressionCompiler, node: ast.Call, value: Typed, index: int) -> str:
    word = constant_word(c, node, value, index).lower()
    return _PART_ALIASES.get(word, word)


@rule("datetime_add", arity=(3, 3))
def _datetime_add(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    part = _part_name(c, node, args[0], 0)
    expect(c, node, args[1], 1, KqlType.INT, KqlType.LONG)
    expect(c, node, args[2], 2, D)
    amount, when = args[1].sql, c.convert(args[2], D).sql
    months = {"year": 12, "quarter": 3, "month": 1}
    if part in months:
        return Typed(_add_months(when, exp.Mul(this=p(amount), expression=_N(months[part]))), D)
    if part == "nanosecond":
        micros: exp.Expr = exp.IntDiv(this=p(amount), expression=_N(1000))
    elif part in _US_PER:
        micros = exp.Mul(this=p(amount), expression=_N(_US_PER[part]))
    else:
        raise c.context.error(f"'{part}' is not a part 'datetime_add()' knows", node.offset)
    return Typed(_from_us(exp.Add(this=_us(when), expression=p(micros))), D)


def _calendar_index(part: str, when: exp.Expr) -> exp.Expr:
    """A running count of calendar periods, so that a difference counts boundaries crossed."""
    year = exp.Year(this=when)
    if part == "year":
        return year
    month = exp.Sub(this=exp.Month(this=when.copy()), expression=_N(1))
    if part == "month":
        return exp.Add(this=exp.Mul(this=year, expression=_N(12)), expression=month)
    quarter = exp.IntDiv(this=p(month), expression=_N(3))
    return exp.Add(this=exp.Mul(this=year, expression=_N(4)), expression=quarter)


@rule("datetime_diff", arity=(3, 3))
def _datetime_diff(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """datetime_diff(part, a, b): how many `part` boundaries lie between b and a."""
    part = _part_name(c, node, args[0], 0)
    expect(c, node, args[1], 1, D)
    expect(c, node, args[2], 2, D)
    a, b = c.convert(args[1], D).sql, c.convert(args[2], D).sql
    if part in ("year", "quarter", "month"):
        diff: exp.Expr = exp.Sub(
            this=p(_calendar_index(part, a)), expression=p(_calendar_index(part, b))
        )
    elif part == "week":
        days = exp.Sub(this=p(_week_start_day(a)), expression=p(_week_start_day(b)))
        diff = exp.IntDiv(this=p(days), expression=_N(7))
    elif part == "nanosecond":
        diff = exp.Mul(this=p(exp.Sub(this=_us(a), expression=_us(b))), expression=_N(1000))
    elif part in _US_PER:
        unit = _N(_US_PER[part])
        diff = exp.Sub(
            this=p(floor_div(_us(a), unit)), expression=p(floor_div(_us(b), unit.copy()))
        )
    else:
        raise c.context.error(f"'{part}' is not a part 'datetime_diff()' knows", node.offset)
    return Typed(cast(diff, KqlType.LONG), KqlType.LONG)


def _floor_mod(value: exp.Expr, modulo: int) -> exp.Expr:
    whole = exp.Mul(this=p(floor_div(value, _N(modulo))), expression=_N(modulo))
    return exp.Sub(this=p(value.copy()), expression=p(whole))


def _clock_part(when: exp.Expr, unit_us: int, modulo: int) -> exp.Expr:
    """A clock field: (microseconds of the day // unit) % modulo."""
    in_day = _floor_mod(_us(when), _DAY_US)
    return exp.Mod(this=exp.IntDiv(this=p(in_day), expression=_N(unit_us)), expression=_N(modulo))


def date_part(part: str, when: exp.Expr) -> exp.Expr | None:
    """One calendar or clock field of a datetime, as a number; None for an unknown part."""
    fields: dict[str, exp.Expr] = {
        "year": exp.Year(this=when),
        "month": exp.Month(this=when),
        "day": exp.Day(this=when),
        "dayofyear": exp.DayOfYear(this=when),
        "week_of_year": exp.WeekOfYear(this=when),
        "hour": _clock_part(when, _US_PER["hour"], 24),
        "minute": _clock_part(when, _US_PER["minute"], 60),
        "second": _clock_part(when, _US_PER["second"], 60),
        "millisecond": _clock_part(when, _US_PER["millisecond"], 1000),
        "microsecond": _clock_part(when, 1, 1_000_000),
    }
    if part == "quarter":
        month = exp.Sub(this=exp.Month(this=when.copy()), expression=_N(1))
        return exp.Add(this=exp.IntDiv(this=p(month), expression=_N(3)), expression=_N(1))
    if part == "nanosecond":
        return exp.Mul(this=p(_clock_part(when, 1, 1_000_000)), expression=_N(1000))
    return fields.get(part)


@rule("datetime_part", arity=(2, 2))
def _datetime_part(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    part = _part_name(c, node, args[0], 0)
    expect(c, node, args[1], 1, D)
    value = date_part(part, c.convert(args[1], D).sql)
    if value is None:
        raise c.context.error(f"'{part}' is not a part 'datetime_part()' knows", node.offset)
    return Typed(cast(value, KqlType.INT), KqlType.INT)


def _part_rule(name: str, part: str) -> None:
    def compile_part(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        expect(c, node, args[0], 0, D)
        value = date_part(part, c.convert(args[0], D).sql)
        assert value is not None
        return Typed(cast(value, KqlType.INT), KqlType.INT)

    rule(name, arity=(1, 1))(compile_part)


for _name, _part in {
    "getyear": "year",
    "getmonth": "month",
    "monthofyear": "month",
    "dayofmonth": "day",
    "dayofyear": "dayofyear",
    "hourofday": "hour",
    "weekofyear": "week_of_year",
    "week_of_year": "week_of_year",
}.items():
    _part_rule(_name, _part)


@rule("dayofweek", arity=(1, 1))
def _dayofweek(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """The time since the preceding Sunday, whole days, as a timespan."""
    expect(c, node, args[0], 0, D)
    when = c.convert(args[0], D).sql
    days = exp.Sub(this=p(_days(when)), expression=p(_week_start_day(when.copy())))
    return Typed(exp.Mul(this=p(days), expression=_N(_DAY_US * 10)), KqlType.TIMESPAN)


def _lpad(value: exp.Expr, width: int) -> exp.Expr:
    return func("LPAD", cast(value, KqlType.STRING), _N(width), _S("0"))


def _int_text(value: exp.Expr) -> exp.Expr:
    return cast(cast(value, KqlType.LONG), KqlType.STRING)


@rule("make_datetime", arity=(3, 7))
def _make_datetime(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """make_datetime(year, month, day [, hour, minute, second]); an invalid date gives null."""
    for i, arg in enumerate(args):
        expect(c, node, arg, i, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
    parts = [a.sql for a in args[:5]] + [_N(0)] * (5 - min(len(args), 5))
    seconds = args[5].sql if len(args) > 5 else _N(0)
    whole = func("FLOOR", seconds)
    micros = exp.Round(
        this=exp.Mul(this=p(exp.Sub(this=p(seconds.copy()), expression=whole)), expression=_N(1e6))
    )
    text = func(
        "CONCAT",
        _lpad(cast(parts[0], KqlType.LONG), 4),
        _S("-"),
        _lpad(cast(parts[1], KqlType.LONG), 2),
        _S("-"),
        _lpad(cast(parts[2], KqlType.LONG), 2),
        _S(" "),
        _lpad(cast(parts[3], KqlType.LONG), 2),
        _S(":"),
        _lpad(cast(parts[4], KqlType.LONG), 2),
        _S(":"),
        _lpad(cast(whole.copy(), KqlType.LONG), 2),
        _S("."),
        _lpad(cast(micros, KqlType.LONG), 6),
    )
    return Typed(exp.TryCast(this=text, to=exp.DataType.build("TIMESTAMP")), D)


@rule("make_timespan", arity=(2, 4))
def _make_timespan(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """make_timespan(hour, minute [, second]) or make_timespan(day, hour, minute, second)."""
    units = [3_600, 60, 1] if len(args) < 4 else [86_400, 3_600, 60, 1]
    total: exp.Expr = _N(0)
    for arg, seconds in zip(args, units, strict=False):
        ticks = exp.Mul(this=p(arg.sql), expression=_N(seconds * 10_000_000))
        total = exp.Add(this=total, expression=ticks)
    return Typed(cast(func("TRUNC", total), KqlType.LONG), KqlType.TIMESPAN)


def _unixtime_rule(name: str, us_per_unit: float) -> None:
    def compile_unixtime(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        expect(c, node, args[0], 0, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
        value = c.convert(
            args[0], KqlType.REAL if args[0].type is KqlType.DYNAMIC else args[0].type
        )
        micros = exp.Mul(this=p(value.sql), expression=_N(us_per_unit))
        return Typed(_from_us(cast(func("FLOOR", micros), KqlType.LONG)), D)

    rule(name, arity=(1, 1))(compile_unixtime)


_unixtime_rule("unixtime_seconds_todatetime", 1_000_000)
_unixtime_rule("unixtime_milliseconds_todatetime", 1_000)
_unixtime_rule("unixtime_microseconds_todatetime", 1)
_unixtime_rule("unixtime_nanoseconds_todatetime", 0.001)
