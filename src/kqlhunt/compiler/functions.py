"""Scalar functions: one registry from KQL name to a compile rule.

A rule receives the compiler, the call node and its compiled arguments, and returns typed SQL.
Names not in the registry are rejected with an error naming the function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler import strings
from kqlhunt.compiler.arithmetic import add_timespan, floor_div, numeric_result
from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.expressions import datetime_literal, literal
from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

Rule = Callable[["ExpressionCompiler", ast.Call, list[Typed]], Typed]

FUNCTIONS: dict[str, Rule] = {}
ARITY: dict[str, tuple[int, int]] = {}

# Aggregation functions are compiled by `summarize`; named here to give a clear error elsewhere.
AGGREGATE_NAMES = frozenset(
    {
        "count",
        "countif",
        "dcount",
        "dcountif",
        "sum",
        "sumif",
        "avg",
        "avgif",
        "min",
        "max",
        "minif",
        "maxif",
        "make_set",
        "make_set_if",
        "makeset",
        "make_list",
        "make_list_if",
        "makelist",
        "arg_max",
        "arg_min",
        "take_any",
        "any",
        "stdev",
        "variance",
        "percentile",
        "percentiles",
        "make_bag",
    }
)


def rule(*names: str, arity: tuple[int, int]) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for name in names:
            FUNCTIONS[name] = fn
            ARITY[name] = arity
        return fn

    return register


def compile_call(compiler: ExpressionCompiler, node: ast.Call) -> Typed:
    context = compiler.context
    handler = FUNCTIONS.get(node.name)
    if handler is None:
        if node.name in AGGREGATE_NAMES:
            raise context.error(
                f"the aggregation '{node.name}()' is only allowed in summarize", node.offset
            )
        raise context.unsupported(f"the function '{node.name}()'", node.offset)
    if node.named_args:
        raise context.unsupported(f"named arguments to '{node.name}()'", node.offset)
    low, high = ARITY[node.name]
    if not low <= len(node.args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise context.error(
            f"'{node.name}()' takes {expected} arguments, got {len(node.args)}", node.offset
        )
    return handler(compiler, node, compiler.compile_all(node.args))


def _expect(
    compiler: ExpressionCompiler, node: ast.Call, value: Typed, index: int, *types: KqlType
) -> None:
    if value.type in types or value.type is KqlType.DYNAMIC:
        return
    names = " or ".join(t.value for t in types)
    raise compiler.context.error(
        f"argument {index + 1} of '{node.name}()' must be {names}, not {value.type.value}",
        node.args[index].offset,
    )


def _text(compiler: ExpressionCompiler, value: Typed) -> Typed:
    return compiler.convert(value, KqlType.STRING)


# -- strings ------------------------------------------------------------------------------------


@rule("tolower", arity=(1, 1))
def _tolower(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(exp.Lower(this=_text(c, args[0]).sql), KqlType.STRING)


@rule("toupper", arity=(1, 1))
def _toupper(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(exp.Upper(this=_text(c, args[0]).sql), KqlType.STRING)


@rule("strcat", arity=(1, 64))
def _strcat(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(strings.strcat(*(_text(c, a).sql for a in args)), KqlType.STRING)


@rule("strcat_delim", arity=(3, 65))
def _strcat_delim(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    delimiter, parts = _text(c, args[0]).sql, [_text(c, a).sql for a in args[1:]]
    pieces: list[exp.Expr] = []
    for i, part in enumerate(parts):
        if i:
            pieces.append(delimiter.copy())
        pieces.append(part)
    return Typed(strings.strcat(*pieces), KqlType.STRING)


@rule("strlen", arity=(1, 1))
def _strlen(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(cast(exp.Length(this=_text(c, args[0]).sql), KqlType.LONG), KqlType.LONG)


@rule("substring", arity=(2, 3))
def _substring(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    text = _text(c, args[0]).sql
    start = _from_end(args[1].sql, text)
    sub = exp.Substring(
        this=text,
        start=exp.Add(this=p(start), expression=exp.Literal.number(1)),
        length=args[2].sql if len(args) > 2 else None,
    )
    return Typed(coalesce_text(sub), KqlType.STRING)


def _from_end(index: exp.Expr, text: exp.Expr) -> exp.Expr:
    """A negative start index counts from the end of the text."""
    negative = exp.LT(this=p(index), expression=exp.Literal.number(0))
    from_end = exp.Add(this=exp.Length(this=text.copy()), expression=p(index.copy()))
    clamped = func("GREATEST", from_end, exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=negative, true=clamped)]).else_(index.copy())


@rule("trim", arity=(2, 2))
def _trim(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    regex = c._constant_text(args[0], node.args[0], "the pattern of 'trim()'")
    pattern = f"^(?:{regex})+|(?:{regex})+$"
    return Typed(_regex_replace(_text(c, args[1]).sql, pattern, ""), KqlType.STRING)


@rule("replace_string", arity=(3, 3))
def _replace_string(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    text, old, new = (_text(c, a).sql for a in args)
    return Typed(func("REPLACE", text, old, new), KqlType.STRING)


@rule("replace_regex", "replace", arity=(3, 3))
def _replace_regex(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    # replace_regex(source, regex, rewrite); the deprecated replace(regex, rewrite, source).
    if node.name == "replace":
        args = [args[2], args[0], args[1]]
    regex = c._constant_text(args[1], node, "the regex")
    rewrite = c._constant_text(args[2], node, "the rewrite")
    return Typed(_regex_replace(_text(c, args[0]).sql, regex, _rewrite(rewrite)), KqlType.STRING)


def _rewrite(text: str) -> str:
    """Kusto writes groups as \\1; RE2's replacement syntax is the same."""
    return text


