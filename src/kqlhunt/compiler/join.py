"""`join` and `lookup`: Kusto's join kinds, column naming and null filling in plain SQL joins.

Every kind is built from inner and outer equi-joins, so the SQL is the same on every backend:
semi and anti joins join against the distinct keys of the other side. Key equality is SQL
equality, so a null key matches nothing (Kusto's `null == null` is not true); an empty string
is a value and matches another empty string.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.relation import ROW_ORDER, Relation, aliased
from kqlhunt.compiler.sqltypes import coalesce_text
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

_PICK = "__kqlhunt_pick"
_MATCHED = "__kqlhunt_matched"

_SQL_JOIN = {
    "innerunique": "INNER",
    "inner": "INNER",
    "leftouter": "LEFT OUTER",
    "rightouter": "RIGHT OUTER",
    "fullouter": "FULL OUTER",
}
# Which sides of an outer join can come back missing (and then need "" for strings).
_NULLABLE_LEFT = frozenset({"rightouter", "fullouter"})
_NULLABLE_RIGHT = frozenset({"leftouter", "fullouter"})


def suffixed(name: str, taken: Iterable[str]) -> str:
    """Kusto's name for a right-side column whose name is already used: `Key` -> `Key1`."""
    used = set(taken)
    if name not in used:
        return name
    index = 1
    while f"{name}{index}" in used:
        index += 1
    return f"{name}{index}"


def push_join_filters(operators: Sequence[ast.Operator]) -> list[ast.Operator]:
    """Attach the `where`s right after an `innerunique` join to it.

    Kusto applies a filter on left columns before the left side is deduplicated, so
    `A | join B on key | where value == "x"` always finds the rows with value "x". The join
    decides which of the attached filters touch left columns only; the rest run after it.
    """
    result: list[ast.Operator] = []
    for operator in operators:
        previous = result[-1] if result else None
        if (
            isinstance(operator, ast.Where)
            and isinstance(previous, ast.Join)
            and previous.kind == "innerunique"
        ):
            filters = (*previous.left_filters, operator.predicate)
            result[-1] = dataclasses.replace(previous, left_filters=filters)
        else:
            result.append(operator)
    return result


def _names(node: object) -> set[str] | None:
    """The names a predicate reads; None when it holds a tabular expression."""
    if isinstance(node, ast.Name):
        return {node.name}
    if isinstance(node, ast.Tabular | ast.TabularSubquery):
        return None
    found: set[str] = set()
    children: Iterable[object] = ()
    if isinstance(node, tuple):
        children = node
    elif dataclasses.is_dataclass(node):
        children = (getattr(node, f.name) for f in dataclasses.fields(node))
    for child in children:
        names = _names(child)
        if names is None:
            return None
        found |= names
    return found


def _keys(
    tc: TabularCompiler, left: Relation, right: Relation, keys: Sequence[ast.JoinKey], what: str
) -> None:
    context = tc.context
    for key in keys:
        for side, relation, name in (("left", left, key.left), ("right", right, key.right)):
            if name not in relation.columns:
                raise context.error(f"{what}: the {side} side has no column '{name}'", key.offset)
        a, b = left.columns[key.left], right.columns[key.right]
        if KqlType.DYNAMIC in (a, b):
            raise context.unsupported(f"{what} on a dynamic column", key.offset)
        if a is not b and not (a.is_numeric and b.is_numeric):
            raise context.error(
                f"{what}: the key '{key.left}' ({a.value}) and '{key.right}' ({b.value}) "
                "have different types",
                key.offset,
            )


def _column(name: str, table: str) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _condition(keys: Sequence[ast.JoinKey], left: str, right: str, swap: bool = False) -> exp.Expr:
    tests = [
        exp.EQ(
            this=_column(k.right if swap else k.left, left),
            expression=_column(k.left if swap else k.right, right),
        )
        for k in keys
    ]
    return exp.and_(*tests) if len(tests) > 1 else tests[0]


def _first_per_key(tc: TabularCompiler, relation: Relation, keys: list[str]) -> Relation:
    """One row per key: the first in row order, else the least by its column values."""
    if relation.ordered:
        order = [exp.Ordered(this=exp.column(ROW_ORDER, quoted=True))]
    else:
        order = [
            exp.Ordered(this=relation.column_sql(n), nulls_first=True)
            for n, t in relation.columns.items()
            if t is not KqlType.DYNAMIC
        ]
    number = exp.Window(
        this=exp.RowNumber(),
        partition_by=[relation.column_sql(k) for k in keys],
        order=exp.Order(expressions=order) if order else None,
    )
    numbered = tc.wrap(
        relation, [*tc.identity(relation), aliased(number, _PICK)], dict(relation.columns)
    )
    keep = exp.EQ(this=exp.column(_PICK, quoted=True), expression=exp.Literal.number(1))
    return tc.wrap(numbered, tc.identity(numbered), dict(relation.columns), where=keep)


