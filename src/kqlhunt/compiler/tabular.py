"""Tabular KQL compiled to relational form: one nested SELECT per operator.

Each `visit_<Operator>` takes the input relation and returns the output relation, keeping
Kusto's column order and default names. The engines flatten the nesting when they plan.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable, Sequence

from sqlglot import exp

from kqlhunt.compiler.expressions import ExpressionCompiler
from kqlhunt.compiler.functions_user import table_reference
from kqlhunt.compiler.join import push_join_filters
from kqlhunt.compiler.relation import ROW_ORDER, Relation, aliased, reading
from kqlhunt.compiler.result_names import ListNames, default_name
from kqlhunt.compiler.scope import QueryContext, Scope
from kqlhunt.compiler.series_functions import compile_multi_value
from kqlhunt.compiler.sqltypes import Typed, cast
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

# Watchlists are tables registered under this prefix and read with `_GetWatchlist('alias')`.
WATCHLIST_PREFIX = "watchlist:"


class TabularCompiler:
    def __init__(self, context: QueryContext) -> None:
        self.context = context

    # -- entry points --------------------------------------------------------------------------

    def compile(self, node: ast.Tabular) -> Relation:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.context.unsupported(
                f"the tabular expression {type(node).__name__}", node.offset
            )
        relation: Relation = method(node)
        self._refuse_names_differing_in_case(relation, node.offset)
        return relation

    def _refuse_names_differing_in_case(self, relation: Relation, offset: int) -> None:
        """Kusto's column names are case-sensitive; the SQL engines' are not. Names a query
        makes are spelled apart from the tables' (kqlhunt.compiler.case_names); two that the
        SQL still could not tell apart would read one for the other, and are refused."""
        met = self.context.case_names.meet(list(relation.columns))
        if met is not None:
            raise self.context.unsupported(
                f"columns '{met[0]}' and '{met[1]}' side by side, names that differ only in case",
                offset,
                "the SQL engines cannot tell them apart; rename one of them",
            )

    def scalar(
        self, relation: Relation, bindings: dict[str, Typed] | None = None
    ) -> ExpressionCompiler:
        return ExpressionCompiler(
            Scope(
                self.context,
                relation.columns,
                bindings=bindings or {},
                serialized=relation.ordered,
            )
        )

    def wrap(
        self,
        relation: Relation,
        projections: Sequence[exp.Expr],
        columns: dict[str, KqlType],
        *,
        keep_order: bool = True,
        where: exp.Expr | None = None,
    ) -> Relation:
        """SELECT projections FROM (relation) [WHERE ...], carrying the row order if kept.

        A relation's SELECT yields at least its visible columns and, when ordered, the hidden
        order column; a `*` projection passes all of them through unchanged.
        """
        ordered = keep_order and relation.ordered
        passes_all = any(isinstance(p, exp.Star) for p in projections)
        hidden = relation.carried() if ordered and not passes_all else []
        source = relation.select.subquery(self.context.fresh_alias(), copy=False)
        select = exp.select(*projections, *hidden).from_(source, copy=False)
        if where is not None:
            select = select.where(where, copy=False)
        return Relation(select, columns, ordered)

    def identity(self, relation: Relation) -> list[exp.Expr]:
        return [relation.column_sql(name) for name in relation.columns]

    # -- sources -------------------------------------------------------------------------------

    def visit_TableRef(self, node: ast.TableRef) -> Relation:
        if (named := table_reference(self, node)) is not None:
            return named
        if node.name in self.context.tabular_lets and not node.args:
            return self.compile(self.context.tabular_lets[node.name])
        if node.name == "_GetWatchlist":
            return self.compile(self._watchlist(node))
        columns = self.context.tables.get(node.name)
        if columns is None:
            if node.name in self.context.scalar_lets:
                raise self.context.error(f"'{node.name}' is a scalar, not a table", node.offset)
            raise self.context.error(
                f"unknown table '{node.name}' ({known_tables(node.name, self.context.tables)})",
                node.offset,
            )
        select = exp.select(*(exp.column(c, quoted=True) for c in columns)).from_(
            exp.Table(this=exp.to_identifier(node.name, quoted=True)), copy=False
        )
        relation = Relation(select, dict(columns))
        if node.args or node.named_args:
            from kqlhunt.compiler.parameters import table_with_parameters

            return table_with_parameters(self, node, relation)
        return relation

    def _watchlist(self, node: ast.TableRef) -> ast.TableRef:
        """`_GetWatchlist('alias')` reads the table registered as `watchlist:<alias>`."""
        alias = node.args[0] if len(node.args) == 1 and not node.named_args else None
        if not (isinstance(alias, ast.Literal) and isinstance(alias.value, str)):
            raise self.context.error(
                "_GetWatchlist takes one constant watchlist alias", node.offset
            )
        table = WATCHLIST_PREFIX + alias.value
        if table not in self.context.tables:
            known = sorted(
                t[len(WATCHLIST_PREFIX) :]
                for t in self.context.tables
                if t.startswith(WATCHLIST_PREFIX)
            )
            raise self.context.error(
                f"unknown watchlist '{alias.value}' (loaded: {', '.join(known) or 'none'})",
                node.offset,
            )
        return ast.TableRef(table, offset=node.offset)

    def visit_Print(self, node: ast.Print) -> Relation:
        compiler = ExpressionCompiler(Scope(self.context, {}, row_context=False))
        projections, columns = [], {}
        for index, item in enumerate(node.items):
            value = compiler.compile(item.expr)
            name = item.name or f"print_{index}"
            projections.append(aliased(value.sql, name))
            columns[name] = value.type
        return Relation(exp.select(*projections), columns)

    def visit_DataTable(self, node: ast.DataTable) -> Relation:
        compiler = ExpressionCompiler(Scope(self.context, {}, row_context=False))
        width = len(node.columns)
        if width == 0 or len(node.values) % width:
            raise self.context.error(
                f"datatable has {len(node.values)} values, not a multiple of its {width} columns",
                node.offset,
            )
        rows: list[exp.Expr] = []
        for start in range(0, len(node.values), width):
            cells = []
            for (_, kql_type), value_node in zip(
                node.columns, node.values[start : start + width], strict=True
            ):
                value = compiler.compile(value_node)
                if not value.is_constant:
                    raise self.context.error(
                        "datatable values must be constants", value_node.offset
                    )
                cells.append(self._fit(value, kql_type, value_node))
            rows.append(exp.Tuple(expressions=cells))
        columns = dict(node.columns)
        names = [exp.to_identifier(n, quoted=True) for n in columns]
        if not rows:
            empty = exp.select(*(aliased(cast(exp.Null(), t), n) for n, t in node.columns)).where(
                exp.false()
            )
            return Relation(empty, columns)
        values = exp.Values(
            expressions=rows,
            alias=exp.TableAlias(this=exp.to_identifier(self.context.fresh_alias()), columns=names),
        )
        select = exp.select(*(exp.column(n, quoted=True) for n in columns)).from_(
            values, copy=False
        )
        return Relation(select, columns)

    def visit_ExternalData(self, node: ast.ExternalData) -> Relation:
        from kqlhunt.compiler.externaldata import external_data

        return external_data(self, node)

    def _fit(self, value: Typed, kql_type: KqlType, node: ast.Expr) -> exp.Expr:
        if value.type is kql_type:
            return cast(value.sql, kql_type) if value.constant is None else value.sql
        if value.constant is None:
            from kqlhunt.compiler.sqltypes import null_of

            return null_of(kql_type).sql
        if value.type.is_numeric and kql_type.is_numeric:
            return cast(value.sql, kql_type)
        raise self.context.error(
            f"a {value.type.value} value in a {kql_type.value} column", node.offset
        )

    def visit_Pipeline(self, node: ast.Pipeline) -> Relation:
        relation = self.compile(node.source)
        for operator in push_join_filters(node.operators):
            method = getattr(self, "visit_" + type(operator).__name__)
            relation = method(relation, operator)
            self._refuse_names_differing_in_case(relation, operator.offset)
        return relation

    def visit_Materialize(self, node: ast.Materialize) -> Relation:
        """T's rows computed once: a `let` bound to `materialize(T)` and read several times
        reads one table. Inside a function call the body depends on the arguments, so each
        call computes its own."""
        context = self.context
        done = context.materialized.get(id(node))
        if done is not None:
            return reading(*done)
        relation = self.compile(node.source)
        if context.materialize is None:
            return relation
        table = context.materialize(relation.select, relation.columns)
        if not context.calls:
            context.materialized[id(node)] = (table, relation)
        return reading(table, relation)

    # -- row filters and column operators ------------------------------------------------------

    def visit_Where(self, relation: Relation, node: ast.Where) -> Relation:
        predicate = self.scalar(relation).compile(node.predicate)
        if predicate.type is not KqlType.BOOL:
            raise self.context.error(
                f"the 'where' predicate must be bool, not {predicate.type.value}",
                node.predicate.offset,
            )
        if predicate.sql.find(exp.Window) is not None:  # prev(), next(), row_number()
            from kqlhunt.compiler.window import filter_on_window

            return filter_on_window(self, relation, predicate.sql)
        return self.wrap(relation, [exp.Star()], dict(relation.columns), where=predicate.sql)

    def visit_Extend(self, relation: Relation, node: ast.Extend) -> Relation:
        bindings: dict[str, Typed] = {}
        for item in node.items:
            compiler = self.scalar(relation, bindings)
            if (several := compile_multi_value(compiler, item)) is not None:
                for name, value in several:
                    bindings.pop(name, None)
                    bindings[name] = value
                continue
            value = compiler.compile(item.expr)
            self._one_value(item)
            name = item.name or default_name(
                item.expr, set(relation.columns) | set(bindings), relation.columns
            )
            bindings.pop(name, None)  # a redefined column moves to the end
            bindings[name] = value
        columns = {n: t for n, t in relation.columns.items() if n not in bindings}
        redefines = len(columns) < len(relation.columns)
        projections: list[exp.Expr] = (
            [relation.column_sql(n) for n in columns] if redefines else [exp.Star()]
        )
        for name, value in bindings.items():
            projections.append(aliased(value.sql, name))
            columns[name] = value.type
        return self.wrap(relation, projections, columns)

    def visit_Project(self, relation: Relation, node: ast.Project) -> Relation:
        compiler = self.scalar(relation)
        projections: list[exp.Expr] = []
        columns: dict[str, KqlType] = {}
        names = ListNames(relation.columns)
        for item in node.items:
            if isinstance(item.expr, ast.Star):
                raise self.context.unsupported("'project *'", item.offset)
            multi = compile_multi_value(compiler, item)
            several: list[tuple[str | None, Typed]] = list(multi or [])
            if multi is None:
                several.append((item.name, compiler.compile(item.expr)))
                self._one_value(item)
            for given, value in several:
                name, repeated = names.name(item.expr, given)
                if repeated:
                    raise self.context.error(f"column '{name}' is projected twice", item.offset)
                projections.append(aliased(value.sql, name))
                columns[name] = value.type
        return self.wrap(relation, projections, columns)

    def _one_value(self, item: ast.Assignment) -> None:
        """Refuse `(a, b) = expr`: every scalar function kqlhunt runs gives one value."""
        if item.names:
            raise self.context.error(
                "(a, b) = ... needs an expression giving several values; this one gives one",
                item.offset,
            )

    def _match(self, relation: Relation, pattern: str, offset: int, operator: str) -> list[str]:
        if "*" in pattern:
            return [n for n in relation.columns if fnmatch.fnmatchcase(n, pattern)]
        if pattern not in relation.columns:
            raise self.context.error(f"{operator}: unknown column '{pattern}'", offset)
        return [pattern]

    def visit_ProjectAway(self, relation: Relation, node: ast.ProjectAway) -> Relation:
        removed = {
            n for p in node.patterns for n in self._match(relation, p, node.offset, "project-away")
        }
        columns = {n: t for n, t in relation.columns.items() if n not in removed}
        self._check_not_empty(columns, node, "project-away")
        return self.wrap(relation, [relation.column_sql(n) for n in columns], columns)

    def visit_ProjectKeep(self, relation: Relation, node: ast.ProjectKeep) -> Relation:
        kept = {
            n for p in node.patterns for n in self._match(relation, p, node.offset, "project-keep")
        }
        columns = {n: t for n, t in relation.columns.items() if n in kept}
        self._check_not_empty(columns, node, "project-keep")
        return self.wrap(relation, [relation.column_sql(n) for n in columns], columns)

    def _check_not_empty(
        self, columns: dict[str, KqlType], node: ast.Operator, operator: str
    ) -> None:
        if not columns:
            raise self.context.error(f"{operator} leaves the table without columns", node.offset)

    def visit_ProjectRename(self, relation: Relation, node: ast.ProjectRename) -> Relation:
        renames = {old: new for new, old in node.renames}
        for old in renames:
            if old not in relation.columns:
                raise self.context.error(f"project-rename: unknown column '{old}'", node.offset)
        projections, columns = [], {}
        for name, kql_type in relation.columns.items():
            new = renames.get(name, name)
            projections.append(aliased(relation.column_sql(name), new))
            columns[new] = kql_type
        return self.wrap(relation, projections, columns)

    def visit_ProjectReorder(self, relation: Relation, node: ast.ProjectReorder) -> Relation:
        first: list[str] = []
        orders = node.orders or (None,) * len(node.patterns)
        for pattern, sort in zip(node.patterns, orders, strict=True):
            matched = [
                n
                for n in self._match(relation, pattern, node.offset, "project-reorder")
                if n not in first
            ]
            first += _column_order(matched, sort)
        order = first + [n for n in relation.columns if n not in first]
        columns = {n: relation.columns[n] for n in order}
        return self.wrap(relation, [relation.column_sql(n) for n in columns], columns)

    # -- order and row counts ------------------------------------------------------------------

    def _row_count(self, relation: Relation, node: ast.Expr) -> int:
        value = self.scalar(relation).compile(node)
        if (
            not value.is_constant
            or not isinstance(value.constant, int)
            or isinstance(value.constant, bool)
        ):
            raise self.context.error("the row count must be a constant whole number", node.offset)
        return max(value.constant, 0)

    def visit_Take(self, relation: Relation, node: ast.Take) -> Relation:
        count = self._row_count(relation, node.count)
        limited = self.wrap(relation, [exp.Star()], dict(relation.columns))
        if relation.ordered:
            limited.select = limited.select.order_by(exp.column(ROW_ORDER, quoted=True), copy=False)
        limited.select = limited.select.limit(count, copy=False)
        return limited

    def _ordering(self, relation: Relation, keys: Sequence[ast.SortKey]) -> list[exp.Ordered]:
        compiler = self.scalar(relation)
        ordering = []
        for key in keys:
            value = compiler.compile(key.expr)
            if value.type is KqlType.DYNAMIC:
                raise self.context.unsupported("sorting by a dynamic value", key.expr.offset)
            # Kusto puts nulls first when ascending and last when descending, unless told.
            nulls_first = key.nulls_first if key.nulls_first is not None else not key.descending
            ordering.append(
                exp.Ordered(this=value.sql, desc=key.descending, nulls_first=nulls_first)
            )
        return ordering

    def _ordered(
        self, relation: Relation, ordering: list[exp.Ordered], limit: int | None
    ) -> Relation:
        row_number = exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=ordering))
        source = relation.select.subquery(self.context.fresh_alias(), copy=False)
        select = exp.select(*self.identity(relation), aliased(row_number, ROW_ORDER)).from_(
            source, copy=False
        )
        if limit is not None:
            select = select.order_by(*(o.copy() for o in ordering), copy=False).limit(
                limit, copy=False
            )
        return Relation(select, dict(relation.columns), ordered=True)

    def visit_Sort(self, relation: Relation, node: ast.Sort) -> Relation:
        return self._ordered(relation, self._ordering(relation, node.keys), None)

    def visit_Top(self, relation: Relation, node: ast.Top) -> Relation:
        count = self._row_count(relation, node.count)
        return self._ordered(relation, self._ordering(relation, [node.key]), count)

    def visit_Count(self, relation: Relation, node: ast.Count) -> Relation:
        count = aliased(exp.Count(this=exp.Star()), "Count")
        return self.wrap(relation, [count], {"Count": KqlType.LONG}, keep_order=False)

    def visit_GetSchema(self, relation: Relation, node: ast.GetSchema) -> Relation:
        columns = (
            ("ColumnName", KqlType.STRING),
            ("ColumnOrdinal", KqlType.LONG),
            ("DataType", KqlType.STRING),
            ("ColumnType", KqlType.STRING),
        )
        rows = [
            ast.Literal(value, value_type, offset=node.offset)
            for ordinal, (name, kql_type) in enumerate(relation.columns.items())
            for value, (_, value_type) in zip(
                (name, ordinal, DOTNET_TYPES[kql_type], kql_type.value), columns, strict=True
            )
        ]
        return self.visit_DataTable(ast.DataTable(columns, tuple(rows), offset=node.offset))

    def visit_Distinct(self, relation: Relation, node: ast.Distinct) -> Relation:
        items: list[ast.Expr] = list(node.items)
        if len(items) == 1 and isinstance(items[0], ast.Star):
            items = [ast.Name(n) for n in relation.columns]
        compiler = self.scalar(relation)
        projections: list[exp.Expr] = []
        columns: dict[str, KqlType] = {}
        names = ListNames(relation.columns)
        for item in items:
            value = compiler.compile(item)
            name, repeated = names.name(item)
            if repeated:
                raise self.context.error(
                    f"distinct: the column '{name}' appears twice", item.offset
                )
            projections.append(aliased(value.sql, name))
            columns[name] = value.type
        distinct = self.wrap(relation, projections, columns, keep_order=False)
        distinct.select = distinct.select.distinct(copy=False)
        return distinct

    # -- combining tables, naming results, row order ----------------------------------------

    def visit_Join(self, relation: Relation, node: ast.Join) -> Relation:
        from kqlhunt.compiler.join import join

        return join(self, relation, node)

    def visit_Lookup(self, relation: Relation, node: ast.Lookup) -> Relation:
        from kqlhunt.compiler.join import lookup

        return lookup(self, relation, node)

    def visit_Union(self, node: ast.Union) -> Relation:
        from kqlhunt.compiler.union import union

        return union(self, node)

    def visit_Find(self, node: ast.Find) -> Relation:
        from kqlhunt.compiler.find import find

        return find(self, node)

    def visit_UnionWith(self, relation: Relation, node: ast.UnionWith) -> Relation:
        from kqlhunt.compiler.union import union

        return union(self, node.union, piped=relation)

    def visit_Range(self, node: ast.Range) -> Relation:
        from kqlhunt.compiler.window import range_source

        return range_source(self, node)

    def visit_Serialize(self, relation: Relation, node: ast.Serialize) -> Relation:
        from kqlhunt.compiler.window import serialize

        return serialize(self, relation, node)

    def visit_As(self, relation: Relation, node: ast.As) -> Relation:
        from kqlhunt.compiler.functions_user import as_operator

        return as_operator(self, relation, node)

    def visit_Invoke(self, relation: Relation, node: ast.Invoke) -> Relation:
        from kqlhunt.compiler.functions_user import invoke

        return invoke(self, relation, node)

    # -- summarize -----------------------------------------------------------------------------

    def visit_Summarize(self, relation: Relation, node: ast.Summarize) -> Relation:
        from kqlhunt.compiler.summarize import summarize

        return summarize(self, relation, node)

    def visit_MakeSeries(self, relation: Relation, node: ast.MakeSeries) -> Relation:
        from kqlhunt.compiler.series import make_series

        return make_series(self, relation, node)

    # -- dynamic values and text ---------------------------------------------------------------

    def visit_MvExpand(self, relation: Relation, node: ast.MvExpand) -> Relation:
        from kqlhunt.compiler.mvexpand import mv_expand

        return mv_expand(self, relation, node)

    def visit_Search(self, relation: Relation, node: ast.Search) -> Relation:
        from kqlhunt.compiler.search import search

        return search(self, relation, node)

    def visit_MvApply(self, relation: Relation, node: ast.MvApply) -> Relation:
        from kqlhunt.compiler.mvapply import mv_apply

        return mv_apply(self, relation, node)

    def visit_Parse(self, relation: Relation, node: ast.Parse) -> Relation:
        from kqlhunt.compiler.parse_operator import parse

        return parse(self, relation, node)

    def visit_Evaluate(self, relation: Relation, node: ast.Evaluate) -> Relation:
        from kqlhunt.compiler.evaluate import evaluate

        return evaluate(self, relation, node)


def _column_order(names: list[str], order: str | None) -> list[str]:
    """Columns in `project-reorder`'s order: as they were, by name (`asc`, `desc`), or by name
    with digit runs compared as numbers (`granny-asc`: a2 before a10)."""
    if order is None:
        return names
    ordered = sorted(names, key=_natural_key) if order.startswith("granny-") else sorted(names)
    return ordered[::-1] if order.endswith("desc") else ordered


def _natural_key(name: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part
    ]


# The .NET type Kusto names beside each KQL type in `getschema` (a bool is held as a byte).
DOTNET_TYPES = {
    KqlType.BOOL: "System.SByte",
    KqlType.INT: "System.Int32",
    KqlType.LONG: "System.Int64",
    KqlType.REAL: "System.Double",
    KqlType.DECIMAL: "System.Data.SqlTypes.SqlDecimal",
    KqlType.STRING: "System.String",
    KqlType.DATETIME: "System.DateTime",
    KqlType.TIMESPAN: "System.TimeSpan",
    KqlType.DYNAMIC: "System.Object",
    KqlType.GUID: "System.Guid",
}

# Up to this many known tables are listed in full when a query names an unknown one.
_TABLES_LISTED = 12


def known_tables(name: str, tables: Iterable[str]) -> str:
    """What to say about the known tables when `name` is not one: all of them when they are
    few, else the names closest to it (a misspelling, a name in another case)."""
    known = sorted(tables)
    if len(known) <= _TABLES_LISTED:
        return f"known tables: {', '.join(known) or 'none'}"
    by_lower = {t.lower(): t for t in known}
    close = difflib.get_close_matches(name.lower(), by_lower, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(by_lower[c] for c in close)}? " if close else ""
    return f"{hint}{len(known)} tables known; `kqlhunt support --tables` lists them"
