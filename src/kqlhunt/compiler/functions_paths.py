"""parse_path and parse_url: a path or URL taken apart into a property bag of strings.

Each part is one regular-expression extraction (a part that is absent is ""), and the parts
are packed into a bag as `bag_pack` packs them, so the result prints and compares as any other
dynamic value. The documentation shows five paths and one URL; where it is silent the choices
below are stated where they are made.

parse_path: a `scheme://` prefix (two or more characters, so `C:` stays a drive) gives the
Scheme; RootPath is a drive letter with its colon (after an optional `\\\\?\\` or `\\\\.\\`);
the directory path runs to the last `/` or `\\`, and its last component is the DirectoryName
(none when the directory is only the drive); a `:` in the file name starts the alternate data
stream; the Extension follows the file name's last dot.

parse_url: `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`. As in the
documented example, Path is given without its leading `/`. Query parameters are split on `&`,
then at the first `=`; a key without `=` has the value "", and of repeated keys the first is
kept (the documentation has no example of either). Text that is not such a URL gives every part
empty and no query parameters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.dynamic_functions import lambda_
from kqlhunt.compiler.functions import rule, text
from kqlhunt.compiler.sqltypes import Typed, cast, func
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_S = exp.Literal.string

_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]+://"
_SEPARATOR = r"[\\/]"
_NOT_SEPARATOR = r"[^\\/]"


def regex_part(value: exp.Expr, pattern: str, group: int = 1) -> exp.Expr:
    """The text of `group` in the first match of `pattern` ("" when there is none)."""
    return exp.RegexpExtract(
        this=value.copy(), expression=_S("(?s)" + pattern), group=exp.Literal.number(group)
    )


def bag(parts: dict[str, exp.Expr]) -> exp.Expr:
    """A property bag of the given parts: string parts become JSON strings, JSON stays JSON."""
    pairs: list[exp.Expr] = []
    for key, value in parts.items():
        pairs += [_S(key), value]
    return cast(func("JSON_OBJECT", *pairs), KqlType.DYNAMIC)


@rule("parse_path", arity=(1, 1))
def _parse_path(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    path = text(c, args[0]).sql
    rest = regex_part(path, f"^(?:{_SCHEME})?(.*)$")
    root = regex_part(rest, r"^(?:\\\\[?.]\\)?([A-Za-z]:)")
    directory = regex_part(rest, f"^(.*){_SEPARATOR}")
    last_component = regex_part(directory, f"({_NOT_SEPARATOR}*)$")
    directory_name = exp.Case(
        ifs=[exp.If(this=exp.EQ(this=last_component, expression=root.copy()), true=_S(""))]
    ).else_(last_component.copy())
    file_part = regex_part(rest, f"({_NOT_SEPARATOR}*)$")
    filename = regex_part(file_part, "^([^:]*)")
    parts = {
        "Scheme": regex_part(path, f"^({_SCHEME[:-3]})://"),
        "RootPath": root,
        "DirectoryPath": directory,
        "DirectoryName": directory_name,
        "Filename": filename,
        "Extension": regex_part(filename, r"\.([^.]*)$"),
        "AlternateDataStreamName": regex_part(file_part, "^[^:]*:(.*)$"),
    }
    return Typed(bag(parts), KqlType.DYNAMIC)


_URL = (
    r"^([A-Za-z][A-Za-z0-9+.\-]*)://"  # 1 scheme
    r"(?:([^:@/?#]*)(?::([^@/?#]*))?@)?"  # 2 user, 3 password
    r"(\[[^\]]*\]|[^:/?#]*)"  # 4 host
    r"(?::([0-9]*))?"  # 5 port
    r"(?:/([^?#]*))?"  # 6 path, without its leading /
    r"(?:\?([^#]*))?"  # 7 query
    r"(?:#(.*))?$"  # 8 fragment
)


def query_parameters(query: exp.Expr) -> exp.Expr:
    """`k1=v1&k2=v2` as the bag {"k1": "v1", "k2": "v2"}; the first of repeated keys wins."""
    pairs = exp.ArrayFilter(
        this=exp.Split(this=query, expression=_S("&")),
        expression=lambda_(exp.NEQ(this=exp.column("x"), expression=_S("")), "x"),
    )
    keys = func(
        "LIST_TRANSFORM", pairs.copy(), lambda_(regex_part(exp.column("x"), "^([^=]*)"), "x")
    )
    first = exp.EQ(
        this=func("LIST_POSITION", keys, regex_part(exp.column("x"), "^([^=]*)")),
        expression=exp.column("i"),
    )
    kept = exp.ArrayFilter(this=pairs, expression=lambda_(first, "x", "i"))
    entry = exp.Struct(
        expressions=[
            exp.PropertyEQ(
                this=exp.to_identifier("k"), expression=regex_part(exp.column("x"), "^([^=]*)")
            ),
            exp.PropertyEQ(
                this=exp.to_identifier("v"), expression=regex_part(exp.column("x"), "^[^=]*=(.*)$")
            ),
        ]
    )
    entries = func("LIST_TRANSFORM", kept, lambda_(entry, "x"))
    return func("TO_JSON", func("MAP_FROM_ENTRIES", entries))


@rule("parse_url", "parseurl", arity=(1, 1))
def _parse_url(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    url = text(c, args[0]).sql
    parts = {
        "Scheme": regex_part(url, _URL, 1),
        "Host": regex_part(url, _URL, 4),
        "Port": regex_part(url, _URL, 5),
        "Path": regex_part(url, _URL, 6),
        "Username": regex_part(url, _URL, 2),
        "Password": regex_part(url, _URL, 3),
        "Query Parameters": query_parameters(regex_part(url, _URL, 7)),
        "Fragment": regex_part(url, _URL, 8),
    }
    return Typed(bag(parts), KqlType.DYNAMIC)