def _filter(tc: TabularCompiler, relation: Relation, predicates: Iterable[ast.Expr]) -> Relation:
    for predicate in predicates:
        relation = tc.visit_Where(relation, ast.Where(predicate, offset=predicate.offset))
    return relation


def join(tc: TabularCompiler, left: Relation, node: ast.Join) -> Relation:
    """`left | join kind=K (right) on keys`."""
    right = tc.compile(node.right)
    _keys(tc, left, right, node.keys, "join")
    if node.kind in ("leftsemi", "leftanti"):
        return _semi(tc, left, right, node.keys, anti=node.kind == "leftanti", swap=False)
    if node.kind in ("rightsemi", "rightanti"):
        return _semi(tc, right, left, node.keys, anti=node.kind == "rightanti", swap=True)

    names: dict[str, str] = {}  # right column -> output name
    taken = list(left.columns)
    for name in right.columns:
        names[name] = suffixed(name, [*taken, *right.columns.keys() - {name}])
        taken.append(names[name])
    renamed = {out for name, out in names.items() if out != name or name not in left.columns}
    pushed: list[ast.Expr] = []
    after: list[ast.Expr] = []
    for predicate in node.left_filters:
        read = _names(predicate)
        (pushed if read is not None and not read & renamed else after).append(predicate)
    left = _filter(tc, left, pushed)
    if node.kind == "innerunique":
        left = _first_per_key(tc, left, [k.left for k in node.keys])

    projections, columns = _combined(left, right, names, node.kind)
    joined = _sql_join(tc, left, right, projections, node.keys, _SQL_JOIN[node.kind])
    return _filter(tc, Relation(joined, columns), after)


def _combined(
    left: Relation, right: Relation, names: dict[str, str], kind: str
) -> tuple[list[exp.Expr], dict[str, KqlType]]:
    projections: list[exp.Expr] = []
    columns: dict[str, KqlType] = {}
    sides = (
        ("_l", left, {n: n for n in left.columns}, _NULLABLE_LEFT),
        ("_r", right, names, _NULLABLE_RIGHT),
    )
    for table, relation, out, nullable in sides:
        for name, kql_type in relation.columns.items():
            sql: exp.Expr = _column(name, table)
            if kql_type is KqlType.STRING and kind in nullable:
                sql = coalesce_text(sql)
            projections.append(exp.alias_(sql, out[name], quoted=True, copy=False))
            columns[out[name]] = kql_type
    return projections, columns


def _sql_join(
    tc: TabularCompiler,
    left: Relation,
    right: Relation,
    projections: list[exp.Expr],
    keys: Sequence[ast.JoinKey],
    join_type: str,
    swap: bool = False,
) -> exp.Select:
    left_sql = left.select.subquery("_l", copy=False)
    right_sql = right.select.subquery("_r", copy=False)
    select = exp.select(*projections).from_(left_sql, copy=False)
    on = _condition(keys, "_l", "_r", swap)
    return select.join(right_sql, on=on, join_type=join_type, copy=False)


def _semi(
    tc: TabularCompiler,
    kept: Relation,
    other: Relation,
    keys: Sequence[ast.JoinKey],
    *,
    anti: bool,
    swap: bool,
) -> Relation:
    """Rows of `kept` with (semi) or without (anti) a match in `other`."""
    other_keys = [k.left if swap else k.right for k in keys]
    key_columns = [exp.column(n, quoted=True) for n in dict.fromkeys(other_keys)]
    marker = aliased(exp.Literal.number(1), _MATCHED)
    distinct = tc.wrap(other, [*key_columns, marker], {}, keep_order=False)
    distinct.select = distinct.select.distinct(copy=False)
    projections = [exp.alias_(_column(n, "_l"), n, quoted=True, copy=False) for n in kept.columns]
    join_type = "LEFT OUTER" if anti else "INNER"
    select = _sql_join(tc, kept, distinct, projections, keys, join_type, swap)
    if anti:
        missing = exp.Is(this=_column(_MATCHED, "_r"), expression=exp.Null())
        select = select.where(missing, copy=False)
    return Relation(select, dict(kept.columns))


def lookup(tc: TabularCompiler, left: Relation, node: ast.Lookup) -> Relation:
    """`left | lookup kind=K (right) on keys`: a join whose right key columns are dropped."""
    right = tc.compile(node.right)
    _keys(tc, left, right, node.keys, "lookup")
    right_keys = {k.right for k in node.keys}
    names: dict[str, str] = {}
    taken = list(left.columns)
    for name in right.columns:
        if name in right_keys:
            continue
        names[name] = suffixed(name, [*taken, *right.columns.keys() - {name}])
        taken.append(names[name])
    kept = Relation(right.select, {n: t for n, t in right.columns.items() if n in names})
    projections, columns = _combined(left, kept, names, node.kind)
    joined = _sql_join(tc, left, right, projections, node.keys, _SQL_JOIN[node.kind])
    return Relation(joined, columns)
