"""Functions that build text from codes or escape it: url_encode(), url_encode_component(),
make_string(), and parse_command_line(), which splits a command line into a dynamic array.

Kusto's url encoding (as .NET's form encoding) keeps letters, digits and `-_.!*()`, writes every
other character as the `%xx` of its UTF-8 bytes in lowercase hex, and a space as `+`
(`url_encode`) or `%20` (`url_encode_component`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.command_line import PARSE_COMMAND_LINE_FUNCTION
from kqlhunt.compiler import strings
from kqlhunt.compiler.dynamic_functions import elements, lambda_
from kqlhunt.compiler.functions import UNBOUNDED, constant_word, rule, text
from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text, func
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_S = exp.Literal.string
_N = exp.Literal.number
_URL_SAFE = "^[A-Za-z0-9_.!*()-]$"
_LARGEST_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


@rule("url_encode", "url_encode_component", arity=(1, 1))
def _url_encode(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    char = exp.column("x")
    space = "+" if node.name == "url_encode" else "%20"
    encoded = exp.Case(
        ifs=[
            exp.If(this=strings.regex_match(char, _URL_SAFE), true=char.copy()),
            exp.If(this=exp.EQ(this=char.copy(), expression=_S(" ")), true=_S(space)),
            exp.If(this=exp.EQ(this=char.copy(), expression=_S("~")), true=_S("%7e")),
        ],
        default=exp.Lower(this=func("URL_ENCODE", char.copy())),
    )
    chars = func("STR_SPLIT", text(c, args[0]).sql, _S(""))
    joined = exp.ArrayToString(
        this=func("LIST_TRANSFORM", chars, lambda_(encoded, "x")), expression=_S("")
    )
    return Typed(coalesce_text(joined), KqlType.STRING)


@rule("make_string", arity=(1, UNBOUNDED))
def _make_string(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """The characters of the code points given as whole numbers or arrays of them; "" when one
    is not a Unicode scalar value (Kusto's null string)."""
    pieces: list[exp.Expr] = []
    checks: list[exp.Expr] = []
    for index, value in enumerate(args):
        if value.type is KqlType.DYNAMIC:
            codes = func(
                "LIST_TRANSFORM",
                elements(value.sql),
                lambda_(cast(exp.column("x"), KqlType.LONG), "x"),
            )
            chars = func("LIST_TRANSFORM", codes, lambda_(_char(exp.column("x")), "x"))
            pieces.append(exp.ArrayToString(this=chars, expression=_S("")))
            invalid = func(
                "LIST_FILTER",
                codes.copy(),
                lambda_(exp.Not(this=exp.paren(_valid(exp.column("x")))), "x"),
            )
            checks.append(exp.EQ(this=exp.ArraySize(this=invalid), expression=_N(0)))
        elif value.type in (KqlType.INT, KqlType.LONG):
            pieces.append(_char(value.sql))
            checks.append(_valid(value.sql.copy()))
        else:
            raise c.context.error(
                f"argument {index + 1} of 'make_string()' must be a whole number or an array "
                f"of them, not {value.type.value}",
                node.args[index].offset,
            )
    every = exp.and_(*(exp.Coalesce(this=check, expressions=[exp.false()]) for check in checks))
    made = strings.strcat(*pieces)
    return Typed(exp.Case(ifs=[exp.If(this=every, true=made)], default=_S("")), KqlType.STRING)


def _valid(code: exp.Expr) -> exp.Expr:
    inside = exp.Between(this=code, low=_N(0), high=_N(_LARGEST_CODE_POINT))
    low, high = _SURROGATES
    surrogate = exp.Between(this=code.copy(), low=_N(low), high=_N(high))
    return exp.and_(inside, exp.Not(this=exp.paren(surrogate)))


def _char(code: exp.Expr) -> exp.Expr:
    """The character of a code point; a space in place of an invalid one, which the caller
    turns into "" (CHR fails on it)."""
    safe = exp.Case(ifs=[exp.If(this=_valid(code), true=code.copy())], default=_N(32))
    return func("CHR", cast(safe, KqlType.INT))


@rule("parse_command_line", arity=(2, 2))
def _parse_command_line(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """The arguments of a command line as a dynamic array, split as Windows splits them
    (see `kqlhunt.command_line`)."""
    kind = constant_word(c, node, args[1], 1)
    if kind.lower() != "windows":
        raise c.context.error(
            f"parse_command_line() knows the parser 'windows', not {kind!r}", node.args[1].offset
        )
    parsed = exp.Anonymous(this=PARSE_COMMAND_LINE_FUNCTION, expressions=[text(c, args[0]).sql])
    return Typed(cast(parsed, KqlType.DYNAMIC), KqlType.DYNAMIC)
