"""`evaluate` plugins: `bag_unpack` and `pivot`.

Their output columns depend on the data: the keys of the bags, the values of the pivot column.
With an output schema (`T | evaluate bag_unpack(d) : (*, Name: string, Age: long)`) the query
says them; without one the compiler asks the data through the context's probe, as Kusto does
when it runs the query, and compiles against what it finds. With no data at hand (a query
compiled alone, as `lint` compiles) they are refused by name. Where the engine can hold an
intermediate table, the plugin's input is computed once into one (`settled`), and both the probe
and the query read it: an input that parses XML or expands arrays is not computed twice.

`bag_unpack` adds the keys in alphabetical order after the input's other columns, each typed by
its values (whole numbers long, other numbers real, text string, true/false bool, anything else
or a mix dynamic). `pivot` groups by the columns it is given (all others when none) and adds one
column per value of the pivot column, in alphabetical order, holding the aggregation (`count()`
when none is given) over that value's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.dynamic import computed_key_path, extract, is_bag, json_type, key_path
from kqlhunt.compiler.relation import Relation, aliased, reading
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

_CONFLICT_RULES = ("error", "replace_source", "keep_source")


def evaluate(tc: TabularCompiler, relation: Relation, node: ast.Evaluate) -> Relation:
    if node.plugin == "bag_unpack":
        return bag_unpack(tc, relation, node)
    if node.plugin == "pivot":
        from kqlhunt.compiler.pivot import pivot

        return pivot(tc, relation, node)
    raise tc.context.unsupported(f"the '{node.plugin}' plugin of evaluate", node.offset)


def probe(
    tc: TabularCompiler, node: ast.Evaluate, select: exp.Select, columns: dict[str, KqlType]
) -> list[tuple[Any, ...]]:
    """The rows of `select` over the data, or the plugin refused by name when none is at hand."""
    if tc.context.probe is None:
        raise tc.context.unsupported(
            f"evaluate {node.plugin}() without an output schema, outside the engine",
            node.offset,
            "its columns come from the data; run the query over data, or give the schema",
        )
    return tc.context.probe(select, columns)


def settled(tc: TabularCompiler, relation: Relation) -> Relation:
    """The relation computed once into a table of the engine, or as it is where the engine
    cannot hold one; the same rows and columns either way."""
    materialize = tc.context.materialize
    if materialize is None:
        return relation
    return reading(materialize(relation.select, relation.columns), relation)


# DuckDB's json_type names -> the column type a key takes.
_JSON_TYPES = {
    "BIGINT": KqlType.LONG,
    "UBIGINT": KqlType.LONG,
    "DOUBLE": KqlType.REAL,
    "VARCHAR": KqlType.STRING,
    "BOOLEAN": KqlType.BOOL,
}


def _bag_keys(
    tc: TabularCompiler, relation: Relation, column: str, node: ast.Evaluate
) -> dict[str, KqlType]:
    """The keys of the bags in `column`, in alphabetical order, each typed by its values."""
    context = tc.context
    bag = exp.column(column, quoted=True)
    source = relation.select.subquery(context.fresh_alias(), copy=False)
    keys = exp.select(
        aliased(bag.copy(), "bag"), aliased(exp.Explode(this=exp.JSONKeys(this=bag.copy())), "k")
    ).from_(source, copy=False)
    keys = keys.where(is_bag(bag.copy()), copy=False)
    value = extract(exp.column("bag", quoted=True), computed_key_path(exp.column("k")))
    typed = exp.select(
        aliased(exp.column("k"), "key"), aliased(json_type(value), "type")
    ).distinct()
    typed = typed.from_(keys.subquery(context.fresh_alias(), copy=False), copy=False)
    found: dict[str, set[KqlType]] = {}
    for key, json_name in probe(tc, node, typed, {"key": KqlType.STRING, "type": KqlType.STRING}):
        kinds = found.setdefault(str(key), set())
        if json_name:
            kinds.add(_JSON_TYPES.get(str(json_name), KqlType.DYNAMIC))
    return {key: _column_type(kinds) for key, kinds in sorted(found.items())}


def _column_type(kinds: set[KqlType]) -> KqlType:
    if kinds == {KqlType.LONG, KqlType.REAL}:
        return KqlType.REAL
    return kinds.pop() if len(kinds) == 1 else KqlType.DYNAMIC


def _constant_texts(tc: TabularCompiler, relation: Relation, node: ast.Expr, what: str) -> set[str]:
    value = tc.scalar(relation).compile(node)
    items = value.constant if value.is_constant else None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise tc.context.error(f"{what} must be a constant dynamic array of strings", node.offset)
    return set(items)


def _constant_text(tc: TabularCompiler, relation: Relation, node: ast.Expr, what: str) -> str:
    value = tc.scalar(relation).compile(node)
    if not value.is_constant or not isinstance(value.constant, str):
        raise tc.context.error(f"{what} must be a constant string", node.offset)
    return value.constant


def bag_unpack(tc: TabularCompiler, relation: Relation, node: ast.Evaluate) -> Relation:
    context = tc.context
    if not 1 <= len(node.args) <= 2 or not isinstance(node.args[0], ast.Name):
        raise context.error(
            "bag_unpack() takes a dynamic column and an optional column prefix", node.offset
        )
    column = node.args[0].name
    if relation.columns.get(column) is not KqlType.DYNAMIC:
        raise context.error(f"bag_unpack(): '{column}' is not a dynamic column", node.offset)
    prefix = _constant_text(tc, relation, node.args[1], "the prefix") if len(node.args) > 1 else ""
    conflicts = "error"
    ignored: set[str] = set()
    for name, value in node.named_args:
        if name == "columnsConflict":
            conflicts = _constant_text(tc, relation, value, "columnsConflict")
            if conflicts not in _CONFLICT_RULES:
                raise context.error(
                    f"columnsConflict must be one of {', '.join(_CONFLICT_RULES)}", value.offset
                )
        elif name == "ignoredProperties":
            ignored = _constant_texts(tc, relation, value, "ignoredProperties")
        else:
            raise context.error(f"bag_unpack() has no parameter '{name}'", value.offset)

    bag = relation.column_sql(column)
    if node.schema is None:
        relation = settled(tc, relation)
        keys = _bag_keys(tc, relation, column, node)
        unpacked = {prefix + k: t for k, t in keys.items() if k not in ignored}
        keeps_input, in_place = True, True
    else:  # the schema already says which properties to read
        unpacked, keeps_input, in_place = dict(node.schema), node.keeps_input, False
    kept = {n: t for n, t in relation.columns.items() if n != column} if keeps_input else {}
    projections: list[exp.Expr] = []
    columns: dict[str, KqlType] = {}
    for name, kql_type in kept.items():
        if name in unpacked and conflicts == "error":
            raise context.error(
                f"bag_unpack(): the property '{name}' collides with a column of the same name "
                "(use columnsConflict='replace_source' or 'keep_source')",
                node.offset,
            )
        if name in unpacked and conflicts == "replace_source":
            if not in_place:
                continue
            found = Typed(extract(bag.copy(), key_path(name[len(prefix) :])), KqlType.DYNAMIC)
            projections.append(aliased(convert(found, unpacked[name]).sql, name))
            columns[name] = unpacked[name]
            continue
        projections.append(relation.column_sql(name))
        columns[name] = kql_type
    for name, kql_type in unpacked.items():
        if name in columns:
            continue
        if not name.startswith(prefix):
            raise context.error(
                f"bag_unpack(): the output column '{name}' lacks the prefix '{prefix}'",
                node.offset,
            )
        found = Typed(extract(bag.copy(), key_path(name[len(prefix) :])), KqlType.DYNAMIC)
        projections.append(aliased(convert(found, kql_type).sql, name))
        columns[name] = kql_type
    return tc.wrap(relation, projections, columns)
