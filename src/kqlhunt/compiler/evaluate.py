"""`evaluate` plugins. `bag_unpack` runs when the query names its output columns:

    T | evaluate bag_unpack(d) : (*, Name: string, Age: long)

Without that schema the output columns would depend on the keys found in the data, which a
compiled query cannot know, so kqlhunt asks for the schema instead of guessing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.dynamic import extract, key_path
from kqlhunt.compiler.relation import Relation, aliased
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
        raise tc.context.unsupported(
            "evaluate pivot()",
            node.offset,
            "its output columns are the values found in the data",
        )
    raise tc.context.unsupported(f"the '{node.plugin}' plugin of evaluate", node.offset)


def _constant_text(tc: TabularCompiler, relation: Relation, node: ast.Expr, what: str) -> str:
    value = tc.scalar(relation).compile(node)
    if not value.is_constant or not isinstance(value.constant, str):
        raise tc.context.error(f"{what} must be a constant string", node.offset)
    return value.constant


def bag_unpack(tc: TabularCompiler, relation: Relation, node: ast.Evaluate) -> Relation:
    context = tc.context
    if node.schema is None:
        raise context.unsupported(
            "evaluate bag_unpack() without an output schema",
            node.offset,
            "the columns come from the data; name them: bag_unpack(d) : (*, Key: string)",
        )
    if not 1 <= len(node.args) <= 2 or not isinstance(node.args[0], ast.Name):
        raise context.error(
            "bag_unpack() takes a dynamic column and an optional column prefix", node.offset
        )
    column = node.args[0].name
    if relation.columns.get(column) is not KqlType.DYNAMIC:
        raise context.error(f"bag_unpack(): '{column}' is not a dynamic column", node.offset)
    prefix = _constant_text(tc, relation, node.args[1], "the prefix") if len(node.args) > 1 else ""
    conflicts = "error"
    for name, value in node.named_args:
        if name == "columnsConflict":
            conflicts = _constant_text(tc, relation, value, "columnsConflict")
            if conflicts not in _CONFLICT_RULES:
                raise context.error(
                    f"columnsConflict must be one of {', '.join(_CONFLICT_RULES)}", value.offset
                )
        elif name != "ignoredProperties":  # the schema already says which properties to read
            raise context.error(f"bag_unpack() has no parameter '{name}'", value.offset)

    bag = relation.column_sql(column)
    kept = {n: t for n, t in relation.columns.items() if n != column} if node.keeps_input else {}
    projections: list[exp.Expr] = []
    columns: dict[str, KqlType] = {}
    unpacked: dict[str, KqlType] = dict(node.schema)
    for name, kql_type in kept.items():
        if name in unpacked and conflicts == "error":
            raise context.error(
                f"bag_unpack(): the property '{name}' collides with a column of the same name "
                "(use columnsConflict='replace_source' or 'keep_source')",
                node.offset,
            )
        if name in unpacked and conflicts == "replace_source":
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
