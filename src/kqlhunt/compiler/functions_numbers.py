"""Numeric functions: rounding, logarithms and powers, tests for NaN and infinity, bit
operations, `max_of`/`min_of` and `tohex`.

Kusto gives null where a result is undefined (the logarithm or square root of a negative
number); the engines disagree there (one raises, one gives NaN), so those cases are decided in
the SQL before the engine's function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.functions import coerce, common_type, expect, rule
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_N = exp.Literal.number
_NUMBERS = (KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
_INTEGERS = (KqlType.INT, KqlType.LONG)


def _real(c: ExpressionCompiler, node: ast.Call, args: list[Typed], index: int) -> exp.Expr:
    expect(c, node, args[index], index, *_NUMBERS)
    return cast(c.convert(args[index], KqlType.REAL).sql, KqlType.REAL)


def _special(name: str) -> exp.Expr:
    return exp.Cast(this=exp.Literal.string(name), to=exp.DataType.build("DOUBLE"))


def _when(condition: exp.Expr, then: exp.Expr, otherwise: exp.Expr) -> exp.Expr:
    return exp.Case(ifs=[exp.If(this=condition, true=then)]).else_(otherwise)


@rule("abs", arity=(1, 1))
def _abs(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    expect(c, node, args[0], 0, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.TIMESPAN)
    return Typed(exp.Abs(this=args[0].sql), args[0].type)


@rule("round", arity=(1, 2))
def _round(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Half away from zero; a negative precision rounds to tens, hundreds, ..."""
    expect(c, node, args[0], 0, *_NUMBERS)
    digits = cast(args[1].sql, KqlType.INT) if len(args) > 1 else _N(0)
    if len(args) > 1:
        expect(c, node, args[1], 1, *_INTEGERS)
    if args[0].type in _INTEGERS:
        rounded = exp.Round(this=args[0].sql, decimals=digits)
        return Typed(cast(rounded, args[0].type), args[0].type)
    return Typed(exp.Round(this=_real(c, node, args, 0), decimals=digits), KqlType.REAL)


