"""Scalar functions: one registry from KQL name to a compile rule.

A rule receives the compiler, the call node and its compiled arguments, and returns typed SQL.
Names not in the registry are rejected with an error naming the function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.arithmetic import numeric_result
from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.expressions import literal
from kqlhunt.compiler.kusto_names import KUSTO_AGGREGATES, KUSTO_FUNCTIONS
from kqlhunt.compiler.sqltypes import Typed, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

Rule = Callable[["ExpressionCompiler", ast.Call, list[Typed]], Typed]

FUNCTIONS: dict[str, Rule] = {}
ARITY: dict[str, tuple[int, int]] = {}

UNBOUNDED = 1 << 31
"""The upper arity of a function that takes any number of arguments."""

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
        "stdevif",
        "stdevp",
        "variance",
        "varianceif",
        "variancep",
        "percentile",
        "percentiles",
        "percentiles_array",
        "percentilew",
        "percentilesw",
        "make_bag",
        "make_bag_if",
        "make_list_with_nulls",
        "count_distinct",
        "count_distinctif",
        "take_anyif",
        "anyif",
        "argmax",
        "argmin",
        "hll",
        "hll_merge",
        "tdigest",
        "tdigest_merge",
        "buildschema",
        "binary_all_and",
        "binary_all_or",
        "binary_all_xor",
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
        if node.name not in KUSTO_FUNCTIONS and node.name not in KUSTO_AGGREGATES:
            raise context.error(
                f"unknown function '{node.name}()': neither a Kusto function nor one the query "
                "defines",
                node.offset,
            )
        raise context.unsupported(f"the function '{node.name}()'", node.offset)
    if node.named_args:
        raise context.unsupported(f"named arguments to '{node.name}()'", node.offset)
    low, high = ARITY[node.name]
    if not low <= len(node.args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        if high == UNBOUNDED:
            expected = f"at least {low}"
        raise context.error(
            f"'{node.name}()' takes {expected} arguments, got {len(node.args)}", node.offset
        )
    return handler(compiler, node, compiler.compile_all(node.args))


def expect(
    compiler: ExpressionCompiler, node: ast.Call, value: Typed, index: int, *types: KqlType
) -> None:
    """Reject an argument whose type is not one of `types` (dynamic is converted later)."""
    if value.type in types or value.type is KqlType.DYNAMIC:
        return
    names = " or ".join(t.value for t in types)
    raise compiler.context.error(
        f"argument {index + 1} of '{node.name}()' must be {names}, not {value.type.value}",
        node.args[index].offset,
    )


def text(compiler: ExpressionCompiler, value: Typed) -> Typed:
    """An argument as a string, as Kusto converts the arguments of its string functions."""
    return compiler.convert(value, KqlType.STRING)


def constant_int(compiler: ExpressionCompiler, node: ast.Call, index: int, what: str) -> int:
    """A whole-number argument that must be known when the query compiles."""
    value = compiler.compile(node.args[index])
    if not value.is_constant or not isinstance(value.constant, int):
        raise compiler.context.unsupported(
            f"'{node.name}()' with {what} that is not a constant number", node.args[index].offset
        )
    return value.constant


def constant_word(compiler: ExpressionCompiler, node: ast.Call, value: Typed, index: int) -> str:
    """A string argument that must be known when the query compiles (a unit, a format)."""
    what = f"argument {index + 1} of '{node.name}()'"
    return compiler._constant_text(value, node.args[index], what)


_expect, _text = expect, text  # the names the older rules use


# -- logic and nulls ------------------------------------------------------------------------------


@rule("iff", "iif", arity=(3, 3))
def _iff(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    condition, then, otherwise = args
    _expect(c, node, condition, 0, KqlType.BOOL)
    result_type = common_type(c, node, [then, otherwise], first_index=1)
    then, otherwise = (coerce(c, v, result_type) for v in (then, otherwise))
    case = exp.Case(ifs=[exp.If(this=condition.sql, true=then.sql)]).else_(otherwise.sql)
    return Typed(case, result_type)


@rule("case", arity=(3, 255))
def _case(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    if len(args) % 2 == 0:
        raise c.context.error("'case()' takes condition/value pairs and an else value", node.offset)
    conditions, values = args[0:-1:2], [*args[1:-1:2], args[-1]]
    for i, condition in enumerate(conditions):
        _expect(c, node, condition, 2 * i, KqlType.BOOL)
    result_type = common_type(c, node, values, first_index=1)
    values = [coerce(c, v, result_type) for v in values]
    ifs = [exp.If(this=cond.sql, true=v.sql) for cond, v in zip(conditions, values, strict=False)]
    return Typed(exp.Case(ifs=ifs).else_(values[-1].sql), result_type)


@rule("coalesce", arity=(1, 64))
def _coalesce(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    result_type = common_type(c, node, args)
    values = [coerce(c, a, result_type) for a in args]
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


def common_type(
    c: ExpressionCompiler, node: ast.Call, values: list[Typed], first_index: int = 0
) -> KqlType:
    known = [v for v in values if not (v.is_constant and v.constant is None)] or values
    result = known[0].type
    for v in known[1:]:
        if v.type is result:
            continue
        if v.type.is_numeric and result.is_numeric:
            result = numeric_result(result, v.type)
            continue
        index = values.index(v)
        if node.name == "case":  # (predicate, value) pairs, then the value otherwise
            index = min(index * 2 + first_index, len(node.args) - 1)
        else:
            index += first_index
        raise c.context.error(
            f"the values of '{node.name}()' mix {result.value} and {v.type.value}",
            node.args[index].offset,
        )
    return result


def coerce(c: ExpressionCompiler, value: Typed, target: KqlType) -> Typed:
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


@rule("column_ifexists", "columnifexists", arity=(2, 2))
def _column_ifexists(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Decided when the query compiles: the column if the input has it, else the default."""
    name = c._constant_text(args[0], node.args[0], "the column name of 'column_ifexists()'")
    if c.scope.row_context and name in c.scope.columns:
        return Typed(exp.column(name, quoted=True), c.scope.columns[name])
    if name in c.scope.bindings:
        return c.scope.bindings[name]
    return args[1]


@rule("gettype", arity=(1, 1))
def _gettype(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    value = args[0]
    if value.type is KqlType.DYNAMIC:
        raise c.context.unsupported("gettype() of a dynamic value", node.offset)
    if value.is_constant and value.constant is None:
        return literal("null", KqlType.STRING)
    names = {KqlType.REAL: "real", KqlType.DECIMAL: "decimal", KqlType.BOOL: "bool"}
    return literal(names.get(value.type, value.type.value), KqlType.STRING)


def _nondeterministic(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    raise c.context.unsupported(
        f"the function '{node.name}()'",
        node.offset,
        "its value changes on every call, so a rule using it has no single right answer",
    )


rule("new_guid", arity=(0, 2))(_nondeterministic)


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


# Each family module registers its rules when imported.
from kqlhunt.compiler import (  # noqa: E402
    functions_format,
    functions_ipv4,
    functions_numbers,
    functions_strings,
    functions_time,
)

__all__ = [
    "AGGREGATE_NAMES",
    "ARITY",
    "FUNCTIONS",
    "coerce",
    "common_type",
    "compile_call",
    "constant_int",
    "constant_word",
    "expect",
    "functions_format",
    "functions_ipv4",
    "functions_numbers",
    "functions_strings",
    "functions_time",
    "rule",
    "text",
]
