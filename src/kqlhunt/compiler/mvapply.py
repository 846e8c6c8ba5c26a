"""`mv-apply`: a subquery run once per input row, over the rows its dynamic values expand to.

Every input row is numbered; the items expand as `mv-expand` expands them, each expanded row
keeping its input row's number; the subquery's operators then run partitioned by that number
(`summarize` groups by it as well, `take` and `top` keep their rows per number, `project` keeps
it); and each result row is joined back to its input row. The output holds the input row's
columns that were not expanded, then the subquery's columns (the subquery's value wins where
both have a column). An input row whose subquery returns nothing is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.mvexpand import mv_expand
from kqlhunt.compiler.relation import ROW_ORDER, Relation, aliased
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

# Operators that act on each row alone, or only rename and reorder: they run unchanged.
_ROW_WISE = (
    ast.Where,
    ast.Extend,
    ast.Parse,
    ast.MvExpand,
    ast.ProjectRename,
    ast.ProjectReorder,
    ast.ProjectAway,
    ast.Sort,
)


def mv_apply(tc: TabularCompiler, relation: Relation, node: ast.MvApply) -> Relation:
    context = tc.context
    key = f"__kqlhunt_apply{context.fresh_alias()}"
    numbered = _numbered(tc, relation, key)
    expand = ast.MvExpand(node.items, node.kind, node.item_index, node.limit, offset=node.offset)
    expanded = mv_expand(tc, numbered, expand)
    named = (item.name or _plain_name(item.expr) for item in node.items)
    replaced = {name for name in named if name is not None}
    added = {n for n in expanded.columns if n not in numbered.columns and n != node.item_index}

    applied = expanded
    for operator in node.operators:
        applied = _partitioned(tc, applied, operator, key, numbered)
    if key not in applied.columns:  # pragma: no cover - every operator above keeps it
        raise context.error("mv-apply lost track of its input rows", node.offset)
    return _joined(tc, relation, numbered, applied, key, replaced | added)


def _plain_name(expr: ast.Expr) -> str | None:
    return expr.name if isinstance(expr, ast.Name) else None


def _numbered(tc: TabularCompiler, relation: Relation, key: str) -> Relation:
    """The relation with each row's number in column `key`."""
    order = exp.Order(expressions=[exp.Ordered(this=exp.column(ROW_ORDER, quoted=True))])
    number = exp.Window(this=exp.RowNumber(), order=order if relation.ordered else None)
    columns = {**relation.columns, key: KqlType.LONG}
    return tc.wrap(relation, [*tc.identity(relation), aliased(number, key)], columns)


def _partitioned(
    tc: TabularCompiler, relation: Relation, operator: ast.Operator, key: str, numbered: Relation
) -> Relation:
    """One subquery operator, run separately for the rows of each input row."""
    by_key = ast.Assignment(None, ast.Name(key))
    match operator:
        case ast.Summarize(aggregates=aggregates, by=()):
            return _every_row_summarized(tc, relation, aggregates, key, numbered)
        case ast.Count():
            count_all = ast.Assignment("Count", ast.Call("count", ()))
            return _every_row_summarized(tc, relation, (count_all,), key, numbered)
        case ast.Take(count=count):
            return _first_rows(tc, relation, key, count, None)
        case ast.Top(count=count, key=sort_key):
            return _first_rows(tc, relation, key, count, sort_key)
        case ast.Project(items=items):
            operator = ast.Project((*items, by_key), offset=operator.offset)
        case ast.ProjectKeep(patterns=patterns):
            operator = ast.ProjectKeep((*patterns, key), offset=operator.offset)
        case ast.Summarize(aggregates=aggregates, by=by):
            operator = ast.Summarize(aggregates, (*by, by_key), offset=operator.offset)
        case ast.Distinct(items=items) if not any(isinstance(i, ast.Star) for i in items):
            operator = ast.Distinct((*items, ast.Name(key)), offset=operator.offset)
        case ast.Distinct():  # `distinct *` keeps the row number with the rest
            pass
        case _ if not isinstance(operator, _ROW_WISE):
            name = type(operator).__name__.lower()
            raise tc.context.unsupported(f"the '{name}' operator inside mv-apply", operator.offset)
    result: Relation = getattr(tc, "visit_" + type(operator).__name__)(relation, operator)
    return result


