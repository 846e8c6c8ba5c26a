"""The `summarize` operator: group keys, then one column per aggregate, named as Kusto does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.aggregates import AGGREGATES, AggregateColumn, ArgExtreme, arg_extreme
from kqlhunt.compiler.expressions import ExpressionCompiler
from kqlhunt.compiler.join import suffixed
from kqlhunt.compiler.kusto_names import KUSTO_AGGREGATES, KUSTO_FUNCTIONS
from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.result_names import ListNames, result_name
from kqlhunt.compiler.scope import QueryContext, Scope
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
    around = _Around(tc, compiler)
    for item in node.aggregates:
        call = item.expr
        if isinstance(call, ast.Call) and call.name in _ARG_EXTREMES:
            extreme = arg_extreme(compiler, call)
            _add_arg_extreme(tc, relation, extreme, item, keys, inner, outer, columns)
            continue
        if not isinstance(call, ast.Call) or call.name not in AGGREGATES:
            if isinstance(call, ast.Call) and call.name not in KUSTO_FUNCTIONS:
                if call.name in KUSTO_AGGREGATES:
                    raise context.unsupported(f"the aggregation '{call.name}()'", call.offset)
                raise context.error(f"unknown aggregation '{call.name}()'", call.offset)
            if item.names:
                raise context.error(
                    "(a, b) = ... needs an aggregation giving several columns", item.offset
                )
            value, derived = around.compile(item.expr, relation.columns, inner)
            name = item.name or around.default_name(derived, columns)
            if name in columns:
                raise context.error(f"summarize: the column '{name}' appears twice", item.offset)
            outer.append(aliased(value.sql, name))
            columns[name] = value.type
            continue
        _refuse_nested(context, call)
        result = AGGREGATES[call.name](compiler, call, call.name)
        several = result if isinstance(result, list) else [result]
        if item.name and len(several) > 1:
            raise context.unsupported(f"one name for the columns of '{call.name}()'", item.offset)
        given = _tuple_names(context, item, len(several))
        for column, named in zip(several, given, strict=True):
            name = item.name or named or suffixed(column.default_name, columns)
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


class _Around:
    """Expressions around aggregations (`countif(x) * 100.0 / count()`): each aggregation is
    computed by the grouping SELECT under a hidden name, and the expression around it by the
    SELECT above, which sees those values and the `let` constants but no input column."""

    def __init__(self, tc: TabularCompiler, compiler: ExpressionCompiler) -> None:
        self._context = tc.context
        self._compiler = compiler
        self._outer = ExpressionCompiler(Scope(tc.context, {}))
        self._unnamed = 0

    def compile(
        self, expr: ast.Expr, row: dict[str, KqlType], inner: list[exp.Expr]
    ) -> tuple[Typed, str | None]:
        """The value of `expr` over the grouped row, and the name Kusto derives from it; the
        aggregations it calls are added to `inner`."""
        calls = _aggregations(expr)
        if not calls:
            raise self._context.error(
                "summarize needs an aggregation here, such as count() or max(x)", expr.offset
            )
        for call in calls:
            column = self._aggregation(call)
            alias = self._context.fresh_alias()
            inner.append(aliased(column.value.sql, alias))
            hidden = Typed(exp.column(alias, quoted=True), column.value.type)
            self._outer.scope.aggregated[id(call)] = hidden
        return self._outer.compile(expr), result_name(expr, row, aggregating=True)

    def default_name(self, derived: str | None, columns: dict[str, KqlType]) -> str:
        """The derived name, else `Column1`, `Column2`, ... counted over the unnamed
        expressions; either gets a number when taken (`Column11`)."""
        if not derived:
            self._unnamed += 1
            derived = f"Column{self._unnamed}"
        return suffixed(derived, columns)

    def _aggregation(self, call: ast.Call) -> AggregateColumn:
        context = self._context
        if call.name in _ARG_EXTREMES:
            raise context.error(f"'{call.name}()' cannot be part of an expression", call.offset)
        if call.name not in AGGREGATES:
            raise context.unsupported(f"the aggregation '{call.name}()'", call.offset)
        _refuse_nested(context, call)
        result = AGGREGATES[call.name](self._compiler, call, call.name)
        if isinstance(result, list):
            raise context.error(
                f"'{call.name}()' gives several columns; it cannot be part of an expression",
                call.offset,
            )
        return result


def _tuple_names(context: QueryContext, item: ast.Assignment, count: int) -> list[str | None]:
    """The names `(a, b) = ...` gives to the first of `count` columns (None: its own name)."""
    if len(item.names) > count:
        raise context.error(
            f"{len(item.names)} names for {count} column{'' if count == 1 else 's'}: "
            "a name has no column",
            item.offset,
        )
    return [*item.names, *([None] * (count - len(item.names)))]


def _refuse_nested(context: QueryContext, call: ast.Call) -> None:
    for argument in call.args:
        inside = _aggregations(argument)
        if inside:
            raise context.error(
                f"the aggregation '{inside[0].name}()' is not allowed inside another",
                inside[0].offset,
            )


def _is_aggregation(node: object) -> bool:
    return isinstance(node, ast.Call) and (
        node.name in AGGREGATES or node.name in _ARG_EXTREMES or node.name in KUSTO_AGGREGATES
    )


def _aggregations(expr: ast.Expr) -> list[ast.Call]:
    """The outermost aggregation calls inside `expr`."""
    return [
        node
        for node in ast.walk(expr, into_tables=False, stop=_is_aggregation)
        if isinstance(node, ast.Call) and _is_aggregation(node)
    ]


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
    given = _tuple_names(tc.context, item, len(picked))
    picked = [(named or name, value) for named, (name, value) in zip(given, picked, strict=True)]

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