def _regex_replace(text: exp.Expr, pattern: str, rewrite: str) -> exp.Expr:
    return exp.RegexpReplace(
        this=text,
        expression=exp.Literal.string(pattern),
        replacement=exp.Literal.string(rewrite),
        modifiers=exp.Literal.string("g"),
    )


@rule("extract", arity=(3, 4))
def _extract(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    regex = c._constant_text(args[0], node.args[0], "the regex of 'extract()'")
    if not args[1].is_constant or not isinstance(args[1].constant, int):
        raise c.context.error(
            "the group of 'extract()' must be a constant number", node.args[1].offset
        )
    if len(args) == 4:
        raise c.context.unsupported("extract() with a result type", node.args[3].offset)
    source = _text(c, args[2]).sql
    found = exp.RegexpExtract(
        this=source,
        expression=exp.Literal.string(regex),
        group=exp.Literal.number(args[1].constant),
    )
    return Typed(coalesce_text(found), KqlType.STRING)


@rule("indexof", arity=(2, 5))
def _indexof(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """indexof(source, lookup [, start [, length [, occurrence]]]): 0-based index or -1."""
    source, lookup = _text(c, args[0]).sql, _text(c, args[1]).sql
    start = _from_end(args[2].sql, source) if len(args) > 2 else exp.Literal.number(0)
    occurrence = 1
    if len(args) > 4:
        if not args[4].is_constant or not isinstance(args[4].constant, int) or args[4].constant < 1:
            raise c.context.unsupported(
                "indexof() with an occurrence that is not a positive constant", node.args[4].offset
            )
        occurrence = args[4].constant
    window: exp.Expr = exp.Substring(
        this=source, start=exp.Add(this=p(start), expression=exp.Literal.number(1))
    )
    if len(args) > 3:
        length = args[3].sql
        whole = exp.LT(this=p(length), expression=exp.Literal.number(0))
        window = exp.Case(ifs=[exp.If(this=whole, true=window)]).else_(
            exp.Substring(
                this=source.copy(),
                start=exp.Add(this=p(start.copy()), expression=exp.Literal.number(1)),
                length=length.copy(),
            )
        )
    # Position (1-based, in the window) of the n-th occurrence; 0 when there is none.
    position: exp.Expr = exp.StrPosition(this=window, substr=lookup)
    for _ in range(occurrence - 1):
        rest = exp.Substring(
            this=window.copy(), start=exp.Add(this=p(position), expression=exp.Literal.number(1))
        )
        following = exp.StrPosition(this=rest, substr=lookup.copy())
        found = exp.and_(
            exp.GT(this=p(position.copy()), expression=exp.Literal.number(0)),
            exp.GT(this=p(following), expression=exp.Literal.number(0)),
        )
        position = exp.Case(
            ifs=[
                exp.If(
                    this=found,
                    true=exp.Add(this=p(position.copy()), expression=p(following.copy())),
                )
            ]
        ).else_(exp.Literal.number(0))
    index = exp.Add(
        this=exp.Sub(this=p(position), expression=exp.Literal.number(1)), expression=p(start.copy())
    )
    result = exp.Case(
        ifs=[
            exp.If(
                this=exp.EQ(this=p(position.copy()), expression=exp.Literal.number(0)),
                true=exp.Literal.number(-1),
            )
        ]
    ).else_(index)
    return Typed(cast(result, KqlType.LONG), KqlType.LONG)


# -- logic and nulls ------------------------------------------------------------------------------


@rule("iff", "iif", arity=(3, 3))
def _iff(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    condition, then, otherwise = args
    _expect(c, node, condition, 0, KqlType.BOOL)
    result_type = _common_type(c, node, [then, otherwise], first_index=1)
    then, otherwise = (_coerce(c, v, result_type) for v in (then, otherwise))
    case = exp.Case(ifs=[exp.If(this=condition.sql, true=then.sql)]).else_(otherwise.sql)
    return Typed(case, result_type)


@rule("case", arity=(3, 255))
def _case(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    if len(args) % 2 == 0:
        raise c.context.error("'case()' takes condition/value pairs and an else value", node.offset)
    conditions, values = args[0:-1:2], [*args[1:-1:2], args[-1]]
    for i, condition in enumerate(conditions):
        _expect(c, node, condition, 2 * i, KqlType.BOOL)
    result_type = _common_type(c, node, values, first_index=1)
    values = [_coerce(c, v, result_type) for v in values]
    ifs = [exp.If(this=cond.sql, true=v.sql) for cond, v in zip(conditions, values, strict=False)]
    return Typed(exp.Case(ifs=ifs).else_(values[-1].sql), result_type)


@rule("coalesce", arity=(1, 64))
def _coalesce(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    result_type = _common_type(c, node, args)
    values = [_coerce(c, a, result_type) for a in args]
    if result_type is KqlType.STRING:
        # For strings the first non-empty value wins.
        ifs = [
            exp.If(this=exp.NEQ(this=v.sql, expression=exp.Literal.string("")), true=v.sql.copy())
            for v in values[:-1]
        ]
        return Typed(exp.Case(ifs=ifs).else_(values[-1].sql) if ifs else values[0].sql, result_type)
    return Typed(
        exp.Coalesce(this=values[0].sql, expressions=[v.sql for v in values[1:]]), result_type
    )


def _common_type(
    c: ExpressionCompiler, node: ast.Call, values: list[Typed], first_index: int = 0
) -> KqlType:
    known = [v for v in values if not (v.is_constant and v.constant is None)] or values
    result = known[0].type
    for v in known[1:]:
        if v.type is result:
            continue
        if v.type.is_numeric and result.is_numeric:
            result = (
                numeric_result(result, v.type) if KqlType.REAL in (result, v.type) else KqlType.LONG
            )
            continue
        index = values.index(v)
        raise c.context.error(
            f"the values of '{node.name}()' mix {result.value} and {v.type.value}",
            node.args[
                index * 2 + first_index if node.name == "case" else index + first_index
            ].offset,
        )
    return result


def _coerce(c: ExpressionCompiler, value: Typed, target: KqlType) -> Typed:
    if value.type is target:
        return value
    if value.is_constant and value.constant is None:
        return literal(None, target)
    return convert(value, target)


@rule("isempty", arity=(1, 1))
def _isempty(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    value = args[0]
    if value.type is KqlType.STRING:
        return Typed(exp.EQ(this=value.sql, expression=exp.Literal.string("")), KqlType.BOOL)
    text = _text(c, value).sql
    return Typed(exp.EQ(this=text, expression=exp.Literal.string("")), KqlType.BOOL)


@rule("isnotempty", "notempty", arity=(1, 1))
def _isnotempty(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    empty = _isempty(c, node, args)
    return Typed(exp.Not(this=exp.paren(empty.sql)), KqlType.BOOL)


@rule("isnull", arity=(1, 1))
def _isnull(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    if args[0].type is KqlType.STRING:
        return literal(False, KqlType.BOOL)  # a string is never null
    return Typed(exp.Is(this=p(args[0].sql), expression=exp.Null()), KqlType.BOOL)


@rule("isnotnull", "notnull", arity=(1, 1))
def _isnotnull(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    if args[0].type is KqlType.STRING:
        return literal(True, KqlType.BOOL)
    return Typed(
        exp.Not(this=exp.paren(exp.Is(this=p(args[0].sql), expression=exp.Null()))), KqlType.BOOL
    )


@rule("not", arity=(1, 1))
def _not(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _expect(c, node, args[0], 0, KqlType.BOOL)
    return Typed(exp.Not(this=exp.paren(args[0].sql)), KqlType.BOOL)


# -- conversions ----------------------------------------------------------------------------------

_CONVERSIONS = {
    "tostring": KqlType.STRING,
    "toint": KqlType.INT,
    "tolong": KqlType.LONG,
    "todouble": KqlType.REAL,
    "toreal": KqlType.REAL,
    "todecimal": KqlType.DECIMAL,
    "tobool": KqlType.BOOL,
    "toboolean": KqlType.BOOL,
    "todatetime": KqlType.DATETIME,
    "totimespan": KqlType.TIMESPAN,
    "toguid": KqlType.GUID,
}


def _conversion(target: KqlType) -> Rule:
    def compile_conversion(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        return c.convert(args[0], target)

    return compile_conversion


for _name, _target in _CONVERSIONS.items():
    rule(_name, arity=(1, 1))(_conversion(_target))


# -- time -----------------------------------------------------------------------------------------


@rule("now", arity=(0, 1))
def _now(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    now = Typed(datetime_literal(c.context.now), KqlType.DATETIME, c.context.now, True)
    if not args:
        return now
    _expect(c, node, args[0], 0, KqlType.TIMESPAN)
    return _shift(now, args[0], +1)


@rule("ago", arity=(1, 1))
def _ago(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _expect(c, node, args[0], 0, KqlType.TIMESPAN)
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
        _expect(c, node, size, 1, KqlType.TIMESPAN)
        us = exp.Add(
            this=exp.UnixMicros(this=value.sql), expression=exp.Literal.number(_EPOCH_OFFSET_US)
        )
        step = exp.IntDiv(this=exp.paren(size.sql), expression=exp.Literal.number(10))
        binned = exp.Sub(this=_floor_to(us, step), expression=exp.Literal.number(_EPOCH_OFFSET_US))
        return Typed(exp.UnixToTime(this=binned, scale=exp.UnixToTime.MICROS), KqlType.DATETIME)
    if value.type is KqlType.TIMESPAN:
        _expect(c, node, size, 1, KqlType.TIMESPAN)
        return Typed(_floor_to(value.sql, size.sql), KqlType.TIMESPAN)
    _expect(c, node, value, 0, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
    _expect(c, node, size, 1, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL)
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


def _truncate(unit: str) -> Rule:
    def compile_start_of(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        _expect(c, node, args[0], 0, KqlType.DATETIME)
        if len(args) > 1:
            raise c.context.unsupported(f"'{node.name}()' with an offset", node.args[1].offset)
        return Typed(exp.TimestampTrunc(this=args[0].sql, unit=exp.var(unit)), KqlType.DATETIME)

    return compile_start_of


rule("startofday", arity=(1, 2))(_truncate("DAY"))
rule("startofmonth", arity=(1, 2))(_truncate("MONTH"))
rule("startofyear", arity=(1, 2))(_truncate("YEAR"))


# -- numbers --------------------------------------------------------------------------------------


@rule("abs", arity=(1, 1))
def _abs(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _expect(c, node, args[0], 0, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.TIMESPAN)
    return Typed(exp.Abs(this=args[0].sql), args[0].type)
