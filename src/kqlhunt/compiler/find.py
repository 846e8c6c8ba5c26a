"""`find`: the rows of several tables that a predicate matches, in one result.

The predicate is evaluated in each table, a column that table lacks reading as null; a table
holding none of the columns the predicate names is left out. The result starts with the source
column (`source_`, or the `withsource` name) holding each row's table. With `project-smart` (the
default) the columns are those every kept table has, then the predicate's other columns, then
`pack_`, a bag of each row's remaining columns (only when some table has any). With `project`
the columns are the listed ones, null in a table that lacks them, converted where a type is
given (`Col: string`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kqlhunt.compiler.relation import Relation
from kqlhunt.compiler.union import resolve_legs
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

PACK_COLUMN = "pack_"

_CONVERSIONS = {
    KqlType.STRING: "tostring",
    KqlType.LONG: "tolong",
    KqlType.INT: "toint",
    KqlType.REAL: "toreal",
    KqlType.DECIMAL: "todecimal",
    KqlType.BOOL: "tobool",
    KqlType.DATETIME: "todatetime",
    KqlType.TIMESPAN: "totimespan",
    KqlType.DYNAMIC: "todynamic",
    KqlType.GUID: "toguid",
}


def find(tc: TabularCompiler, node: ast.Find) -> Relation:
    context = tc.context
    legs = node.legs or (ast.TablePattern("*", offset=node.offset),)
    tables = [
        (name or f"find_arg{index}", tc.compile(leg).columns)
        for index, (name, leg) in enumerate(resolve_legs(context, ast.Union(legs)))
    ]
    every = {n: t for _, columns in tables for n, t in columns.items()}
    named = set(_predicate_columns(node.predicate, every))
    kept = [(name, columns) for name, columns in tables if not named or named & columns.keys()]

    types: dict[str, KqlType] = {}
    for _, columns in kept:
        for column, kql_type in columns.items():
            if types.setdefault(column, kql_type) is not kql_type:
                raise context.unsupported(
                    f"find over tables whose column '{column}' differs in type", node.offset
                )
    if node.source_column in types:
        raise context.error(
            f"find: the source column '{node.source_column}' is also a column of a table",
            node.offset,
        )
    output, pack = _output(tc, node, kept, types)

    pipelines: list[ast.Tabular] = []
    for name, columns in kept:
        pipelines.append(_leg(node, name, columns, types, output, pack))
    if not pipelines:
        raise context.error("find: no table holds a column the predicate names", node.offset)
    union = ast.Union(tuple(pipelines), offset=node.offset)
    order = [node.source_column, *(c for c, _ in output), *([PACK_COLUMN] if pack else [])]
    shaped = ast.Project(
        tuple(ast.Assignment(None, ast.Name(c, offset=node.offset)) for c in order),
        offset=node.offset,
    )
    return tc.compile(ast.Pipeline(union, (shaped,), offset=node.offset))


def _predicate_columns(predicate: ast.Expr, every: dict[str, KqlType]) -> list[str]:
    """The columns of any table that the predicate names, in the order it names them."""
    found: list[str] = []
    for n in ast.walk(predicate, into_tables=False):
        name = n.name if isinstance(n, ast.Name) else None
        if isinstance(n, ast.SearchTerm):
            name = n.column
        if name is not None and name in every and name not in found:
            found.append(name)
    return found


def _output(
    tc: TabularCompiler,
    node: ast.Find,
    kept: list[tuple[str, dict[str, KqlType]]],
    types: dict[str, KqlType],
) -> tuple[list[tuple[str, KqlType | None]], bool]:
    """The result columns after the source column (with the type to convert to, if any), and
    whether a `pack_` bag follows them."""
    if node.project is not None:
        for column, _ in node.project:
            if column not in types:
                raise tc.context.error(f"find: no table has the column '{column}'", node.offset)
        return list(node.project), False
    first = kept[0][1] if kept else {}
    common = [c for c in first if all(c in columns for _, columns in kept)]
    explicit = _predicate_columns(node.predicate, types)
    chosen = common + [c for c in explicit if c not in common]
    pack = any(set(columns) - set(chosen) for _, columns in kept)
    return [(c, None) for c in chosen], pack


def _leg(
    node: ast.Find,
    table: str,
    columns: dict[str, KqlType],
    types: dict[str, KqlType],
    output: list[tuple[str, KqlType | None]],
    pack: bool,
) -> ast.Tabular:
    """`table | extend <missing predicate columns> = null | search <predicate> | project ...`."""
    at = node.offset
    missing = [c for c in _predicate_columns(node.predicate, types) if c not in columns]
    operators: list[ast.Operator] = []
    if missing:
        nulls = tuple(ast.Assignment(c, _null(types[c], at), offset=at) for c in missing)
        operators.append(ast.Extend(nulls, offset=at))
    operators.append(ast.Search(node.predicate, offset=at))

    items = [ast.Assignment(node.source_column, ast.Literal(table, KqlType.STRING), offset=at)]
    for column, wanted in output:
        if column not in columns:
            continue
        value: ast.Expr = ast.Name(column, offset=at)
        if wanted is not None and wanted is not columns[column]:
            value = ast.Call(_CONVERSIONS[wanted], (value,), offset=at)
        items.append(ast.Assignment(column, value, offset=at))
    if pack:
        chosen = {c for c, _ in output}
        pairs: list[ast.Expr] = []
        for column in columns:
            if column not in chosen:
                pairs += [ast.Literal(column, KqlType.STRING), ast.Name(column, offset=at)]
        items.append(ast.Assignment(PACK_COLUMN, ast.Call("bag_pack", tuple(pairs)), offset=at))
    operators.append(ast.Project(tuple(items), offset=at))
    return ast.Pipeline(ast.TableRef(table, offset=at), tuple(operators), offset=at)


def _null(kql_type: KqlType, offset: int) -> ast.Expr:
    return ast.Literal(None, kql_type, offset=offset)
