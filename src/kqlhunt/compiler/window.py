"""Row order as data: `serialize`, `range`, and the window functions `row_number()`, `prev()`
and `next()` over it.

A serialized relation carries the hidden row-order column (see `relation.ROW_ORDER`); the
window functions order by it. Kusto refuses them on input that has no row order, and so do we.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.relation import ROW_ORDER, Relation, aliased
from kqlhunt.compiler.scope import Scope
from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text, number
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler
    from kqlhunt.compiler.tabular import TabularCompiler

WINDOW_FUNCTIONS = ("row_number", "prev", "next")
_KEEP = "__kqlhunt_keep"
_INDEX = "__kqlhunt_index"


def _over_row_order(function: exp.Expr) -> exp.Window:
    order = exp.Order(expressions=[exp.Ordered(this=exp.column(ROW_ORDER, quoted=True))])
    return exp.Window(this=function, order=order)


def serialize(tc: TabularCompiler, relation: Relation, node: ast.Serialize) -> Relation:
    """`serialize [name = expr, ...]`: the current order becomes the row order."""
    if not relation.ordered:
        # No order to keep: number the rows as they come (Kusto picks an arbitrary order too).
        number_rows = exp.Window(this=exp.RowNumber())
        relation = tc.wrap(
            relation,
            [*tc.identity(relation), aliased(number_rows, ROW_ORDER)],
            dict(relation.columns),
        )
        relation.ordered = True
    if not node.items:
        return relation
    return tc.visit_Extend(relation, ast.Extend(node.items, offset=node.offset))


def window_function(compiler: ExpressionCompiler, node: ast.Call) -> Typed:
    context = compiler.context
    if not compiler.scope.serialized:
        raise context.error(
            f"'{node.name}()' needs rows in order: put 'serialize', 'sort' or 'top' before it",
            node.offset,
        )
    if node.named_args:
        raise context.error(f"'{node.name}()' takes no named arguments", node.offset)
    if node.name == "row_number":
        return _row_number(compiler, node)
    return _neighbour(compiler, node)


def _constant_int(compiler: ExpressionCompiler, node: ast.Expr, what: str) -> int:
    value = compiler.compile(node)
    if not value.is_constant or not isinstance(value.constant, int) or value.constant < 0:
        raise compiler.context.error(f"{what} must be a constant whole number", node.offset)
    return value.constant


def _row_number(compiler: ExpressionCompiler, node: ast.Call) -> Typed:
    if len(node.args) > 1:
        raise compiler.context.unsupported("row_number() with a restart condition", node.offset)
    start = 1
    if node.args:
        value = compiler.compile(node.args[0])
        if not value.is_constant or not isinstance(value.constant, int):
            raise compiler.context.error(
                "the start of row_number() must be a constant whole number", node.offset
            )
        start = value.constant
    sql: exp.Expr = _over_row_order(exp.RowNumber())
    if start != 1:
        sql = exp.Add(this=sql, expression=number(start - 1))
    return Typed(cast(sql, KqlType.LONG), KqlType.LONG)


def _neighbour(compiler: ExpressionCompiler, node: ast.Call) -> Typed:
    """`prev(x[, offset[, default]])` and `next(...)`: a value of an earlier or later row."""
    if not 1 <= len(node.args) <= 3:
        raise compiler.context.error(f"'{node.name}()' takes 1 to 3 arguments", node.offset)
    value = compiler.compile(node.args[0])
    offset = _constant_int(compiler, node.args[1], "the offset") if len(node.args) > 1 else 1
    shift: type[exp.Lag] | type[exp.Lead] = exp.Lag if node.name == "prev" else exp.Lead
    arguments: dict[str, exp.Expr] = {"this": value.sql, "offset": exp.Literal.number(offset)}
    if len(node.args) == 3:
        default = compiler.compile(node.args[2])
        if default.type is not value.type and not (
            default.type.is_numeric and value.type.is_numeric
        ):
            raise compiler.context.error(
                f"the default of '{node.name}()' must be {value.type.value}", node.args[2].offset
            )
        arguments["default"] = cast(default.sql, value.type)
    sql: exp.Expr = _over_row_order(shift(**arguments))
    if value.type is KqlType.STRING:
        sql = coalesce_text(sql)
    return Typed(sql, value.type)


def has_window(sql: exp.Expr) -> bool:
    return sql.find(exp.Window) is not None


def filter_on_window(tc: TabularCompiler, relation: Relation, predicate: exp.Expr) -> Relation:
    """A `where` whose predicate reads other rows: SQL computes windows before filtering."""
    marked = tc.wrap(relation, [exp.Star(), aliased(predicate, _KEEP)], dict(relation.columns))
    keep = exp.column(_KEEP, quoted=True)
    return tc.wrap(marked, tc.identity(marked), dict(relation.columns), where=keep)


def range_source(tc: TabularCompiler, node: ast.Range) -> Relation:
    """`range x from a to b step s`: a, a+s, ... while not past b; in that order."""
    from kqlhunt.compiler.expressions import (
        ExpressionCompiler,
        epoch_us,
        from_epoch_us,
        ticks_to_us,
    )

    context = tc.context
    compiler = ExpressionCompiler(Scope(context, {}, row_context=False))
    start, stop, step = (compiler.compile(n) for n in (node.start, node.stop, node.step))
    if step.is_constant and step.constant == 0:
        raise context.error("the step of 'range' cannot be zero", node.step.offset)

    kql_type: KqlType
    if start.type is KqlType.DATETIME:
        if stop.type is not KqlType.DATETIME or step.type is not KqlType.TIMESPAN:
            raise context.error(
                "a datetime range needs a datetime end and a timespan step", node.offset
            )
        kql_type = KqlType.DATETIME
        low, high, by = epoch_us(start.sql), epoch_us(stop.sql), ticks_to_us(step.sql)
    elif start.type is KqlType.TIMESPAN:
        if stop.type is not KqlType.TIMESPAN or step.type is not KqlType.TIMESPAN:
            raise context.error("a timespan range needs a timespan end and step", node.offset)
        kql_type, low, high, by = KqlType.TIMESPAN, start.sql, stop.sql, step.sql
    elif all(v.type.is_numeric for v in (start, stop, step)):
        real = any(v.type in (KqlType.REAL, KqlType.DECIMAL) for v in (start, stop, step))
        kql_type = KqlType.REAL if real else KqlType.LONG
        low, high, by = (cast(v.sql, kql_type) for v in (start, stop, step))
    else:
        raise context.error(
            f"range from {start.type.value} to {stop.type.value} step {step.type.value} "
            "is not a range of numbers, datetimes or timespans",
            node.offset,
        )

    # Steps to take: floor((b - a) / s); none when negative (the end is behind the start).
    span = exp.Div(
        this=exp.paren(exp.Sub(this=exp.paren(high), expression=exp.paren(low))),
        expression=cast(by, KqlType.REAL),
    )
    count = cast(exp.Floor(this=span), KqlType.LONG)
    series = exp.GenerateSeries(
        start=exp.Literal.number(0),
        end=exp.Greatest(this=count, expressions=[exp.Literal.number(0)]),
    )
    index = exp.column(_INDEX, quoted=True)
    steps = exp.select(aliased(exp.Explode(this=series), _INDEX)).subquery(
        context.fresh_alias(), copy=False
    )
    value: exp.Expr = exp.Add(
        this=exp.paren(low.copy()), expression=exp.Mul(this=index.copy(), expression=by.copy())
    )
    if kql_type is KqlType.DATETIME:
        value = from_epoch_us(value)
    select = (
        exp.select(aliased(value, node.column), aliased(index, ROW_ORDER))
        .from_(steps, copy=False)
        .where(exp.LTE(this=index, expression=count.copy()), copy=False)
    )
    return Relation(select, {node.column: kql_type}, ordered=True)
