"""format_datetime and format_timespan: Kusto's custom format strings, compiled to string assembly.

The format must be a constant. It is read once, when the query compiles, into runs of one
specifier letter (`yyyy`, `HH`, `fff`) and the documented delimiters; each run becomes a field
of the value, zero-padded to the run's length, and the pieces are concatenated in SQL. A
specifier or character the documentation does not list is refused by name rather than guessed.

Datetimes hold microseconds, so the seventh fractional digit of a datetime is always 0;
timespans hold Kusto's 100 ns ticks and keep all seven. As in .NET, whose format strings Kusto's
follow, an `F` run that prints nothing also drops a `.` just before it in a datetime format.
A timespan prints its magnitude: the parts of a negative timespan carry no sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.functions import constant_word, expect, rule
from kqlhunt.compiler.functions_time import date_part
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_N = exp.Literal.number
_S = exp.Literal.string

DELIMITERS = frozenset(" /-:,._[]")
"""The characters Kusto's format strings may hold between specifiers."""

_TICKS_PER_SECOND = 10_000_000

# Specifier letter -> the run lengths the documentation lists.
_DATETIME_RUNS = {
    "d": (1, 2),
    "f": tuple(range(1, 8)),
    "F": tuple(range(1, 8)),
    "h": (1, 2),
    "H": (1, 2),
    "m": (1, 2),
    "M": (1, 2),
    "s": (1, 2),
    "y": (1, 2, 4),
    "t": (2,),
}
# A timespan has no month, year or AM/PM, and its whole days may take up to eight digits.
_TIMESPAN_RUNS = {**{k: _DATETIME_RUNS[k] for k in "fFhHms"}, "d": tuple(range(1, 9))}


@dataclass(frozen=True, slots=True)
class Run:
    """One element of a format: a specifier repeated `length` times, or delimiter text."""

    letter: str
    length: int
    text: str = ""


def parse_format(
    c: ExpressionCompiler, node: ast.Call, fmt: str, runs: dict[str, tuple[int, ...]]
) -> list[Run]:
    """Split a format into specifier runs and delimiter text; refuse anything undocumented."""
    parsed: list[Run] = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        end = i
        while end < len(fmt) and fmt[end] == char:
            end += 1
        if char in DELIMITERS:
            parsed.append(Run("", 0, fmt[i:end]))
        elif char in runs and end - i in runs[char]:
            parsed.append(Run(char, end - i))
        else:
            what = "specifier" if char.isalpha() else "character"
            raise c.context.unsupported(
                f"the format {what} '{fmt[i:end]}' in '{node.name}()'",
                node.args[1].offset,
                "the documented specifiers and delimiters are supported",
            )
        i = end
    return parsed


def _text(value: exp.Expr) -> exp.Expr:
    return cast(cast(value, KqlType.LONG), KqlType.STRING)


def padded(value: exp.Expr, width: int) -> exp.Expr:
    """A non-negative whole number as text of at least `width` digits."""
    text = _text(value)
    if width == 1:
        return text
    short = exp.LT(this=exp.Length(this=text.copy()), expression=_N(width))
    pad = func("LPAD", text.copy(), _N(width), _S("0"))
    return exp.Case(ifs=[exp.If(this=short, true=pad)]).else_(text)


def fraction(ticks: exp.Expr, length: int, trim: bool) -> exp.Expr:
    """The first `length` of the seven fractional digits (ticks within the second); `F` runs
    (trim) drop trailing zeros, so a zero fraction prints nothing."""
    digits = exp.Substring(
        this=func("LPAD", _text(ticks), _N(7), _S("0")), start=_N(1), length=_N(length)
    )
    if not trim:
        return digits
    return exp.Trim(this=digits, expression=_S("0"), position="TRAILING")


def _with_dot(pieces: list[exp.Expr], last: exp.Literal, piece: exp.Expr) -> exp.Expr:
    """Move a '.' ending the text before an F run into the run, printed only with digits."""
    if not last.this.endswith("."):
        return piece
    pieces[-1] = _S(last.this[:-1])
    empty = exp.EQ(this=piece, expression=_S(""))
    dotted = func("CONCAT", _S("."), piece.copy())
    return exp.Case(ifs=[exp.If(this=empty, true=_S(""))]).else_(dotted)


