"""The `summarize` operator: group keys, then one column per aggregate, named as Kusto does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.aggregates import AGGREGATES, ArgExtreme, arg_extreme
from kqlhunt.compiler.join import suffixed
from kqlhunt.compiler.kusto_names import KUSTO_AGGREGATES, KUSTO_FUNCTIONS
from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.result_names import ListNames
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

_ARG_EXTREMES = frozenset({"arg_max", "arg_min", "argmax", "argmin"})


def summarize(tc: TabularCompiler, relation: Relation, node: ast.Summarize) -> Relation:
    context = tc.context
    compiler = tc.scalar(relation)

    keys: list[tuple[str, Typed]] = []
    columns: dict[str, KqlType] = {}
    names = ListNames(relation.columns)
    for item in node.by:
        value = compiler.compile(item.expr)
        if value.type is KqlType.DYNAMIC:
            raise context.unsupported("grouping by a dynamic value", item.offset)
        name, repeated = names.name(item.expr, item.name)
        if repeated:
            raise context.error(f"summarize: the group key '{name}' appears twice", item.offset)
        keys.append((name, value))
        columns[name] = value.type

    inner: list[exp.Expr] = [aliased(value.sql, name) for name, value in keys]
    outer: list[exp.Expr] = [exp.column(name, quoted=True) for name, _ in keys]
    for item in node.aggregates:
        call = item.expr
        if not isinstance(call, ast.Call) or (
            call.name not in AGGREGATES and call.name not in _ARG_EXTREMES
        ):
            if isinstance(call, ast.Call) and call.name in KUSTO_AGGREGATES:
                raise context.unsupported(f"the aggregation '{call.name}()'", call.offset)
            if isinstance(call, ast.Call) and call.name not in KUSTO_FUNCTIONS:
                raise context.error(f"unknown aggregation '{call.name}()'", call.offset)
            if not _holds_aggregation(item.expr):
                raise context.error(
                    "summarize needs an aggregation here, such as count() or max(x)",
                    item.expr.offset,
                )
            raise context.unsupported(
                "expressions around aggregations in summarize", item.expr.offset
            )
        if call.name in _ARG_EXTREMES:
            extreme = arg_extreme(compiler, call)
            _add_arg_extreme(tc, relation, extreme, item, keys, inner, outer, columns)
            continue
        result = AGGREGATES[call.name](compiler, call, call.name)
        several = result if isinstance(result, list) else [result]
        if item.name and len(several) > 1:
            raise context.unsupported(f"one name for the columns of '{call.name}()'", item.offset)
        for column in several:
            name = item.name or suffixed(column.default_name, columns)
            if name in columns:
                raise context.error(f"summarize: the column '{name}' appears twice", item.offset)
            inner.append(aliased(column.value.sql, name))
            outer.append(exp.column(name, quoted=True))
            columns[name] = column.value.type

    source = relation.select.subquery(context.fresh_alias(), copy=False)
    grouped = exp.select(*inner).from_(source, copy=False)
    if keys:
        grouped = grouped.group_by(*(value.sql.copy() for _, value in keys), copy=False)
    select = exp.select(*outer).from_(
        grouped.subquery(context.fresh_alias(), copy=False), copy=False
    )
    return Relation(select, columns)


def _holds_aggregation(expr: ast.Expr) -> bool:
    """Whether an expression calls an aggregation anywhere inside it."""
    return any(
        isinstance(node, ast.Call) and (node.name in KUSTO_AGGREGATES or node.name in AGGREGATES)
        for node in ast.walk(expr, into_tables=False)
    )


def _add_arg_extreme(
    tc: TabularCompiler,
    relation: Relation,
    extreme: ArgExtreme,
    item: ast.Assignment,
    keys: list[tuple[str, Typed]],
    inner: list[exp.Expr],
    outer: list[exp.Expr],
    columns: dict[str, KqlType],
) -> None:
    """Take every returned column from one row: pack them in a struct, pick the struct at the
    extreme; a group whose values are all null still gives its first row."""
    key_names = {name for name, _ in keys}
    picked: list[tuple[str, Typed]] = [(item.name or extreme.by_name, extreme.by)]
    if extreme.columns is None:
        for name, kql_type in relation.columns.items():
            if name not in key_names and name != picked[0][0]:
                picked.append((name, Typed(relation.column_sql(name), kql_type)))
    else:
        picked += [(n, v) for n, v in extreme.columns if n != picked[0][0]]

    fields = [f"f{i}" for i in range(len(picked))]
    struct = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier(f), expression=value.sql)
            for f, (_, value) in zip(fields, picked, strict=True)
        ]
    )
    chooser = exp.ArgMax if extreme.maximize else exp.ArgMin
    chosen = exp.Coalesce(
        this=chooser(this=struct, expression=extreme.by.sql),
        expressions=[exp.AnyValue(this=struct.copy())],
    )
    alias = tc.context.fresh_alias()
    inner.append(aliased(chosen, alias))
    for field_name, (name, value) in zip(fields, picked, strict=True):
        output = name if name not in columns else suffixed(name, columns)
        access = exp.Dot(
            this=exp.column(alias, quoted=True), expression=exp.to_identifier(field_name)
        )
        outer.append(aliased(access, output))
        columns[output] = value.type
