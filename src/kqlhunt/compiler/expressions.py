"""Scalar KQL expressions compiled to typed, backend-neutral SQL (sqlglot trees).

This module holds Kusto's scalar semantics: literal typing, null rules of comparisons and
logic, arithmetic on datetimes and timespans, and the string operators. Function calls are
looked up in `kqlhunt.compiler.functions`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler import strings
from kqlhunt.compiler.regex import RegexError, canonical_regex, regex_groups
from kqlhunt.compiler.scope import Scope
from kqlhunt.compiler.sqltypes import (
    TICKS_PER_MICROSECOND,
    Typed,
    cast,
    func,
    null_of,
    number,
    p,
)
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from collections.abc import Sequence

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_COMPARISON_SQL: dict[str, type[exp.Binary]] = {
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}

# operator -> (kind, case sensitive, negated)
_STRING_OPS: dict[str, tuple[str, bool, bool]] = {}
for _kind in ("has", "hasprefix", "hassuffix", "contains", "startswith", "endswith"):
    _STRING_OPS[_kind] = (_kind, False, False)
    _STRING_OPS["!" + _kind] = (_kind, False, True)
    _STRING_OPS[_kind + "_cs"] = (_kind, True, False)
    _STRING_OPS["!" + _kind + "_cs"] = (_kind, True, True)


def datetime_literal(value: datetime) -> exp.Expr:
    text = value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build("TIMESTAMP"))


def epoch_us(sql: exp.Expr) -> exp.Expr:
    return exp.UnixMicros(this=sql)


def from_epoch_us(sql: exp.Expr) -> exp.Expr:
    return exp.UnixToTime(this=sql, scale=exp.UnixToTime.MICROS)


def ticks_to_us(sql: exp.Expr) -> exp.Expr:
    return exp.IntDiv(this=sql, expression=exp.Literal.number(TICKS_PER_MICROSECOND))


def literal(value: object, kql_type: KqlType) -> Typed:
    """A compile-time constant as typed SQL."""
    if value is None:
        return null_of(kql_type)
    sql: exp.Expr
    if kql_type is KqlType.STRING or kql_type is KqlType.GUID:
        sql = exp.Literal.string(str(value))
    elif kql_type is KqlType.BOOL:
        sql = exp.Boolean(this=bool(value))
    elif kql_type in (KqlType.INT, KqlType.LONG, KqlType.TIMESPAN):
        assert isinstance(value, int)
        sql = cast(number(value), kql_type)
    elif kql_type in (KqlType.REAL, KqlType.DECIMAL):
        assert isinstance(value, int | float)
        sql = cast(_real_literal(float(value)), kql_type)
    elif kql_type is KqlType.DATETIME:
        assert isinstance(value, datetime)
        sql = datetime_literal(value)
    elif kql_type is KqlType.DYNAMIC:
        sql = cast(exp.Literal.string(json.dumps(value)), KqlType.DYNAMIC)
    else:  # pragma: no cover - every KqlType is handled above
        raise AssertionError(kql_type)
    return Typed(sql, kql_type, value, True)


def _real_literal(value: float) -> exp.Expr:
    if value != value or value in (float("inf"), float("-inf")):
        return exp.Cast(this=exp.Literal.string(repr(value)), to=exp.DataType.build("DOUBLE"))
    return number(value)


class ExpressionCompiler:
    """Compiles scalar expressions against one scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.context = scope.context

    def compile(self, node: ast.Expr) -> Typed:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.context.unsupported(f"the expression {type(node).__name__}", node.offset)
        result: Typed = method(node)
        return result

    # -- leaves --------------------------------------------------------------------------------

    def visit_Literal(self, node: ast.Literal) -> Typed:
        return literal(node.value, node.type)

    def visit_Name(self, node: ast.Name) -> Typed:
        # A bound name's tree is shared by every reference: each gets a copy of its own, so
        # that the trees built from it may take it without copying.
        if node.name in self.scope.bindings:
            return _copied(self.scope.bindings[node.name])
        if self.scope.row_context and node.name in self.scope.columns:
            kql_type = self.scope.columns[node.name]
            return Typed(exp.column(node.name, quoted=True), kql_type)
        if node.name in self.context.scalar_lets:
            return _copied(self.context.scalar_lets[node.name])
        if node.name in self.context.tabular_lets:
            raise self.context.error(
                f"'{node.name}' is a tabular expression, used where a scalar is expected",
                node.offset,
            )
        raise self.context.error(f"unknown column or name '{node.name}'", node.offset)

    def visit_Star(self, node: ast.Star) -> Typed:
        raise self.context.error("'*' is not allowed here", node.offset)

    def visit_Call(self, node: ast.Call) -> Typed:
        from kqlhunt.compiler.functions import compile_call
        from kqlhunt.compiler.functions_user import user_call

        if id(node) in self.scope.aggregated:  # computed by summarize
            return _copied(self.scope.aggregated[id(node)])
        if (user := user_call(self, node)) is not None:  # let functions, toscalar, prev, ...
            return user
        return compile_call(self, node)

    # -- operators -----------------------------------------------------------------------------

    def visit_Unary(self, node: ast.Unary) -> Typed:
        operand = self.compile(node.operand)
        if not (operand.type.is_numeric or operand.type is KqlType.TIMESPAN):
            raise self.context.error(
                f"unary '{node.op}' needs a number or a timespan, not {operand.type.value}",
                node.offset,
            )
        if node.op == "+":
            return operand
        return Typed(exp.Neg(this=exp.paren(operand.sql)), operand.type)

    def visit_Binary(self, node: ast.Binary) -> Typed:
        op = node.op
        if op in ("and", "or"):
            return self._logic(node)
        if op in _STRING_OPS:
            return self._string_operator(node, *_STRING_OPS[op])
        if op in ("=~", "!~"):
            left, right = self._as_text(node.left), self._as_text(node.right)
            test = strings.equals_ignore_case(left.sql, right.sql)
            return Typed(exp.Not(this=exp.paren(test)) if op == "!~" else test, KqlType.BOOL)
        if op == "matches regex":
            value, pattern = self._as_text(node.left), self.compile(node.right)
            regex = self.constant_regex(pattern, node.right, "the regex of 'matches regex'")
            return Typed(strings.regex_match(value.sql, regex), KqlType.BOOL)
        left, right = self.compile(node.left), self.compile(node.right)
        if op in ("==", "!="):
            return self._equality(node, left, right)
        if op in _COMPARISON_SQL:
            self._check_comparable(node, left, right)
            left, right = self._unify(left, right)
            return Typed(
                _COMPARISON_SQL[op](this=p(left.sql), expression=p(right.sql)), KqlType.BOOL
            )
        from kqlhunt.compiler.arithmetic import arithmetic

        return arithmetic(self, node, left, right)

    def _logic(self, node: ast.Binary) -> Typed:
        left, right = self.compile(node.left), self.compile(node.right)
        for side, operand in ((node.left, left), (node.right, right)):
            if operand.type is not KqlType.BOOL:
                raise self.context.error(
                    f"'{node.op}' needs bool operands, found {operand.type.value}", side.offset
                )
        combine = exp.and_ if node.op == "and" else exp.or_
        # The operands are trees of their own (see visit_Name): no copies, which would grow
        # with the square of a long chain of `and`.
        both = (exp.paren(left.sql, copy=False), exp.paren(right.sql, copy=False))
        return Typed(combine(*both, copy=False), KqlType.BOOL)

    def _equality(self, node: ast.Binary, left: Typed, right: Typed) -> Typed:
        left, right = _same_constant(left, right), _same_constant(right, left)
        self._check_comparable(node, left, right)
        left, right = self._unify(left, right)
        negate = node.op == "!="
        if not (left.nullable and right.nullable):
            sql: exp.Expr = exp.EQ(this=p(left.sql), expression=p(right.sql))
            return Typed(exp.Not(this=exp.paren(sql)) if negate else sql, KqlType.BOOL)
        # Kusto: null == non-null is false and null != non-null is true; null with null is null.
        distinct = exp.NullSafeEQ(this=p(left.sql), expression=p(right.sql))
        test: exp.Expr = exp.Not(this=distinct) if negate else distinct
        if (left.is_constant and left.constant is not None) or (
            right.is_constant and right.constant is not None
        ):
            return Typed(test, KqlType.BOOL)
        both_null = exp.and_(
            exp.Is(this=p(left.sql), expression=exp.Null()),
            exp.Is(this=p(right.sql), expression=exp.Null()),
        )
        case = exp.Case(ifs=[exp.If(this=both_null, true=cast(exp.Null(), KqlType.BOOL))])
        return Typed(case.else_(test), KqlType.BOOL)

    def _check_comparable(self, node: ast.Binary, left: Typed, right: Typed) -> None:
        if comparable(left.type, right.type):
            return
        raise self.context.error(
            f"cannot compare {left.type.value} with {right.type.value} using '{node.op}'",
            node.offset,
        )

    def _unify(self, left: Typed, right: Typed) -> tuple[Typed, Typed]:
        """Bring two comparable operands to one SQL type (a dynamic side takes the other's)."""
        if left.type is KqlType.DYNAMIC and right.type is not KqlType.DYNAMIC:
            return self.convert(left, right.type), right
        if right.type is KqlType.DYNAMIC and left.type is not KqlType.DYNAMIC:
            return left, self.convert(right, left.type)
        return left, right

    def convert(self, value: Typed, kql_type: KqlType) -> Typed:
        from kqlhunt.compiler.conversions import convert

        return convert(value, kql_type)

    def _as_text(self, node: ast.Expr) -> Typed:
        value = self.compile(node)
        if value.type is KqlType.STRING:
            return value
        return self.convert(value, KqlType.STRING)

    def _constant_text(self, value: Typed, node: ast.Expr, what: str) -> str:
        if not value.is_constant:
            raise self.context.unsupported(f"a non-constant value as {what}", node.offset)
        if value.type is not KqlType.STRING or not isinstance(value.constant, str):
            raise self.context.error(f"{what} must be a string", node.offset)
        return value.constant

    def constant_regex(self, value: Typed, node: ast.Expr, what: str) -> str:
        """A constant regex, checked as Kusto checks it (RE2's syntax), named groups spelled
        one way (see `canonical_regex`)."""
        regex = canonical_regex(self._constant_text(value, node, what))
        try:
            regex_groups(regex)
        except RegexError as error:
            raise self.context.error(f"{what} is not a valid regex: {error}", node.offset) from None
        return regex

    def _string_operator(self, node: ast.Binary, kind: str, cs: bool, negated: bool) -> Typed:
        value = self._as_text(node.left)
        needle_value = self._as_text(node.right)
        if needle_value.is_constant:
            needle = self._constant_text(needle_value, node.right, f"the right side of '{node.op}'")
            sql = _constant_string_test(kind, value.sql, needle, cs)
        else:
            sql = self._column_string_test(node, kind, value.sql, needle_value.sql, cs)
        return Typed(exp.Not(this=exp.paren(sql)) if negated else sql, KqlType.BOOL)

    def _column_string_test(
        self, node: ast.Binary, kind: str, value: exp.Expr, needle: exp.Expr, cs: bool
    ) -> exp.Expr:
        if kind in ("has", "hasprefix", "hassuffix"):
            raise self.context.unsupported(
                f"'{node.op}' with a right side that is not a constant", node.right.offset
            )

        def test(fold: strings.Fold) -> exp.Expr:
            text, part = fold(value), fold(needle)
            if kind == "contains":
                return exp.GT(
                    this=exp.StrPosition(this=text, substr=part), expression=exp.Literal.number(0)
                )
            if kind == "startswith":
                return exp.StartsWith(this=text, expression=part)
            return exp.EndsWith(this=text, expression=part)

        return test(strings.as_is) if cs else strings.ignoring_case(test)

    def visit_InList(self, node: ast.InList) -> Typed:
        from kqlhunt.compiler.lists import compile_in_list

        return compile_in_list(self, node)

    def visit_Between(self, node: ast.Between) -> Typed:
        value, low, high = (self.compile(n) for n in (node.value, node.low, node.high))
        if value.type is KqlType.DATETIME and high.type is KqlType.TIMESPAN:
            from kqlhunt.compiler.arithmetic import add_timespan

            high = add_timespan(low, high)
        for bound, bound_node in ((low, node.low), (high, node.high)):
            if not comparable(value.type, bound.type):
                raise self.context.error(
                    f"'between' bound of type {bound.type.value} does not fit a "
                    f"{value.type.value} value",
                    bound_node.offset,
                )
        sql = exp.Between(this=p(value.sql), low=p(low.sql), high=p(high.sql))
        return Typed(exp.Not(this=exp.paren(sql)) if node.negated else sql, KqlType.BOOL)

    def visit_Member(self, node: ast.Member) -> Typed:
        from kqlhunt.compiler.dynamic import compile_member

        return compile_member(self, node)

    def visit_Index(self, node: ast.Index) -> Typed:
        from kqlhunt.compiler.dynamic import compile_index

        return compile_index(self, node)

    def visit_TypeOf(self, node: ast.TypeOf) -> Typed:
        from kqlhunt.compiler.dynamic import compile_typeof

        return compile_typeof(self, node)

    def visit_TabularSubquery(self, node: ast.TabularSubquery) -> Typed:
        raise self.context.unsupported("a tabular expression as a scalar", node.offset)

    def compile_all(self, nodes: Sequence[ast.Expr]) -> list[Typed]:
        return [self.compile(n) for n in nodes]


