"""Syntax of the operators that combine tables or name them: join, lookup, union, range,
serialize, as, invoke, materialize, and user-defined functions bound by `let`.

Each function reads one construct after its first word and returns its syntax node; the parser
dispatches to the operators through `OPERATORS` and to the sources from `parse_source`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kqlhunt.kql import ast
from kqlhunt.kql.tokens import TokenType

if TYPE_CHECKING:
    from kqlhunt.kql.parser import Parser

# Join kinds as written -> the canonical kind.
JOIN_KINDS = {
    "innerunique": "innerunique",
    "inner": "inner",
    "leftouter": "leftouter",
    "rightouter": "rightouter",
    "fullouter": "fullouter",
    "leftsemi": "leftsemi",
    "leftanti": "leftanti",
    "anti": "leftanti",
    "leftantisemi": "leftanti",
    "rightsemi": "rightsemi",
    "rightanti": "rightanti",
    "rightantisemi": "rightanti",
}
LOOKUP_KINDS = ("leftouter", "inner")
UNION_KINDS = ("outer", "inner")


def _option_value(p: Parser, word: str) -> str:
    token = p.tok
    if token.type is not TokenType.IDENTIFIER:
        raise p.error(f"expected a value after '{word}=', found {p.describe(token)}")
    p.advance()
    return token.text


def parse_kind_and_hints(p: Parser, kinds: dict[str, str], operator: str) -> str | None:
    """`kind=K` and `hint.x=y` in any order before an operator's arguments; `kinds` maps each
    spelling to its kind, and hints change nothing."""
    kind = None
    while True:
        if p.tok.is_word("kind") and p.peek().is_op("="):
            p.advance()
            p.advance()
            token = p.tok
            value = _option_value(p, "kind")
            if value not in kinds:
                known = ", ".join(sorted(kinds))
                raise p.error(f"unknown {operator} kind {value!r} (known: {known})", token)
            kind = kinds[value]
        elif p.tok.is_word("hint") and p.peek().is_op("."):
            _skip_hint(p)
        else:
            return kind


def _skip_hint(p: Parser) -> None:
    """`hint.name=value`: the value is one token, so `hint.strategy=broadcast (R)` is no call."""
    p.advance()
    p.expect_op(".", "after 'hint'")
    name = p.expect_name("a hint name")
    p.expect_op("=", f"after 'hint.{name}'")
    p.advance()


def _right_side(p: Parser) -> ast.Tabular:
    if p.tok.is_op("(") or p.tok.type is TokenType.IDENTIFIER:
        return p.parse_source()
    raise p.error(f"expected the right side in parentheses, found {p.describe(p.tok)}")


def _side_column(p: Parser, side: str) -> str:
    token = p.tok
    if not token.is_word(side):
        raise p.error(f"expected '{side}.column', found {p.describe(token)}")
    p.advance()
    p.expect_op(".", f"after '{side}'")
    return p.expect_name(f"a column name after '{side}.'")


def _join_key(p: Parser) -> ast.JoinKey:
    token = p.tok
    if token.is_word("$left", "$right"):
        first = token.text
        a = _side_column(p, first)
        if not p.tok.is_op("=="):
            raise p.error("join conditions compare with '==' only", p.tok)
        p.advance()
        second = "$right" if first == "$left" else "$left"
        b = _side_column(p, second)
        left, right = (a, b) if first == "$left" else (b, a)
        return ast.JoinKey(left, right, offset=token.offset)
    name = p.expect_name("a column name or '$left.column' in the join condition")
    return ast.JoinKey(name, name, offset=token.offset)


def _join_keys(p: Parser, operator: str) -> tuple[ast.JoinKey, ...]:
    p.expect_word("on", f"after the right side of '{operator}'")
    keys = [_join_key(p)]
    while p.accept_op(",") or p.accept_word("and"):
        keys.append(_join_key(p))
    return tuple(keys)


def parse_join(p: Parser, offset: int) -> ast.Operator:
    kind = parse_kind_and_hints(p, JOIN_KINDS, "join") or "innerunique"
    right = _right_side(p)
    if p.tok.is_word("where"):
        raise p.unsupported("join conditions in a 'where' clause", p.tok.offset)
    return ast.Join(kind, right, _join_keys(p, "join"), offset=offset)


def parse_lookup(p: Parser, offset: int) -> ast.Operator:
    kind = parse_kind_and_hints(p, {k: k for k in LOOKUP_KINDS}, "lookup") or "leftouter"
    right = _right_side(p)
    return ast.Lookup(kind, right, _join_keys(p, "lookup"), offset=offset)


# -- union ---------------------------------------------------------------------------------------


def _union_leg(p: Parser) -> ast.Tabular:
    token = p.tok
    if token.is_op("("):
        return p.parse_source()
    if token.is_op("*") or token.type is TokenType.IDENTIFIER:
        pattern = p.parse_name_pattern()
        if "*" in pattern:
            return ast.TablePattern(pattern, offset=token.offset)
        if p.tok.is_op("("):
            args, named = p.parse_call_args()
            return ast.TableRef(pattern, args, named, offset=token.offset)
        return ast.TableRef(pattern, offset=token.offset)
    raise p.error(f"expected a table to union, found {p.describe(token)}")


def _union(p: Parser, offset: int) -> ast.Union:
    kind, source, fuzzy = "outer", None, False
    while (p.tok.type is TokenType.IDENTIFIER and p.peek().is_op("=")) or p.tok.is_word("hint"):
        if p.tok.is_word("hint"):
            _skip_hint(p)
            continue
        word_token = p.advance()
        word = word_token.text
        p.advance()
        if word == "kind":
            token = p.tok
            kind = _option_value(p, "kind")
            if kind not in UNION_KINDS:
                raise p.error(f"unknown union kind {kind!r} (known: inner, outer)", token)
        elif word == "withsource":
            source = p.expect_name("a column name after 'withsource='")
        elif word == "isfuzzy":
            fuzzy = _option_value(p, "isfuzzy") == "true"
        else:
            raise p.error(f"unknown union option {word!r}", word_token)
    legs = [_union_leg(p)]
    while p.accept_op(","):
        legs.append(_union_leg(p))
    return ast.Union(tuple(legs), kind, source, fuzzy, offset=offset)


def parse_union_source(p: Parser) -> ast.Tabular:
    offset = p.expect_word("union").offset
    return _union(p, offset)


def parse_union(p: Parser, offset: int) -> ast.Operator:
    return ast.UnionWith(_union(p, offset), offset=offset)


# -- sources ----------------------------------------------------------------------------------


def parse_range(p: Parser) -> ast.Tabular:
    offset = p.expect_word("range").offset
    column = p.expect_name("a column name after 'range'")
    p.expect_word("from", f"after 'range {column}'")
    start = p.parse_expr()
    p.expect_word("to", "after the start of 'range'")
    stop = p.parse_expr()
    p.expect_word("step", "after the end of 'range'")
    return ast.Range(column, start, stop, p.parse_expr(), offset=offset)


def parse_materialize(p: Parser) -> ast.Tabular:
    """`materialize(T)`: T's rows, computed once for every read of them."""
    offset = p.expect_word("materialize").offset
    p.expect_op("(", "after 'materialize'")
    inner = p.parse_tabular()
    p.expect_op(")", "to close 'materialize('")
    return ast.Materialize(inner, offset=offset)