def assemble(value: Typed, runs: list[Run], field: dict[str, exp.Expr], drop_dot: bool) -> exp.Expr:
    """Concatenate the runs; a null value formats as "" (Kusto has no null string)."""
    pieces: list[exp.Expr] = []
    for run in runs:
        if not run.letter:
            pieces.append(_S(run.text))
            continue
        if run.letter in "fF":
            piece = fraction(field["ticks"].copy(), run.length, trim=run.letter == "F")
            last = pieces[-1] if pieces else None
            if run.letter == "F" and drop_dot and isinstance(last, exp.Literal):
                piece = _with_dot(pieces, last, piece)
            pieces.append(piece)
        elif run.letter == "t":
            pieces.append(field["t"].copy())
        else:
            key = "yyyy" if run.letter == "y" and run.length == 4 else run.letter
            pieces.append(padded(field[key].copy(), run.length))
    pieces = [piece for piece in pieces if not (isinstance(piece, exp.Literal) and not piece.this)]
    body = func("CONCAT", *pieces) if pieces else _S("")
    is_null = exp.Is(this=p(value.sql.copy()), expression=exp.Null())
    return exp.Case(ifs=[exp.If(this=is_null, true=_S(""))]).else_(body)


@rule("format_datetime", arity=(2, 2))
def _format_datetime(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    expect(c, node, args[0], 0, KqlType.DATETIME)
    runs = parse_format(c, node, constant_word(c, node, args[1], 1), _DATETIME_RUNS)
    value = c.convert(args[0], KqlType.DATETIME)

    def part(name: str) -> exp.Expr:
        sql = date_part(name, value.sql.copy())
        assert sql is not None
        return sql

    hour = part("hour")
    hour12 = exp.Add(this=hour.copy(), expression=_N(11))  # 0 -> 12, 13 -> 1
    field = {
        "d": part("day"),
        "M": part("month"),
        "H": hour,
        "h": exp.Add(this=p(exp.Mod(this=p(hour12), expression=_N(12))), expression=_N(1)),
        "m": part("minute"),
        "s": part("second"),
        "ticks": exp.Mul(this=p(part("microsecond")), expression=_N(10)),
        "t": exp.Case(
            ifs=[exp.If(this=exp.LT(this=hour.copy(), expression=_N(12)), true=_S("AM"))]
        ).else_(_S("PM")),
    }
    year = part("year")
    field["y"] = exp.Mod(this=year, expression=_N(100))
    field["yyyy"] = year.copy()
    return Typed(assemble(value, runs, field, drop_dot=True), KqlType.STRING)


@rule("format_timespan", arity=(2, 2))
def _format_timespan(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    expect(c, node, args[0], 0, KqlType.TIMESPAN)
    runs = parse_format(c, node, constant_word(c, node, args[1], 1), _TIMESPAN_RUNS)
    value = c.convert(args[0], KqlType.TIMESPAN)
    ticks = exp.Abs(this=value.sql.copy())

    def unit(ticks_per_unit: int, modulo: int | None) -> exp.Expr:
        whole: exp.Expr = exp.IntDiv(this=ticks.copy(), expression=_N(ticks_per_unit))
        return exp.Mod(this=p(whole), expression=_N(modulo)) if modulo else whole

    hours = unit(3_600 * _TICKS_PER_SECOND, 24)
    field = {
        "d": unit(86_400 * _TICKS_PER_SECOND, None),
        "h": hours,
        "H": hours.copy(),
        "m": unit(60 * _TICKS_PER_SECOND, 60),
        "s": unit(_TICKS_PER_SECOND, 60),
        "ticks": exp.Mod(this=ticks.copy(), expression=_N(_TICKS_PER_SECOND)),
    }
    return Typed(assemble(value, runs, field, drop_dot=False), KqlType.STRING)
