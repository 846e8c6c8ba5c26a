"""What a query refers to: the names of the tables it reads."""

from __future__ import annotations

import re
from collections.abc import Collection

from kqlhunt.errors import KqlError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.kql.tokens import TokenType, tokenize

ASIM_NAME = re.compile(r"^(?:_?Im_|_ASim_|im[A-Z]|ASim[A-Z]|vim[A-Z])")
"""An ASIM name of any schema: the `im`/`ASim` unions, the `_Im_`/`_ASim_` built-in parsers,
and the `vim` per-source parsers (imNetworkSession, _Im_Dns, ASimAuthentication, ...)."""


def tables_read(text: str, known: Collection[str] = ()) -> set[str]:
    """The names of the tables a query reads, its own `let` names left out. When the query
    does not parse, the words of it that are `known` table names or ASIM names."""
    try:
        query = parse_query(text)
    except KqlError:
        return _table_words(text, known)
    return _collect(query)


def _table_words(text: str, known: Collection[str]) -> set[str]:
    try:
        tokens = tokenize(text)
    except KqlError:
        return set()
    words = {t.text for t in tokens if t.type is TokenType.IDENTIFIER}
    return {w for w in words if w in known or ASIM_NAME.match(w)}


def _collect(query: ast.Query) -> set[str]:
    names: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(query):
        if isinstance(node, ast.TableRef):
            names.add(node.name)
        elif isinstance(node, ast.Let | ast.As):
            bound.add(node.name)
        elif isinstance(node, ast.Function):
            bound.update(p.name for p in node.parameters)
    return names - bound


def table_patterns(text: str) -> set[str]:
    """The wildcard table names (`union Device*`) a query reads; none when it does not parse."""
    try:
        query = parse_query(text)
    except KqlError:
        return set()
    return {node.pattern for node in ast.walk(query) if isinstance(node, ast.TablePattern)}
