"""Syntax of `search`: `[T |] search [kind=case_sensitive] [in (T1, T2, ...)] predicate`, and of
`find`, whose predicate is read the same way.

The predicate combines, with `and`, `or` and parentheses, search terms (`"term"`, `"pre*"`,
`"*suf"`, `"*part*"`, `Column:"term"`, `* has "term"`) and ordinary KQL predicates. As the
first word of a query, `search` reads the tables named after `in`, or every table, and adds
their names in the column `$table`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kqlhunt.kql import ast
from kqlhunt.kql.tokens import TokenType
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.kql.parser import Parser

SEARCH_KINDS = ("default", "case_insensitive", "case_sensitive")
TABLE_COLUMN = "$table"
FIND_SOURCE_COLUMN = "source_"


def parse_search(p: Parser, offset: int) -> ast.Operator:
    """`search` after a `|`: the piped rows that the predicate matches."""
    kind = _kind(p)
    if p.tok.is_word("in"):
        raise p.invalid("'search in (...)' names tables, so it starts a query; not after '|'")
    return ast.Search(_predicate(p), kind == "case_sensitive", offset=offset)


def parse_search_source(p: Parser) -> ast.Tabular:
    """`search` as the first word: the union of the named (or all) tables, then the filter."""
    start = p.advance().offset
    kind = _kind(p)
    legs = _tables(p, "search in") if p.tok.is_word("in") else []
    if not legs:
        legs.append(ast.TablePattern("*", offset=start))
    union = ast.Union(tuple(legs), source_column=TABLE_COLUMN, fuzzy=False, offset=start)
    search = ast.Search(_predicate(p), kind == "case_sensitive", offset=start)
    return ast.Pipeline(union, (search,), offset=start)


def parse_find_source(p: Parser) -> ast.Tabular:
    """`find [withsource=C] [in (T, ...)] where predicate [project-smart | project ...]`, or
    `find predicate [...]`; the predicate is read as the one of `search`."""
    start = p.advance().offset
    source = FIND_SOURCE_COLUMN
    if p.tok.is_word("withsource") and p.peek().is_op("="):
        p.advance()
        p.advance()
        source = p.expect_name("the name of the source column")
    legs: list[ast.Tabular] = []
    if p.tok.is_word("in"):
        legs = _tables(p, "find in")
        p.expect_word("where", "after the tables of 'find'")
    else:
        p.accept_word("where")
    predicate = _predicate(p)
    project: tuple[tuple[str, KqlType | None], ...] | None = None
    if p.accept_word("project"):
        project = _find_columns(p)
    else:
        p.accept_word("project-smart")
    return ast.Find(tuple(legs), predicate, project, source, offset=start)


def _find_columns(p: Parser) -> tuple[tuple[str, KqlType | None], ...]:
    columns: list[tuple[str, KqlType | None]] = []
    while True:
        token = p.tok
        if token.is_word("pack_all") and p.peek().is_op("("):
            raise p.unsupported("pack_all() in the project list of 'find'", token.offset)
        name = p.expect_name("a column name")
        columns.append((name, p.parse_type_name() if p.accept_op(":") else None))
        if not p.accept_op(","):
            return tuple(columns)


def _tables(p: Parser, owner: str) -> list[ast.Tabular]:
    """`in (T1, Sec*, ...)`: the tables and wildcards after `in`."""
    p.advance()
    p.expect_op("(", f"after '{owner}'")
    legs: list[ast.Tabular] = []
    while not p.tok.is_op(")"):
        token = p.tok
        name = p.expect_name("a table name")
        if p.tok.is_op("*"):  # a wildcard such as Sec*
            p.advance()
            legs.append(ast.TablePattern(name + "*", offset=token.offset))
        else:
            legs.append(ast.TableRef(name, offset=token.offset))
        if not p.accept_op(","):
            break
    p.expect_op(")", f"to close the tables of '{owner}'")
    return legs


def _kind(p: Parser) -> str:
    if not (p.tok.is_word("kind") and p.peek().is_op("=")):
        return "default"
    p.advance()
    p.advance()
    token = p.tok
    kind = p.expect_name("a search kind")
    if kind not in SEARCH_KINDS:
        raise p.error(f"unknown search kind {kind!r} (use {', '.join(SEARCH_KINDS)})", token)
    return kind


def _predicate(p: Parser) -> ast.Expr:
    left = _conjunction(p)
    while p.tok.is_word("or"):
        token = p.advance()
        left = ast.Binary("or", left, _conjunction(p), offset=token.offset)
    return left


def _conjunction(p: Parser) -> ast.Expr:
    left = _atom(p)
    while p.tok.is_word("and"):
        token = p.advance()
        left = ast.Binary("and", left, _atom(p), offset=token.offset)
    return left


def _atom(p: Parser) -> ast.Expr:
    token = p.tok
    if token.type is TokenType.STRING:
        p.advance()
        return ast.SearchTerm(str(token.value), None, offset=token.offset)
    if token.is_op("(") and _holds_search_terms(p):
        p.advance()
        inner = _predicate(p)
        p.expect_op(")", "to close the search predicate")
        return inner
    if token.type is TokenType.IDENTIFIER and p.peek().is_op(":"):
        p.advance()
        p.advance()
        value = p.tok
        if value.type is not TokenType.STRING:
            raise p.error(f"expected a string after '{token.text}:', found {p.describe(value)}")
        p.advance()
        return ast.SearchTerm(str(value.value), token.text, offset=token.offset)
    if token.is_op("*") and p.peek().is_word("has"):
        p.advance()
        p.advance()
        value = p.tok
        if value.type is not TokenType.STRING:
            raise p.error(f"expected a string after '* has', found {p.describe(value)}")
        p.advance()
        return ast.SearchTerm(str(value.value), None, offset=token.offset)
    return p.parse_comparison()


def _holds_search_terms(p: Parser) -> bool:
    """Whether a parenthesis opens a group of search terms rather than a KQL expression: it
    does when a string or `Column:` follows it directly."""
    first, second = p.peek(), p.peek(2)
    return first.type is TokenType.STRING or (
        first.type is TokenType.IDENTIFIER and second.is_op(":")
    )
