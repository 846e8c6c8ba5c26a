"""Aggregations over dynamic values: `make_bag`, and `make_set` / `make_list` of dynamic values.

`make_bag` merges the property bags of a group (other values are ignored; a key found in
several bags keeps one of its values; no bag gives `{}`). `make_list` of dynamic values keeps
each value as one element; `make_set` adds the elements of arrays and keeps the first of equal
values. The scalar forms of `make_set` and `make_list` stay with their own rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.aggregates import AGGREGATES, AggregateColumn, AggregateRule, aggregate
from kqlhunt.compiler.dynamic import as_json, is_array, is_bag
from kqlhunt.compiler.dynamic_functions import array_value, distinct_in_order, elements, lambda_
from kqlhunt.compiler.result_names import result_name
from kqlhunt.compiler.sqltypes import Typed, cast, func
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler


def _filtered(sql: exp.Expr, predicate: exp.Expr) -> exp.Expr:
    return exp.Filter(this=sql, expression=exp.Where(this=predicate))


def _dynamic_value(c: ExpressionCompiler, node: ast.Call, low: int, high: int) -> list[Typed]:
    if not low <= len(node.args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise c.context.error(
            f"'{node.name}()' takes {expected} arguments, got {len(node.args)}", node.offset
        )
    return [c.compile(a) for a in node.args]


@aggregate("make_bag", "make_bag_if")
def _make_bag(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    conditional = name == "make_bag_if"
    args = _dynamic_value(c, node, 2 if conditional else 1, 3 if conditional else 2)
    value = args[0]
    if value.type is not KqlType.DYNAMIC:
        raise c.context.error(
            f"'{node.name}()' needs a dynamic value, not {value.type.value}", node.args[0].offset
        )
    present: exp.Expr = is_bag(as_json(value.sql))
    if conditional:
        if args[1].type is not KqlType.BOOL:
            raise c.context.error(
                f"the predicate of '{node.name}()' must be bool", node.args[1].offset
            )
        present = exp.and_(present, exp.paren(args[1].sql))
    bags = _filtered(exp.ArrayAgg(this=as_json(value.sql)), present)
    empty = cast(exp.Literal.string("{}"), KqlType.DYNAMIC)
    # Starting from {} keeps the reduction defined for a group without bags.
    start = func("LIST_PREPEND", empty, exp.Coalesce(this=bags, expressions=[exp.Array()]))
    merge = lambda_(func("JSON_MERGE_PATCH", exp.column("a"), exp.column("b")), "a", "b")
    merged = cast(func("LIST_REDUCE", start, merge), KqlType.DYNAMIC)
    return AggregateColumn(f"bag_{result_name(node.args[0]) or ''}", Typed(merged, KqlType.DYNAMIC))


def _collect_dynamic(distinct: bool, scalar_rule: AggregateRule) -> AggregateRule:
    def compile_collect(
        c: ExpressionCompiler, node: ast.Call, name: str
    ) -> AggregateColumn | list[AggregateColumn]:
        if not node.args or c.compile(node.args[0]).type is not KqlType.DYNAMIC:
            return scalar_rule(c, node, name)
        args = _dynamic_value(c, node, 1, 2)
        value = as_json(args[0].sql)
        present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
        if distinct:
            # Arrays give their elements; other values count as themselves.
            each = exp.Case(ifs=[exp.If(this=is_array(value.copy()), true=elements(value))])
            each = each.else_(exp.Array(expressions=[value.copy()]))
            gathered: exp.Expr = _filtered(exp.ArrayAgg(this=each), present)
            gathered = func("FLATTEN", exp.Coalesce(this=gathered, expressions=[exp.Array()]))
            gathered = distinct_in_order(gathered)
        else:
            gathered = _filtered(exp.ArrayAgg(this=value.copy()), present)
            gathered = exp.Coalesce(this=gathered, expressions=[exp.Array()])
        limit = 128 if name in ("makeset", "makelist") else None
        if len(args) > 1:
            if not args[1].is_constant or not isinstance(args[1].constant, int):
                raise c.context.error("the size limit must be a constant", node.args[1].offset)
            limit = args[1].constant
        if limit is not None:
            gathered = func(
                "LIST_SLICE", gathered, exp.Literal.number(1), exp.Literal.number(limit)
            )
        prefix = "set" if distinct else "list"
        return AggregateColumn(
            f"{prefix}_{result_name(node.args[0]) or ''}",
            Typed(array_value(gathered), KqlType.DYNAMIC),
        )

    return compile_collect


for _name in ("make_set", "makeset"):
    aggregate(_name)(_collect_dynamic(True, AGGREGATES[_name]))
for _name in ("make_list", "makelist"):
    aggregate(_name)(_collect_dynamic(False, AGGREGATES[_name]))