def _every_row_summarized(
    tc: TabularCompiler,
    relation: Relation,
    aggregates: tuple[ast.Assignment, ...],
    key: str,
    numbered: Relation,
) -> Relation:
    """`summarize` without `by` gives one row for every input row, also for one whose rows
    are all gone: its values are those of the aggregations over no rows (`count()` is 0)."""
    by_key = (ast.Assignment(None, ast.Name(key)),)
    grouped = tc.visit_Summarize(relation, ast.Summarize(aggregates, by_key))
    nothing = tc.wrap(relation, [exp.Star()], dict(relation.columns), where=exp.false())
    empty = tc.visit_Summarize(nothing, ast.Summarize(aggregates, ()))

    context = tc.context
    seen = exp.select(exp.column(key, quoted=True)).from_(
        grouped.select.subquery(context.fresh_alias(), copy=False), copy=False
    )
    unseen = exp.Not(this=exp.In(this=exp.column(key, quoted=True), query=exp.Subquery(this=seen)))
    missing = (
        exp.select(exp.column(key, quoted=True))
        .from_(numbered.select.subquery(context.fresh_alias(), copy=False), copy=False)
        .where(unseen, copy=False)
    )
    names = [n for n in grouped.columns]
    filled = (
        exp.select(*(exp.column(n, quoted=True) for n in names))
        .from_(missing.subquery(context.fresh_alias(), copy=False), copy=False)
        .join(
            empty.select.subquery(context.fresh_alias(), copy=False), join_type="cross", copy=False
        )
    )
    ordered = exp.select(*(exp.column(n, quoted=True) for n in names)).from_(
        grouped.select.subquery(context.fresh_alias(), copy=False), copy=False
    )
    both = exp.union(ordered, filled, distinct=False, copy=False)
    select = exp.select(*(exp.column(n, quoted=True) for n in names)).from_(
        both.subquery(context.fresh_alias(), copy=False), copy=False
    )
    return Relation(select, dict(grouped.columns))


def _first_rows(
    tc: TabularCompiler,
    relation: Relation,
    key: str,
    count_expr: ast.Expr,
    sort_key: ast.SortKey | None,
) -> Relation:
    """`take` (in the current row order) or `top` (by `sort_key`) within each input row."""
    count = tc._row_count(relation, count_expr)
    if sort_key is not None:
        ordering = tc._ordering(relation, [sort_key])
    elif relation.ordered:
        ordering = [exp.Ordered(this=exp.column(ROW_ORDER, quoted=True))]
    else:
        ordering = []
    rank_name = f"__kqlhunt_rank{tc.context.fresh_alias()}"
    rank = exp.Window(
        this=exp.RowNumber(),
        partition_by=[exp.column(key, quoted=True)],
        order=exp.Order(expressions=ordering) if ordering else None,
    )
    ranked = tc.wrap(relation, [exp.Star(), aliased(rank, rank_name)], dict(relation.columns))
    within = exp.LTE(this=exp.column(rank_name, quoted=True), expression=exp.Literal.number(count))
    if sort_key is None:
        return tc.wrap(ranked, tc.identity(relation), dict(relation.columns), where=within)
    # `top` leaves its rows in its own order, carried as the row order.
    ordered = Relation(ranked.select, dict(relation.columns), ordered=False)
    kept = tc.wrap(
        ordered,
        [*tc.identity(relation), aliased(exp.column(rank_name, quoted=True), ROW_ORDER)],
        dict(relation.columns),
        where=within,
    )
    kept.ordered = True
    return kept


def _joined(
    tc: TabularCompiler,
    relation: Relation,
    numbered: Relation,
    applied: Relation,
    key: str,
    expanded: set[str],
) -> Relation:
    """Each subquery row beside the input row it came from."""
    context = tc.context
    left, right = context.fresh_alias(), context.fresh_alias()
    columns: dict[str, KqlType] = {}
    projections: list[exp.Expr] = []
    for name, kql_type in relation.columns.items():
        if name in expanded and name not in applied.columns:
            continue
        side = right if name in applied.columns else left
        source_type = applied.columns[name] if side == right else kql_type
        projections.append(aliased(exp.column(name, table=side, quoted=True), name))
        columns[name] = source_type
    for name, kql_type in applied.columns.items():
        if name != key and name not in columns:
            projections.append(aliased(exp.column(name, table=right, quoted=True), name))
            columns[name] = kql_type
    condition = exp.EQ(
        this=exp.column(key, table=left, quoted=True),
        expression=exp.column(key, table=right, quoted=True),
    )
    select = (
        exp.select(*projections)
        .from_(numbered.select.subquery(left, copy=False), copy=False)
        .join(applied.select.subquery(right, copy=False), on=condition, copy=False)
    )
    return Relation(select, columns)
