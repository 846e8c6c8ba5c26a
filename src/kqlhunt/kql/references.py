"""What a query refers to: the names of the tables it reads."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterator

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
    names: set[str] = set()
    bound: set[str] = set()
    _collect(query, names, bound)
    return names - bound


def _table_words(text: str, known: Collection[str]) -> set[str]:
    try:
        tokens = tokenize(text)
    except KqlError:
        return set()
    words = {t.text for t in tokens if t.type is TokenType.IDENTIFIER}
    return {w for w in words if w in known or ASIM_NAME.match(w)}


def _collect(node: object, names: set[str], bound: set[str]) -> None:
    if isinstance(node, ast.TableRef):
        names.add(node.name)
    elif isinstance(node, ast.Let | ast.As):
        bound.add(node.name)
    elif isinstance(node, ast.Function):
        bound.update(p.name for p in node.parameters)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for child in _children(node):
            _collect(child, names, bound)
    elif isinstance(node, tuple | list):
        for item in node:
            _collect(item, names, bound)


def _children(node: object) -> Iterator[object]:
    for field in dataclasses.fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        if dataclasses.is_dataclass(value) or isinstance(value, tuple | list):
            yield value
