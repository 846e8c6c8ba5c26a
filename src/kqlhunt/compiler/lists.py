"""Set-membership operators: `in`, `!in`, `in~`, `!in~`, `has_any`, `has_all`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler import strings
from kqlhunt.compiler.expressions import comparable, literal
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler


def _flatten(value: object) -> list[object]:
    """Nested arrays in a list operand are flattened: x in (dynamic([1,[2,3]])) is x in (1,2,3)."""
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _kql_type_of(value: object) -> KqlType:
    if isinstance(value, bool):
        return KqlType.BOOL
    if isinstance(value, int):
        return KqlType.LONG
    if isinstance(value, float):
        return KqlType.REAL
    if isinstance(value, str):
        return KqlType.STRING
    return KqlType.DYNAMIC


def compile_in_list(compiler: ExpressionCompiler, node: ast.InList) -> Typed:
    op = node.op
    value = compiler.compile(node.left)

    if len(node.items) == 1 and isinstance(node.items[0], ast.TabularSubquery):
        return _in_subquery(compiler, node, value, node.items[0])
    if len(node.items) == 1 and isinstance(node.items[0], ast.Name | ast.Call):
        from kqlhunt.compiler.functions_user import as_tabular

        # `x in (T)` with T a tabular let, a table or a tabular function call.
        if (tabular := as_tabular(compiler.context, node.items[0])) is not None:
            subquery = ast.TabularSubquery(tabular, offset=node.items[0].offset)
            return _in_subquery(compiler, node, value, subquery)

    items: list[Typed] = []
    offsets: list[int] = []
    for item_node in node.items:
        item = compiler.compile(item_node)
        if item.is_constant and item.type is KqlType.DYNAMIC:
            flat = [literal(v, _kql_type_of(v)) for v in _flatten(item.constant) if v is not None]
        else:
            flat = [item]
        items += flat
        offsets += [item_node.offset] * len(flat)

    if op in ("has_any", "has_all", "!has_any"):
        return _has_list(compiler, node, value, items, offsets)

    case_insensitive = op.endswith("~")
    negated = op.startswith("!")
    if case_insensitive:
        value = compiler.convert(value, KqlType.STRING)
        items = [compiler.convert(i, KqlType.STRING) for i in items]
    for item, offset in zip(items, offsets, strict=True):
        if not comparable(value.type, item.type):
            raise compiler.context.error(
                f"'{op}' compares {value.type.value} with an item of type {item.type.value}",
                offset,
            )
    if not items:
        return literal(negated, KqlType.BOOL)

    def member(fold: strings.Fold) -> exp.Expr:
        return exp.In(this=fold(value.sql), expressions=[fold(i.sql) for i in items])

    test = strings.ignoring_case(member) if case_insensitive else member(strings.as_is)
    if negated:
        test = exp.Not(this=exp.paren(test))
    # Kusto: a null value is never in the list, so `!in` holds for it.
    fallback = exp.true() if negated else exp.false()
    return Typed(exp.Coalesce(this=test, expressions=[fallback]), KqlType.BOOL)


def _has_list(
    compiler: ExpressionCompiler,
    node: ast.InList,
    value: Typed,
    items: list[Typed],
    offsets: list[int],
) -> Typed:
    text = compiler.convert(value, KqlType.STRING)
    needles: list[str] = []
    for item, offset in zip(items, offsets, strict=True):
        if not item.is_constant:
            raise compiler.context.unsupported(
                f"'{node.op}' with a list item that is not a constant", offset
            )
        needles.append(_text_of(item.constant))
    if node.op == "has_all":
        if not needles:
            return literal(True, KqlType.BOOL)
        return Typed(exp.and_(*(strings.has(text.sql, n, False) for n in needles)), KqlType.BOOL)
    sql = strings.has_any(text.sql, needles, False)
    if node.op == "!has_any":
        sql = exp.Not(this=exp.paren(sql))
    return Typed(sql, KqlType.BOOL)


def _in_subquery(
    compiler: ExpressionCompiler, node: ast.InList, value: Typed, item: ast.TabularSubquery
) -> Typed:
    from kqlhunt.compiler.tabular import TabularCompiler

    relation = TabularCompiler(compiler.context).compile(item.query)
    first, first_type = next(iter(relation.columns.items()))
    source = relation.select.subquery(compiler.context.fresh_alias(), copy=False)
    negated = node.op.startswith("!")
    if not node.op.endswith("~"):
        subquery = exp.select(exp.column(first, quoted=True)).from_(source)
        test: exp.Expr = exp.In(this=value.sql, query=exp.Subquery(this=subquery))
    else:
        # Both sides as text, folded as Kusto folds them (ASCII letters only).
        text = compiler.convert(value, KqlType.STRING).sql
        column = compiler.convert(Typed(exp.column(first, quoted=True), first_type), KqlType.STRING)
        folded = exp.select(strings.lower_ascii(column.sql)).from_(source)
        test = exp.In(this=strings.lower_ascii(text), query=exp.Subquery(this=folded))
    if negated:
        test = exp.Not(this=exp.paren(test))
    fallback = exp.true() if negated else exp.false()
    return Typed(exp.Coalesce(this=test, expressions=[fallback]), KqlType.BOOL)