# -- operators that name or order rows --------------------------------------------------------


def parse_serialize(p: Parser, offset: int) -> ast.Operator:
    items = () if p.at_operator_end() else p.parse_assignments()
    return ast.Serialize(items, offset=offset)


def parse_as(p: Parser, offset: int) -> ast.Operator:
    while p.tok.is_word("hint") and p.peek().is_op("."):
        _skip_hint(p)
    return ast.As(p.expect_name("a name after 'as'"), offset=offset)


def parse_invoke(p: Parser, offset: int) -> ast.Operator:
    name = p.expect_name("a function name after 'invoke'")
    args, named = p.parse_call_args() if p.tok.is_op("(") else ((), ())
    return ast.Invoke(name, args, named, offset=offset)


# -- user-defined functions -------------------------------------------------------------------


def _parameter(p: Parser) -> ast.Parameter:
    token = p.tok
    name = p.expect_name("a parameter name")
    p.expect_op(":", f"after the parameter '{name}'")
    if p.accept_op("("):
        # A tabular parameter: `T: (*)` or `T: (x: long, ...)`; the schema is not enforced.
        while not p.tok.is_op(")") and not p.at_end():
            p.advance()
        p.expect_op(")", "to close the table schema")
        return ast.Parameter(name, None, offset=token.offset)
    kql_type = p.parse_type_name()
    default = p.parse_expr() if p.accept_op("=") else None
    return ast.Parameter(name, kql_type, default, offset=token.offset)


def parse_function(p: Parser) -> ast.Function:
    """`[view] (params) { [let ...;] body }` after `let name =`."""
    offset = p.tok.offset
    view = p.accept_word("view")
    p.expect_op("(", "to open the parameter list")
    parameters: list[ast.Parameter] = []
    while not p.tok.is_op(")"):
        parameters.append(_parameter(p))
        if not p.accept_op(","):
            break
    p.expect_op(")", "to close the parameter list")
    p.expect_op("{", "to open the function body")
    lets: list[ast.Let] = []
    body: ast.Expr | ast.Tabular | None = None
    while not p.tok.is_op("}"):
        if p.accept_op(";"):
            continue
        if p.at_end():
            break
        if body is not None:
            raise p.error("a function body ends with one expression; found a second one")
        if p.tok.is_word("let"):
            lets.append(p.parse_let())
        else:
            body = p.parse_tabular_or_scalar()
    p.expect_op("}", "to close the function body")
    if body is None:
        raise p.error("the function body has no expression to return")
    return ast.Function(tuple(parameters), tuple(lets), body, view, offset=offset)


OPERATORS: dict[str, Callable[[Parser, int], ast.Operator]] = {
    "join": parse_join,
    "lookup": parse_lookup,
    "union": parse_union,
    "serialize": parse_serialize,
    "as": parse_as,
    "invoke": parse_invoke,
}


def parse_externaldata(p: Parser) -> ast.Tabular:
    """`externaldata (Name: type, ...) [ "uri", ... ] [with (name = value, ...)]`."""
    start = p.advance().offset
    columns = p.parse_schema("externaldata")
    uris = p.parse_bracketed_exprs("the externaldata storage addresses")
    properties: list[tuple[str, ast.Expr]] = []
    if p.tok.is_word("with"):
        p.advance()
        p.expect_op("(", "after 'with'")
        while not p.tok.is_op(")"):
            name = p.expect_name("a property name")
            p.expect_op("=", f"after property '{name}'")
            properties.append((name, p.parse_expr()))
            if not p.accept_op(","):
                break
        p.expect_op(")", "to close the externaldata properties")
    return ast.ExternalData(columns, uris, tuple(properties), offset=start)


SOURCES: dict[str, Callable[[Parser], ast.Tabular]] = {
    "externaldata": parse_externaldata,
    "union": parse_union_source,
    "range": parse_range,
    "materialize": parse_materialize,
}
