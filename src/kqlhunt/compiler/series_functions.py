"""Functions of a series (a dynamic array of numbers, as make-series builds) that give several
values: `series_stats()` and `series_fit_line()`.

`extend series_stats(s)` (or `project`) adds one column per value, named `series_stats_s_min`,
...; `extend (a, b) = series_fit_line(s)` names the first ones, `x = ...` the first. The values:

- series_stats: min, min_idx, max, max_idx (the first position, from 0), avg, stdev and variance
  (of a sample).
- series_fit_line: the least-squares line through the points (1, s[0]), (2, s[1]), ...:
  rsquare, slope, variance (of the series, as a sample), rvariance (of the residuals, with the
  same divisor), interception (at x = 0) and line_fit (the line's value at each point).

Elements that are not numbers are left out of the statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.dynamic import to_json
from kqlhunt.compiler.dynamic_functions import array_value, elements, lambda_
from kqlhunt.compiler.result_names import result_name
from kqlhunt.compiler.sqltypes import Typed, cast, func
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

Values = list[tuple[str, Typed]]
MULTI_VALUE_FUNCTIONS: dict[str, Callable[[exp.Expr], Values]] = {}

_DOUBLE = exp.DataType.build("DOUBLE")
# Lambda parameters: the lambdas' bodies read the input column too, so their names must not
# hide a column's.
_Y, _I = "__kqlhunt_y", "__kqlhunt_i"


def multi_value(
    name: str,
) -> Callable[[Callable[[exp.Expr], Values]], Callable[[exp.Expr], Values]]:
    def register(fn: Callable[[exp.Expr], Values]) -> Callable[[exp.Expr], Values]:
        MULTI_VALUE_FUNCTIONS[name] = fn
        return fn

    return register


def compile_multi_value(
    compiler: ExpressionCompiler, item: ast.Assignment
) -> list[tuple[str, Typed]] | None:
    """The named columns of `item` when it calls a function giving several values, else None."""
    call = item.expr
    if not isinstance(call, ast.Call) or call.name not in MULTI_VALUE_FUNCTIONS:
        return None
    context = compiler.context
    if len(call.args) != 1:
        raise context.unsupported(f"'{call.name}()' with {len(call.args)} arguments", call.offset)
    series = compiler.compile(call.args[0])
    if series.type is not KqlType.DYNAMIC:
        raise context.error(
            f"the argument of '{call.name}()' must be a dynamic array, not {series.type.value}",
            call.args[0].offset,
        )
    values = MULTI_VALUE_FUNCTIONS[call.name](_numbers(series.sql))
    given = item.names or ((item.name,) if item.name else ())  # `x = f(s)` names the first
    if len(given) > len(values):
        raise context.error(
            f"{len(given)} names for the {len(values)} values of '{call.name}()'", item.offset
        )
    prefix = f"{call.name}_{result_name(call.args[0]) or ''}"
    names = [*given, *(f"{prefix}_{name}" for name, _ in values[len(given) :])]
    return [(name, value) for name, (_, value) in zip(names, values, strict=True)]


def _numbers(series: exp.Expr) -> exp.Expr:
    """The numeric elements of a JSON array, as doubles."""
    kept = exp.ArrayFilter(
        this=elements(series),
        expression=lambda_(
            exp.In(
                this=exp.JSONType(this=exp.column("x")),
                expressions=[exp.Literal.string(t) for t in ("BIGINT", "UBIGINT", "DOUBLE")],
            ),
            "x",
        ),
    )
    return func("LIST_TRANSFORM", kept, lambda_(exp.Cast(this=exp.column("x"), to=_DOUBLE), "x"))


def _real(sql: exp.Expr) -> Typed:
    return Typed(cast(sql, KqlType.REAL), KqlType.REAL)


def _index_of(values: exp.Expr, target: exp.Expr) -> Typed:
    """The first position (from 0) of `target` in `values`; -1 for an empty series."""
    position = exp.Sub(this=func("LIST_POSITION", values, target), expression=exp.Literal.number(1))
    return Typed(
        cast(exp.Coalesce(this=position, expressions=[exp.Literal.number(-1)]), KqlType.LONG),
        KqlType.LONG,
    )


@multi_value("series_stats")
def _series_stats(values: exp.Expr) -> Values:
    low, high = func("LIST_MIN", values.copy()), func("LIST_MAX", values.copy())
    return [
        ("min", _real(low)),
        ("min_idx", _index_of(values.copy(), low.copy())),
        ("max", _real(high)),
        ("max_idx", _index_of(values.copy(), high.copy())),
        ("avg", _real(func("LIST_AVG", values.copy()))),
        ("stdev", _real(func("LIST_STDDEV_SAMP", values.copy()))),
        ("variance", _real(func("LIST_VAR_SAMP", values.copy()))),
    ]


@multi_value("series_fit_line")
def _series_fit_line(values: exp.Expr) -> Values:
    count = exp.Cast(this=exp.ArraySize(this=values.copy()), to=_DOUBLE.copy())
    mean_x = exp.Div(
        this=exp.paren(exp.Add(this=count, expression=exp.Literal.number(1))),
        expression=exp.Literal.number(2),
    )
    mean_y = func("LIST_AVG", values.copy())
    x = exp.Cast(this=exp.column(_I), to=_DOUBLE.copy())
    products = func(
        "LIST_TRANSFORM",
        values.copy(),
        lambda_(
            exp.Mul(
                this=exp.paren(exp.Sub(this=x, expression=exp.paren(mean_x.copy()))),
                expression=exp.paren(exp.Sub(this=exp.column(_Y), expression=mean_y.copy())),
            ),
            _Y,
            _I,
        ),
    )
    # the sum of (x - mean_x)^2 over x = 1..n is n(n^2 - 1)/12
    spread = exp.Div(
        this=exp.Mul(
            this=count.copy(),
            expression=exp.paren(
                exp.Sub(
                    this=exp.Mul(this=count.copy(), expression=count.copy()),
                    expression=exp.Literal.number(1),
                )
            ),
        ),
        expression=exp.Literal.number(12),
    )
    slope = exp.Div(this=func("LIST_SUM", products), expression=exp.paren(spread))
    interception = exp.Sub(
        this=mean_y.copy(),
        expression=exp.Mul(this=exp.paren(slope.copy()), expression=exp.paren(mean_x.copy())),
    )

    def fitted(at: exp.Expr) -> exp.Expr:
        return exp.Add(
            this=exp.paren(interception.copy()),
            expression=exp.Mul(this=exp.paren(slope.copy()), expression=at),
        )

    residuals = func(
        "LIST_TRANSFORM",
        values.copy(),
        lambda_(exp.Sub(this=exp.column(_Y), expression=exp.paren(fitted(x.copy()))), _Y, _I),
    )
    variance = func("LIST_VAR_SAMP", values.copy())
    rvariance = func("LIST_VAR_SAMP", residuals)
    rsquare = exp.Sub(
        this=exp.Literal.number(1),
        expression=exp.Div(this=rvariance.copy(), expression=variance.copy()),
    )
    line = func("LIST_TRANSFORM", values.copy(), lambda_(to_json(_real(fitted(x.copy()))), _Y, _I))
    return [
        ("rsquare", _real(rsquare)),
        ("slope", _real(slope)),
        ("variance", _real(variance)),
        ("rvariance", _real(rvariance)),
        ("interception", _real(interception)),
        ("line_fit", Typed(array_value(line), KqlType.DYNAMIC)),
    ]
