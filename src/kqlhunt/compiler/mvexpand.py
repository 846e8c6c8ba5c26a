"""`mv-expand`: one row per element of a dynamic array (or per property of a bag).

Four SELECTs. The first computes each expanded value; the second reads its shape once per row
(its JSON type, an array's elements as a list, a bag's keys), so that no output row parses the
value again; the third repeats every row once per position (`UNNEST` / `EXPLODE` of a series,
so a row with nothing to expand disappears); the fourth picks the element at that position.
Several columns expand in parallel; the shorter ones give null past their end. A null value
gives one row holding null, and a value that is neither array nor bag gives one row holding
itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.dynamic import as_json, computed_key_path, json_type, null_if_json_null
from kqlhunt.compiler.relation import ROW_ORDER, Relation, aliased
from kqlhunt.compiler.result_names import default_name
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

_POSITION = "__kqlhunt_mv_position"
_LEGACY_LIMIT = 128  # `mvexpand` without `limit`
_ELEMENTS = exp.DataType.build("JSON[]", dialect="duckdb")


@dataclass(frozen=True)
class _Expanded:
    """One expanded column and the hidden columns that hold its value's shape."""

    name: str
    to_type: KqlType | None
    index: int

    def hidden(self, part: str) -> exp.Column:
        return exp.column(f"__kqlhunt_mv{self.index}_{part}", quoted=True)

    @property
    def value(self) -> exp.Column:
        return self.hidden("value")

    def is_(self, json_kind: str) -> exp.Expr:
        return exp.EQ(this=self.hidden("type"), expression=exp.Literal.string(json_kind))


def _shape(item: _Expanded) -> list[exp.Expr]:
    """The value's JSON type, an array's elements and a bag's keys, each read once per row."""
    elements = exp.Case(
        ifs=[exp.If(this=item.is_("ARRAY"), true=exp.Cast(this=item.value, to=_ELEMENTS.copy()))]
    )
    keys = exp.Case(ifs=[exp.If(this=item.is_("OBJECT"), true=exp.JSONKeys(this=item.value))])
    return [
        aliased(elements, item.hidden("elements").name),
        aliased(keys, item.hidden("keys").name),
    ]


def _count(item: _Expanded) -> exp.Expr:
    """How many rows a value expands to."""
    case = exp.Case(
        ifs=[
            exp.If(this=exp.Is(this=item.value, expression=exp.Null()), true=exp.Literal.number(1)),
            exp.If(this=item.is_("ARRAY"), true=exp.ArraySize(this=item.hidden("elements"))),
            exp.If(this=item.is_("OBJECT"), true=exp.ArraySize(this=item.hidden("keys"))),
        ]
    ).else_(exp.Literal.number(1))
    return cast(case, KqlType.LONG)


def _element(item: _Expanded, position: exp.Expr, kind: str) -> exp.Expr:
    """The element at `position`: an array's element, or a bag's property as a one-entry bag
    (`kind=bag`) or a `[key, value]` array (`kind=array`)."""
    one_based = exp.Add(this=position.copy(), expression=exp.Literal.number(1))
    key = func("LIST_EXTRACT", item.hidden("keys"), one_based.copy())
    key = exp.Coalesce(this=key, expressions=[exp.Literal.string("")])  # CASE reads every arm
    entry_value = func("JSON_EXTRACT", item.value, computed_key_path(key.copy()))
    if kind == "bag":
        entry = func("JSON_OBJECT", key, entry_value)
    else:
        entry = func("JSON_ARRAY", key, entry_value)
    first = exp.EQ(this=position.copy(), expression=exp.Literal.number(0))
    within_keys = exp.LT(this=position.copy(), expression=exp.ArraySize(this=item.hidden("keys")))
    return exp.Case(
        ifs=[
            exp.If(
                this=item.is_("ARRAY"),
                true=null_if_json_null(func("LIST_EXTRACT", item.hidden("elements"), one_based)),
            ),
            exp.If(
                this=exp.and_(item.is_("OBJECT"), within_keys), true=cast(entry, KqlType.DYNAMIC)
            ),
            exp.If(this=first, true=item.value),
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

    expanded: list[_Expanded] = []
    hidden_values: list[exp.Expr] = []
    for item in node.items:
        value = compiler.compile(item.expr)
        if value.type is not KqlType.DYNAMIC:
            raise context.error(
                f"mv-expand needs a dynamic value, not {value.type.value}", item.expr.offset
            )
        name = item.name or default_name(item.expr, set(relation.columns), relation.columns)
        if any(name == e.name for e in expanded):
            raise context.error(f"mv-expand: the column '{name}' is expanded twice", item.offset)
        expanded.append(_Expanded(name, item.to_type, len(expanded)))
        hidden_values.append(aliased(as_json(value.sql), expanded[-1].value.name))
    if node.item_index and (
        node.item_index in relation.columns or any(node.item_index == e.name for e in expanded)
    ):
        raise context.error(
            f"mv-expand: with_itemindex names an existing column '{node.item_index}'", node.offset
        )

    columns = dict(relation.columns)
    values = tc.wrap(relation, [exp.Star(), *hidden_values], columns)
    types = [aliased(json_type(e.value), e.hidden("type").name) for e in expanded]
    typed = tc.wrap(values, [exp.Star(), *types], columns)
    shaped = tc.wrap(typed, [exp.Star(), *(s for e in expanded for s in _shape(e))], columns)

    counts = [_count(e) for e in expanded]
    count = counts[0] if len(counts) == 1 else func("GREATEST", *counts)
    if limit is not None:
        count = func("LEAST", count, exp.Literal.number(limit))
    position_sql = aliased(exp.Explode(this=_positions(count)), _POSITION)
    repeated = tc.wrap(shaped, [exp.Star(), position_sql], columns)

    position = exp.column(_POSITION, quoted=True)
    outputs: dict[str, Typed] = {}
    for e in expanded:
        element = Typed(_element(e, position, node.kind), KqlType.DYNAMIC)
        outputs[e.name] = convert(element, e.to_type) if e.to_type else element

    projections: list[exp.Expr] = []
    columns = {}
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
