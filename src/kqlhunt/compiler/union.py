"""`union`: legs resolved (names, wildcards, views, fuzzy legs), then one schema for all legs.

`kind=outer` keeps every column; a leg without a column gives null ("" for strings). Kusto never
coerces: a name with different types in different legs becomes one column per type, named
`name_type`, with a numeric suffix when that name is taken by a real column (`x_long1`).
`kind=inner` keeps the columns every leg has with the same type.
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.sqltypes import null_of
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.scope import QueryContext
    from kqlhunt.compiler.tabular import TabularCompiler

# Tables that are not logs and so are left out of wildcards.
_HIDDEN_PREFIXES = ("watchlist:",)
_ASIM_PARSER = re.compile(r"^(?:_Im_|_ASim_|im[A-Z]|vim[A-Z]|ASim[A-Z])")


def union(tc: TabularCompiler, node: ast.Union, piped: Relation | None = None) -> Relation:
    """The union of `node`'s legs, after `piped` when the union follows a `|`."""
    context = tc.context
    legs: list[tuple[str, Relation]] = []
    if piped is not None:
        legs.append(("union_arg0", piped))
    for index, (name, leg) in enumerate(resolve_legs(context, node), start=len(legs)):
        legs.append((name or f"union_arg{index}", tc.compile(leg)))
    if not legs:
        missing = ", ".join(f"'{name}'" for name in _leg_names(node))
        raise context.error(
            f"union: none of its tables exist: unknown table {missing}", node.offset
        )

    schema = _schema([relation for _, relation in legs], node.kind)
    _refuse_names_differing_in_case(context, [out for out, _, _ in schema], node.offset)
    if node.source_column is not None and node.source_column in {n for n, _, _ in schema}:
        raise context.error(
            f"union: withsource column '{node.source_column}' is also a column of a leg",
            node.offset,
        )
    selects: list[exp.Select] = []
    for source, relation in legs:
        projections: list[exp.Expr] = []
        if node.source_column is not None:
            projections.append(aliased(exp.Literal.string(source), node.source_column))
        for out, original, kql_type in schema:
            if relation.columns.get(original) is kql_type:
                projections.append(aliased(relation.column_sql(original), out))
            else:
                projections.append(exp.alias_(null_of(kql_type).sql, out, quoted=True, copy=False))
        selects.append(tc.wrap(relation, projections, {}, keep_order=False).select)

    combined: exp.Query = selects[0]
    for select in selects[1:]:
        combined = exp.union(combined, select, distinct=False, copy=False)
    columns: dict[str, KqlType] = {}
    if node.source_column is not None:
        columns[node.source_column] = KqlType.STRING
    columns.update({out: kql_type for out, _, kql_type in schema})
    if len(selects) == 1:
        return Relation(selects[0], columns)
    source_sql = combined.subquery(context.fresh_alias(), copy=False)
    select = exp.select(*(exp.column(n, quoted=True) for n in columns)).from_(source_sql)
    return Relation(select, columns)


def _known(context: QueryContext, name: str) -> bool:
    return (
        name in context.tables
        or name in context.tabular_lets
        or name in context.relations
        or name in context.functions
    )


def _refuse_names_differing_in_case(context: QueryContext, names: list[str], offset: int) -> None:
    """Kusto's column names are case-sensitive; the SQL engines' are not, so two output columns
    of tables read together whose names differ only in case (`LogonId` of DeviceProcessEvents,
    `LogonID` of SecurityEvent) cannot be told apart there (see kqlhunt.compiler.case_names)."""
    met = context.case_names.meet(names)
    if met is not None:
        raise context.unsupported(
            f"reading together tables whose columns '{met[0]}' and '{met[1]}' differ only in case",
            offset,
            "name the tables to read, as in search in (SecurityEvent) or union T1, T2, or "
            "project their columns to distinct names first",
        )


def _leg_names(node: ast.Union) -> list[str]:
    """The table names and patterns a union's legs read, in order."""
    names: list[str] = []
    for leg in node.legs:
        while isinstance(leg, ast.Pipeline | ast.Materialize):
            leg = leg.source
        if isinstance(leg, ast.TableRef):
            names.append(leg.name)
        elif isinstance(leg, ast.TablePattern):
            names.append(leg.pattern)
        elif isinstance(leg, ast.Union):
            names += _leg_names(leg)
    return names


def _resolvable(context: QueryContext, leg: ast.Tabular) -> bool:
    """Whether the tables a leg reads all exist (isfuzzy drops the legs that do not)."""
    while isinstance(leg, ast.Pipeline | ast.Materialize):
        leg = leg.source
    if isinstance(leg, ast.TableRef):
        return _known(context, leg.name)
    if isinstance(leg, ast.Union):
        return any(_resolvable(context, inner) for inner in leg.legs)
    return True


def resolve_legs(context: QueryContext, node: ast.Union) -> list[tuple[str | None, ast.Tabular]]:
    """The legs to run, each with the name `withsource` reports (None: an expression leg)."""
    legs: list[tuple[str | None, ast.Tabular]] = []
    for leg in node.legs:
        if isinstance(leg, ast.TablePattern):
            names = _matching(context, leg.pattern)
            if not names and not node.fuzzy:
                raise context.error(f"union: no table matches '{leg.pattern}'", leg.offset)
            legs += [(n, ast.TableRef(n, offset=leg.offset)) for n in names]
        elif node.fuzzy and not _resolvable(context, leg):
            continue
        elif isinstance(leg, ast.TableRef) and not leg.args and not leg.named_args:
            legs.append((leg.name, leg))
        else:
            legs.append((None, leg))
    return legs


def _matching(context: QueryContext, pattern: str) -> list[str]:
    """Tables and `view` functions whose names match a wildcard, by name. ASIM names are
    functions (parsers) in Sentinel, not tables, so a wildcard does not reach them."""
    views = [n for n, f in context.functions.items() if f.view and not f.parameters]
    candidates = [n for n in context.tables if is_wildcard_table(n)] + views
    return sorted({n for n in candidates if fnmatch.fnmatchcase(n, pattern)})


def is_wildcard_table(name: str) -> bool:
    """Whether `union *` and `search` reach a table of this name: not a watchlist, and not an
    ASIM parser (`imProcessCreate`, `_Im_Dns`, `ASimProcessEvent`, `vimProcessCreate...`; the
    native `ASim...Logs` tables are tables)."""
    if name.startswith(_HIDDEN_PREFIXES):
        return False
    return not _ASIM_PARSER.match(name) or name.endswith("Logs")


def _schema(relations: list[Relation], kind: str) -> list[tuple[str, str, KqlType]]:
    """The output columns: (output name, column name in the legs, type)."""
    if kind == "inner":
        first = relations[0].columns
        return [
            (n, n, t) for n, t in first.items() if all(r.columns.get(n) is t for r in relations[1:])
        ]
    types: dict[str, list[KqlType]] = {}
    for relation in relations:
        for name, kql_type in relation.columns.items():
            seen = types.setdefault(name, [])
            if kql_type not in seen:
                seen.append(kql_type)
    real_names = set(types)
    schema: list[tuple[str, str, KqlType]] = []
    used: set[str] = set()
    for name, kinds in types.items():
        if len(kinds) == 1:
            schema.append((name, name, kinds[0]))
            used.add(name)
            continue
        for kql_type in kinds:
            out = f"{name}_{kql_type.value}"
            if out in real_names or out in used:
                index = 1
                while f"{out}{index}" in real_names or f"{out}{index}" in used:
                    index += 1
                out = f"{out}{index}"
            schema.append((out, name, kql_type))
            used.add(out)
    return schema
