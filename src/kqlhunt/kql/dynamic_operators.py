"""Syntax of the operators over dynamic values and text: mv-expand, mv-apply, parse, evaluate.

Each function reads one operator after its name and returns its syntax node; the parser
dispatches to them through `OPERATORS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kqlhunt.kql import ast
from kqlhunt.kql.tokens import TokenType
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.kql.parser import Parser

_EXPAND_KINDS = ("bag", "array")
_PARSE_KINDS = ("simple", "regex", "relaxed")


def _expand_options(p: Parser) -> tuple[str, str | None]:
    """`kind=`, `bagexpansion=` and `with_itemindex=` before the expanded columns."""
    kind, index = "bag", None
    while p.tok.is_word("kind", "bagexpansion", "with_itemindex") and p.peek().is_op("="):
        word = p.advance().text
        p.advance()
        if word == "with_itemindex":
            index = p.expect_name("the item index column name")
            continue
        value = p.tok
        kind = p.expect_name(f"'bag' or 'array' after '{word}='")
        if kind not in _EXPAND_KINDS:
            raise p.error(f"expected 'bag' or 'array' after '{word}=', found {kind!r}", value)
    return kind, index


def _expand_item(p: Parser) -> ast.ExpandItem:
    start = p.tok
    name: str | None = None
    if start.type is TokenType.IDENTIFIER and p.peek().is_op("="):
        name = str(p.advance().value)
        p.advance()
    expr = p.parse_expr()
    to_type: KqlType | None = None
    if p.accept_word("to"):
        p.expect_word("typeof", "after 'to'")
        p.expect_op("(", "after 'typeof'")
        to_type = p.parse_type_name()
        p.expect_op(")", "to close 'typeof('")
    return ast.ExpandItem(name, expr, to_type, offset=start.offset)


def _expand_items(p: Parser) -> tuple[ast.ExpandItem, ...]:
    items = [_expand_item(p)]
    while p.accept_op(","):
        items.append(_expand_item(p))
    return tuple(items)


def _limit(p: Parser) -> ast.Expr | None:
    return p.parse_expr() if p.accept_word("limit") else None


def parse_mv_expand(p: Parser, offset: int) -> ast.Operator:
    kind, index = _expand_options(p)
    items = _expand_items(p)
    return ast.MvExpand(items, kind, index, _limit(p), offset=offset)


def parse_legacy_mvexpand(p: Parser, offset: int) -> ast.Operator:
    kind, index = _expand_options(p)
    items = _expand_items(p)
    return ast.MvExpand(items, kind, index, _limit(p), legacy=True, offset=offset)


def parse_mv_apply(p: Parser, offset: int) -> ast.Operator:
    kind, index = _expand_options(p)
    items = _expand_items(p)
    limit = _limit(p)
    p.expect_word("on", "before the subquery of 'mv-apply'")
    p.expect_op("(", "after 'on'")
    p.accept_op("|")
    operators = [p.parse_operator()]
    while p.accept_op("|"):
        operators.append(p.parse_operator())
    p.expect_op(")", "to close the subquery of 'mv-apply'")
    return ast.MvApply(items, tuple(operators), kind, index, limit, offset=offset)


def _parse_options(p: Parser) -> tuple[str, str]:
    kind, flags = "simple", ""
    while p.tok.is_word("kind", "flags") and p.peek().is_op("="):
        word = p.advance().text
        p.advance()
        value = p.tok
        text = p.expect_name(f"a value after '{word}='")
        if word == "flags":
            flags = text
        elif text not in _PARSE_KINDS:
            raise p.error(f"expected simple, regex or relaxed after 'kind=', found {text!r}", value)
        else:
            kind = text
    return kind, flags


def _parse_parts(p: Parser) -> tuple[ast.ParsePart, ...]:
    parts: list[ast.ParsePart] = []
    while not p.at_operator_end():
        token = p.tok
        if token.is_op("*"):
            p.advance()
            parts.append(ast.ParsePart("star", offset=token.offset))
        elif token.type is TokenType.STRING:
            p.advance()
            parts.append(ast.ParsePart("text", str(token.value), offset=token.offset))
        elif token.type is TokenType.IDENTIFIER:
            name = str(p.advance().value)
            kql_type = p.parse_type_name() if p.accept_op(":") else KqlType.STRING
            parts.append(ast.ParsePart("column", name, kql_type, offset=token.offset))
        else:
            raise p.error(
                f"expected '*', a string constant or a column name in the parse pattern, "
                f"found {p.describe(token)}"
            )
    if not any(part.kind == "column" for part in parts):
        raise p.error("the parse pattern names no column to extract")
    return tuple(parts)


def _parse(p: Parser, offset: int, keep_failures: bool) -> ast.Operator:
    kind, flags = _parse_options(p)
    source = p.parse_expr()
    p.expect_word("with", "after the parsed expression")
    parts = _parse_parts(p)
    return ast.Parse(source, parts, kind, flags, keep_failures, offset=offset)


def parse_parse(p: Parser, offset: int) -> ast.Operator:
    return _parse(p, offset, keep_failures=True)


def parse_parse_where(p: Parser, offset: int) -> ast.Operator:
    return _parse(p, offset, keep_failures=False)


def parse_evaluate(p: Parser, offset: int) -> ast.Operator:
    p.skip_hints()
    plugin = p.expect_name("a plugin name after 'evaluate'")
    args, named = p.parse_call_args()
    schema: list[tuple[str, KqlType]] | None = None
    keeps_input = False
    if p.accept_op(":"):
        p.expect_op("(", "before the output schema")
        schema = []
        if p.accept_op("*"):
            keeps_input = True
            p.accept_op(",")
        while not p.tok.is_op(")"):
            name = p.expect_name("a column name in the output schema")
            p.expect_op(":", f"after '{name}' in the output schema")
            schema.append((name, p.parse_type_name()))
            if not p.accept_op(","):
                break
        p.expect_op(")", "to close the output schema")
    return ast.Evaluate(
        plugin,
        args,
        named,
        tuple(schema) if schema is not None else None,
        keeps_input,
        offset=offset,
    )


OPERATORS: dict[str, Callable[[Parser, int], ast.Operator]] = {
    "mv-expand": parse_mv_expand,
    "mvexpand": parse_legacy_mvexpand,
    "mv-apply": parse_mv_apply,
    "parse": parse_parse,
    "parse-where": parse_parse_where,
    "evaluate": parse_evaluate,
}

# What the support table says of the operators above that run only in part.
PARTIAL_SUPPORT: dict[str, str] = {
    "mv-apply": (
        "subqueries of where, extend, project*, parse, mv-expand, summarize, count, distinct, "
        "sort, take and top; other operators inside it: explicit error"
    ),
    "evaluate": (
        "bag_unpack and pivot (their columns read from the data when no output schema is "
        "given); other plugins: explicit error"
    ),
}