@rule("ceiling", arity=(1, 1))
def _ceiling(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    expect(c, node, args[0], 0, *_NUMBERS)
    result = args[0].type if args[0].type in _INTEGERS else KqlType.REAL
    return Typed(cast(exp.Ceil(this=args[0].sql), result), result)


def _logarithm(name: str, base: int | None) -> None:
    def compile_log(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        x = _real(c, node, args, 0)
        value = exp.Ln(this=x) if base is None else exp.Log(this=_N(base), expression=x)
        positive = _when(exp.EQ(this=p(x.copy()), expression=_N(0)), _special("-Infinity"), value)
        result = _when(exp.LT(this=p(x.copy()), expression=_N(0)), exp.Null(), positive)
        return Typed(result, KqlType.REAL)

    rule(name, arity=(1, 1))(compile_log)


_logarithm("log", None)
_logarithm("log10", 10)
_logarithm("log2", 2)


@rule("exp", "exp2", "exp10", arity=(1, 1))
def _exp(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    x = _real(c, node, args, 0)
    if node.name == "exp":
        return Typed(exp.Exp(this=x), KqlType.REAL)
    base = 2 if node.name == "exp2" else 10
    return Typed(exp.Pow(this=_N(base), expression=x), KqlType.REAL)


@rule("pow", arity=(2, 2))
def _pow(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    base, exponent = _real(c, node, args, 0), _real(c, node, args, 1)
    return Typed(exp.Pow(this=base, expression=exponent), KqlType.REAL)


@rule("sqrt", arity=(1, 1))
def _sqrt(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    x = _real(c, node, args, 0)
    negative = exp.LT(this=p(x.copy()), expression=_N(0))
    return Typed(_when(negative, exp.Null(), exp.Sqrt(this=x)), KqlType.REAL)


@rule("sign", arity=(1, 1))
def _sign(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(cast(exp.Sign(this=_real(c, node, args, 0)), KqlType.REAL), KqlType.REAL)


def _is_infinite(x: exp.Expr) -> exp.Expr:
    return exp.In(this=p(x), expressions=[_special("Infinity"), _special("-Infinity")])


@rule("isnan", "isinf", "isfinite", arity=(1, 1))
def _float_test(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """A null is neither NaN nor infinite nor finite."""
    x = _real(c, node, args, 0)
    nan = exp.IsNan(this=x)
    if node.name == "isnan":
        test: exp.Expr = nan
    elif node.name == "isinf":
        test = _is_infinite(x.copy())
    else:
        test = exp.and_(exp.Not(this=nan), exp.Not(this=exp.paren(_is_infinite(x.copy()))))
    known = exp.Not(this=exp.Is(this=p(x.copy()), expression=exp.Null()))
    return Typed(exp.and_(known, exp.paren(test)), KqlType.BOOL)


@rule("max_of", "min_of", arity=(1, 64))
def _extreme_of(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """The largest (smallest) argument; null arguments are ignored."""
    result_type = common_type(c, node, args)
    values = [coerce(c, a, result_type).sql for a in args]
    name = "GREATEST" if node.name == "max_of" else "LEAST"
    return Typed(func(name, *values) if len(values) > 1 else values[0], result_type)


def _bits(name: str, build: type[exp.Binary]) -> None:
    def compile_bits(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        for i, arg in enumerate(args):
            expect(c, node, arg, i, *_INTEGERS)
        left, right = (cast(a.sql, KqlType.LONG) for a in args)
        return Typed(build(this=left, expression=right), KqlType.LONG)

    rule(name, arity=(2, 2))(compile_bits)


_bits("binary_and", exp.BitwiseAnd)
_bits("binary_or", exp.BitwiseOr)
_bits("binary_xor", exp.BitwiseXor)
_bits("binary_shift_left", exp.BitwiseLeftShift)
_bits("binary_shift_right", exp.BitwiseRightShift)


@rule("binary_not", arity=(1, 1))
def _binary_not(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    expect(c, node, args[0], 0, *_INTEGERS)
    return Typed(exp.BitwiseNot(this=cast(args[0].sql, KqlType.LONG)), KqlType.LONG)


@rule("tohex", arity=(1, 2))
def _tohex(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Lower-case hex; a negative number is written in two's complement of its own width."""
    expect(c, node, args[0], 0, *_INTEGERS)
    value = cast(args[0].sql, KqlType.LONG)
    if args[0].type is KqlType.INT:
        wrapped = exp.Add(this=p(value), expression=_N(2**32))
        value = _when(exp.LT(this=p(value.copy()), expression=_N(0)), wrapped, value.copy())
    digits: exp.Expr = exp.Lower(this=exp.Hex(this=value))
    if len(args) > 1:
        expect(c, node, args[1], 1, *_INTEGERS)
        width = cast(func("GREATEST", exp.Length(this=digits.copy()), args[1].sql), KqlType.INT)
        digits = func("LPAD", digits, width, exp.Literal.string("0"))
    return Typed(exp.Coalesce(this=digits, expressions=[exp.Literal.string("")]), KqlType.STRING)


@rule("rand", arity=(0, 1))
def _rand(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """rand(): a real from 0 (included) to 1 (excluded); rand(N): a long from 0 to N - 1. A new
    value for every row and every call."""
    if not args:
        return Typed(exp.Rand(), KqlType.REAL)
    (limit,) = args
    if limit.type not in (KqlType.INT, KqlType.LONG):
        raise c.context.error(
            f"the argument of 'rand()' must be a whole number, not {limit.type.value}",
            node.args[0].offset,
        )
    scaled = exp.Floor(this=exp.Mul(this=exp.Rand(), expression=p(limit.sql)))
    return Typed(cast(scaled, KqlType.LONG), KqlType.LONG)
