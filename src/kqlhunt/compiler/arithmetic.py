"""Arithmetic with Kusto's type rules: numbers, datetimes and timespans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.sqltypes import TICKS_PER_MICROSECOND, Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

D, T = KqlType.DATETIME, KqlType.TIMESPAN


def _epoch_us(sql: exp.Expr) -> exp.Expr:
    return exp.UnixMicros(this=sql)


def _from_epoch_us(sql: exp.Expr) -> exp.Expr:
    return exp.UnixToTime(this=sql, scale=exp.UnixToTime.MICROS)


def _ticks_to_us(sql: exp.Expr) -> exp.Expr:
    return exp.IntDiv(this=exp.paren(sql), expression=exp.Literal.number(TICKS_PER_MICROSECOND))


def add_timespan(when: Typed, span: Typed, subtract: bool = False) -> Typed:
    """datetime ± timespan -> datetime."""
    op = exp.Sub if subtract else exp.Add
    micros = op(this=_epoch_us(when.sql), expression=_ticks_to_us(span.sql))
    return Typed(_from_epoch_us(micros), D)


def numeric_result(a: KqlType, b: KqlType) -> KqlType:
    """The type of arithmetic on two numbers: decimal is the widest, then real, then long."""
    if KqlType.DECIMAL in (a, b):
        return KqlType.DECIMAL
    if KqlType.REAL in (a, b):
        return KqlType.REAL
    return KqlType.LONG


def arithmetic(compiler: ExpressionCompiler, node: ast.Binary, left: Typed, right: Typed) -> Typed:
    op, lt, rt = node.op, left.type, right.type
    a, b = p(left.sql), p(right.sql)

    if lt.is_numeric and rt.is_numeric:
        return _numeric(op, left, right)
    if op == "-" and lt is D and rt is D:
        diff = exp.Sub(this=_epoch_us(a), expression=_epoch_us(b))
        return Typed(exp.Mul(this=exp.paren(diff), expression=exp.Literal.number(10)), T)
    if op in ("+", "-") and lt is D and rt is T:
        return add_timespan(left, right, subtract=op == "-")
    if op == "+" and lt is T and rt is D:
        return add_timespan(right, left)
    if op in ("+", "-") and lt is T and rt is T:
        sql_op = exp.Add if op == "+" else exp.Sub
        return Typed(sql_op(this=a, expression=b), T)
    if op == "/" and lt is T and rt is T:
        return Typed(exp.Div(this=cast(a, KqlType.REAL), expression=b), KqlType.REAL)
    if op in ("*", "/") and lt is T and rt.is_numeric:
        scaled = cast(a, KqlType.REAL)
        product = (
            exp.Mul(this=scaled, expression=b) if op == "*" else exp.Div(this=scaled, expression=b)
        )
        return Typed(_to_ticks(product), T)
    if op == "*" and lt.is_numeric and rt is T:
        return Typed(_to_ticks(exp.Mul(this=cast(a, KqlType.REAL), expression=b)), T)
    if op == "%" and lt is T and rt is T:
        return Typed(_modulo(a, b), T)
    raise compiler.context.error(
        f"operator '{op}' cannot combine {lt.value} and {rt.value}", node.offset
    )


def floor_div(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    """Exact integer division rounding toward negative infinity (SQL truncates toward zero)."""
    a, b = p(a), p(b)
    truncated = exp.IntDiv(this=a, expression=b)
    remainder = exp.Mod(this=a.copy(), expression=b.copy())
    adjust = exp.and_(
        exp.NEQ(this=remainder, expression=exp.Literal.number(0)),
        exp.NEQ(
            this=exp.paren(exp.LT(this=a.copy(), expression=exp.Literal.number(0))),
            expression=exp.paren(exp.LT(this=b.copy(), expression=exp.Literal.number(0))),
        ),
    )
    one = exp.Case(ifs=[exp.If(this=adjust, true=exp.Literal.number(1))]).else_(
        exp.Literal.number(0)
    )
    return exp.Sub(this=truncated, expression=one)


def _to_ticks(sql: exp.Expr) -> exp.Expr:
    return cast(func("TRUNC", sql), KqlType.LONG)


def _numeric(op: str, left: Typed, right: Typed) -> Typed:
    result = numeric_result(left.type, right.type)
    a, b = p(left.sql), p(right.sql)
    if op == "+":
        return Typed(exp.Add(this=a, expression=b), result)
    if op == "-":
        return Typed(exp.Sub(this=a, expression=b), result)
    if op == "*":
        return Typed(exp.Mul(this=a, expression=b), result)
    if op == "/":
        if result is KqlType.LONG:
            # Integer division truncates toward zero; division by zero gives null here.
            divisor = exp.Nullif(this=b, expression=exp.Literal.number(0))
            return Typed(exp.IntDiv(this=a, expression=divisor), result)
        return Typed(exp.Div(this=cast(a, KqlType.REAL), expression=b), result)
    if op == "%":
        return Typed(_modulo(a, b), result)
    raise AssertionError(op)


def _modulo(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    """Kusto's modulo lies in [0, |b|): -14 % 12 is 10."""
    divisor = exp.Abs(this=exp.Nullif(this=b, expression=exp.Literal.number(0)))
    inner = exp.Mod(this=exp.paren(a), expression=divisor)
    return exp.Mod(
        this=exp.paren(exp.Add(this=inner, expression=divisor)), expression=divisor.copy()
    )
