"""`mv-expand`: one row per element of a dynamic array (or per property of a bag).

Three SELECTs: the first computes each expanded value, the second repeats every row once per
position (`UNNEST` / `EXPLODE` of a series, so a row with nothing to expand disappears), the
third reads the element at that position from each value. Several columns expand in parallel;
the shorter ones give null past their end. A null value gives one row holding null, and a
value that is neither array nor bag gives one row holding itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.dynamic import (
    as_json,
    computed_index_path,
    computed_key_path,
    extract,
    is_array,
    is_bag,
)
from kqlhunt.compiler.relation import ROW_ORDER, Relation, aliased
from kqlhunt.compiler.result_names import default_name
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

_POSITION = "__kqlhunt_mv_position"
_LEGACY_LIMIT = 128  # `mvexpand` without `limit`


def _count(value: exp.Expr) -> exp.Expr:
    """How many rows a value expands to."""
    case = exp.Case(
        ifs=[
            exp.If(this=exp.Is(this=p(value), expression=exp.Null()), true=exp.Literal.number(1)),
            exp.If(this=is_array(value.copy()), true=func("JSON_ARRAY_LENGTH", value.copy())),
            exp.If(
                this=is_bag(value.copy()),
                true=exp.ArraySize(this=exp.JSONKeys(this=value.copy())),
            ),
        ]
    ).else_(exp.Literal.number(1))
    return cast(case, KqlType.LONG)


def _element(value: exp.Expr, position: exp.Expr, kind: str) -> exp.Expr:
    """The element at `position`: an array's element, or a bag's property as a one-entry bag
    (`kind=bag`) or a `[key, value]` array (`kind=array`)."""
    key = func(
        "LIST_EXTRACT",
        exp.JSONKeys(this=value.copy()),
        exp.Add(this=position.copy(), expression=exp.Literal.number(1)),
    )
    key = exp.Coalesce(this=key, expressions=[exp.Literal.string("")])  # CASE reads every arm
    entry_value = func("JSON_EXTRACT", value.copy(), computed_key_path(key.copy()))
    if kind == "bag":
        entry = func("JSON_OBJECT", key, entry_value)
    else:
        entry = func("JSON_ARRAY", key, entry_value)
    first = exp.EQ(this=position.copy(), expression=exp.Literal.number(0))
    return exp.Case(
        ifs=[
            exp.If(
                this=is_array(value.copy()),
                true=extract(value.copy(), computed_index_path(position.copy())),
            ),
            exp.If(
                this=exp.and_(
                    is_bag(value.copy()),
                    exp.LT(
                        this=position.copy(),
                        expression=exp.ArraySize(this=exp.JSONKeys(this=value.copy())),
                    ),
                ),
                true=cast(entry, KqlType.DYNAMIC),
            ),
            exp.If(this=first, true=value.copy()),
        ]
    )


def _positions(count: exp.Expr) -> exp.Expr:
    """0 .. count-1 as a list (empty when count is 0)."""
    series = exp.GenerateSeries(
        start=exp.Literal.number(0), end=exp.Sub(this=p(count), expression=exp.Literal.number(1))
    )
    positive = exp.GT(this=p(count.copy()), expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=positive, true=series)]).else_(exp.Array(expressions=[]))


def mv_expand(tc: TabularCompiler, relation: Relation, node: ast.MvExpand) -> Relation:
    context = tc.context
    compiler = tc.scalar(relation)

    limit = _LEGACY_LIMIT if node.legacy else None
    if node.limit is not None:
        limit = tc._row_count(relation, node.limit)

    expanded: list[tuple[str, str, KqlType | None]] = []  # (name, hidden column, cast)
    hidden_values: list[exp.Expr] = []
    for item in node.items:
        value = compiler.compile(item.expr)
        if value.type is not KqlType.DYNAMIC:
            raise context.error(
                f"mv-expand needs a dynamic value, not {value.type.value}", item.expr.offset
            )
        name = item.name or default_name(item.expr, set(relation.columns), relation.columns)
        if any(name == n for n, _, _ in expanded):
            raise context.error(f"mv-expand: the column '{name}' is expanded twice", item.offset)
        hidden = f"__kqlhunt_mv{len(expanded)}"
        expanded.append((name, hidden, item.to_type))
        hidden_values.append(aliased(as_json(value.sql), hidden))
    if node.item_index and (
        node.item_index in relation.columns or any(node.item_index == n for n, _, _ in expanded)
    ):
        raise context.error(
            f"mv-expand: with_itemindex names an existing column '{node.item_index}'", node.offset
        )

    values = tc.wrap(relation, [exp.Star(), *hidden_values], dict(relation.columns))

    counts = [_count(exp.column(hidden, quoted=True)) for _, hidden, _ in expanded]
    count = counts[0] if len(counts) == 1 else func("GREATEST", *counts)
    if limit is not None:
        count = func("LEAST", count, exp.Literal.number(limit))
    position_sql = aliased(exp.Explode(this=_positions(count)), _POSITION)
    repeated = tc.wrap(values, [exp.Star(), position_sql], dict(relation.columns))

    position = exp.column(_POSITION, quoted=True)
    outputs: dict[str, Typed] = {}
    for name, hidden, to_type in expanded:
        element = Typed(
            _element(exp.column(hidden, quoted=True), position, node.kind), KqlType.DYNAMIC
        )
        outputs[name] = convert(element, to_type) if to_type else element

    projections: list[exp.Expr] = []
    columns: dict[str, KqlType] = {}
    for name, kql_type in relation.columns.items():
        if name in outputs:
            projections.append(aliased(outputs[name].sql, name))
            columns[name] = outputs[name].type
        else:
            projections.append(relation.column_sql(name))
            columns[name] = kql_type
    for name, value in outputs.items():
        if name not in columns:
            projections.append(aliased(value.sql, name))
            columns[name] = value.type
    if node.item_index:
        projections.append(aliased(cast(position.copy(), KqlType.LONG), node.item_index))
        columns[node.item_index] = KqlType.LONG
    if relation.ordered:
        order = exp.Order(
            expressions=[
                exp.Ordered(this=exp.column(ROW_ORDER, quoted=True)),
                exp.Ordered(this=position.copy()),
            ]
        )
        row_number = exp.Window(this=exp.RowNumber(), order=order)
        projections.append(aliased(row_number, ROW_ORDER))
    source = repeated.select.subquery(context.fresh_alias(), copy=False)
    select = exp.select(*projections).from_(source, copy=False)
    return Relation(select, columns, relation.ordered)


def mv_apply(tc: TabularCompiler, relation: Relation, node: ast.MvApply) -> Relation:
    raise tc.context.unsupported(
        "the 'mv-apply' operator", node.offset, "expand with mv-expand and summarize by the row"
    )