def _constant_string_test(kind: str, value: exp.Expr, needle: str, cs: bool) -> exp.Expr:
    if kind == "has":
        return strings.has(value, needle, cs)
    if kind == "hasprefix":
        return strings.has(value, needle, cs, prefix=True)
    if kind == "hassuffix":
        return strings.has(value, needle, cs, suffix=True)
    if kind == "contains":
        return strings.contains(value, needle, cs)
    if kind == "startswith":
        return strings.starts_with(value, needle, cs)
    return strings.ends_with(value, needle, cs)


_CANONICAL_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)")


def _same_constant(constant: Typed, other: Typed) -> Typed:
    """A constant on one side of `==`/`!=` in the other side's type, where every reading of
    the comparison agrees: a whole number written as text beside a number (`EventID == "4688"`,
    as many published rules write it), 0 or 1 beside a bool. Otherwise the constant as it is,
    and a comparison of different types stays an error."""
    value = constant.constant
    if not constant.is_constant or value is None:
        return constant
    if (
        other.type in (KqlType.INT, KqlType.LONG)
        and constant.type is KqlType.STRING
        and isinstance(value, str)
        and _CANONICAL_NUMBER.fullmatch(value)
    ):
        return literal(int(value), other.type)
    if other.type is KqlType.BOOL and constant.type.is_numeric and value in (0, 1):
        return literal(value == 1, KqlType.BOOL)
    return constant


def comparable(a: KqlType, b: KqlType) -> bool:
    if a is b or KqlType.DYNAMIC in (a, b):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    return {a, b} == {KqlType.STRING, KqlType.GUID}


def _copied(value: Typed) -> Typed:
    """`value` with a tree of its own."""
    return Typed(value.sql.copy(), value.type, value.constant, value.is_constant)


__all__ = ["ExpressionCompiler", "comparable", "epoch_us", "from_epoch_us", "func", "literal"]
