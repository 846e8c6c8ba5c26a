"""`evaluate pivot(PivotColumn [, Aggregation] [, Column, ...])`: one column per value.

The values of the pivot column are read from the data (see `evaluate.probe`); the plugin then
compiles as a `summarize` that applies the conditional form of the aggregation to each value:
`count()` becomes `countif(tostring(P) == "v")`, `any(X)` becomes `take_anyif(X, ...)`, and so
on. It groups by the given columns, or by every other column when none is given (the pivot
column and the columns the aggregation reads excepted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.evaluate import probe, settled
from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

# aggregation -> its form with a predicate as the last argument
_CONDITIONAL = {
    "count": "countif",
    "countif": "countif",
    "any": "take_anyif",
    "take_any": "take_anyif",
    "sum": "sumif",
    "min": "minif",
    "max": "maxif",
    "avg": "avgif",
    "dcount": "dcountif",
    "make_set": "make_set_if",
    "make_list": "make_list_if",
}


def pivot(tc: TabularCompiler, relation: Relation, node: ast.Evaluate) -> Relation:
    context = tc.context
    if node.schema is not None or node.named_args:
        raise context.unsupported("evaluate pivot() with an output schema", node.offset)
    if not node.args or not isinstance(node.args[0], ast.Name):
        raise context.error("pivot() takes the pivot column first", node.offset)
    column = node.args[0].name
    if column not in relation.columns:
        raise context.error(f"pivot(): unknown column '{column}'", node.args[0].offset)
    rest = list(node.args[1:])
    aggregation = ast.Call("count", (), offset=node.offset)
    if rest and isinstance(first := rest[0], ast.Call):
        aggregation, rest = first, rest[1:]
    conditional = _CONDITIONAL.get(aggregation.name)
    if conditional is None:
        raise context.unsupported(
            f"pivot() with the aggregation '{aggregation.name}()'", node.offset
        )
    groups: list[str] = []
    for item in rest:
        if not isinstance(item, ast.Name) or item.name not in relation.columns:
            raise context.error("pivot(): the grouping arguments must be columns", item.offset)
        groups.append(item.name)
    if not rest:
        read = {n.name for n in ast.walk(aggregation, into_tables=False) if isinstance(n, ast.Name)}
        groups = [n for n in relation.columns if n != column and n not in read]

    relation = settled(tc, relation)
    values = _values(tc, relation, column, node)
    taken = set(groups)
    aggregates: list[ast.Assignment] = []
    for value in values:
        if value in taken:
            raise context.error(
                f"pivot(): the value '{value}' of '{column}' names a column twice", node.offset
            )
        taken.add(value)
        matches = ast.Binary(
            "==",
            ast.Call("tostring", (ast.Name(column, offset=node.offset),), offset=node.offset),
            ast.Literal(value, KqlType.STRING, offset=node.offset),
            offset=node.offset,
        )
        call = ast.Call(conditional, (*aggregation.args, matches), offset=aggregation.offset)
        if aggregation.name == "countif":  # countif(p) -> countif(p and value matches)
            predicate = ast.Binary("and", aggregation.args[0], matches, offset=node.offset)
            call = ast.Call("countif", (predicate,), offset=aggregation.offset)
        aggregates.append(ast.Assignment(value, call, offset=node.offset))
    by = tuple(ast.Assignment(None, ast.Name(g, offset=node.offset)) for g in groups)
    return tc.visit_Summarize(relation, ast.Summarize(tuple(aggregates), by, offset=node.offset))


def _values(tc: TabularCompiler, relation: Relation, column: str, node: ast.Evaluate) -> list[str]:
    """The distinct values of the pivot column as text, in alphabetical order (null left out)."""
    context = tc.context
    text = convert(Typed(exp.column(column, quoted=True), relation.columns[column]), KqlType.STRING)
    source = relation.select.subquery(context.fresh_alias(), copy=False)
    select = exp.select(aliased(text.sql, "value")).distinct().from_(source, copy=False)
    rows = probe(tc, node, select, {"value": KqlType.STRING})
    values = sorted({str(row[0]) for row in rows if row[0] is not None})
    if "" in values:
        raise context.unsupported(
            f"pivot() over an empty value of '{column}'",
            node.offset,
            "an empty value cannot name a column; filter it out first",
        )
    return values
