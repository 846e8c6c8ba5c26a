"""`parse` and `parse-where`: columns cut out of text by a pattern, compiled to one regex.

The pattern is anchored at the start of the text. `kind=simple` (the default) and `relaxed`
read constants literally and take each column lazily up to the next constant (the last column
takes the rest). In `simple`, numeric columns match only numbers, and a typed column that does
not convert makes every extracted column of that row null (strings ""); in `relaxed` any text is
taken and only the column that fails its type is null. `kind=regex` reads the constants as
regexes, matches numbers as `simple` does, and is greedy unless the `U` flag is given.
`parse-where` keeps only the rows that parse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.regex import RegexError, canonical_regex, regex_groups
from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.sqltypes import Typed, func, null_of
from kqlhunt.compiler.strings import regex_escape
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.scope import QueryContext
    from kqlhunt.compiler.tabular import TabularCompiler

_NUMBER_PATTERNS = {
    KqlType.INT: r"-?\d+",
    KqlType.LONG: r"-?\d+",
    KqlType.REAL: r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?",
    KqlType.DECIMAL: r"-?\d+(?:\.\d+)?",
}
_US_DATE = r"^\s*(\d{2})/(\d{2})/(\d{4})"


def build_regex(
    context: QueryContext, node: ast.Parse
) -> tuple[str, list[tuple[str, KqlType, int]]]:
    """The regex of a parse pattern, and each column's name, type and group number."""
    regex_mode = node.kind == "regex"
    lazy = "?" if (not regex_mode or "U" in node.flags) else ""
    pieces: list[str] = []
    columns: list[tuple[str, KqlType, int]] = []
    group = 0
    for index, part in enumerate(node.parts):
        last = index == len(node.parts) - 1
        if part.kind == "star":
            pieces.append(".*" + lazy)
        elif part.kind == "text":
            if not regex_mode:
                pieces.append(regex_escape(part.value))
                continue
            regex = canonical_regex(part.value)
            try:
                group += regex_groups(regex).count
            except RegexError as error:
                message = f"invalid regex in the parse pattern: {error}"
                raise context.error(message, part.offset) from None
            pieces.append(f"(?:{regex})")
        else:
            if node.kind != "relaxed" and part.type in _NUMBER_PATTERNS:
                body = _NUMBER_PATTERNS[part.type]
            else:
                body = ".*" if last else ".*" + lazy
            group += 1
            columns.append((part.value, part.type, group))
            pieces.append(f"({body})")
    flags = "".join(f for f in node.flags if f in "ims")
    if node.flags.strip("imsU"):
        raise context.error(f"unknown parse flags {node.flags!r} (use i, m, s, U)", node.offset)
    prefix = f"(?{flags})" if flags else ""
    return prefix + "^" + "".join(pieces), columns


def _typed(text: exp.Expr, kql_type: KqlType) -> Typed:
    if kql_type is KqlType.STRING:
        return Typed(text, KqlType.STRING)
    if kql_type is KqlType.DATETIME:
        # Kusto reads month/day/year dates such as 02/17/2016 08:40:01.
        text = func(
            "REGEXP_REPLACE", text, exp.Literal.string(_US_DATE), exp.Literal.string(r"\3-\1-\2")
        )
    return convert(Typed(text, KqlType.STRING), kql_type)


def parse(tc: TabularCompiler, relation: Relation, node: ast.Parse) -> Relation:
    context = tc.context
    source = convert(tc.scalar(relation).compile(node.source), KqlType.STRING).sql
    regex, columns = build_regex(context, node)
    pattern = exp.Literal.string(regex)

    matched: exp.Expr = exp.RegexpLike(this=source.copy(), expression=pattern.copy())
    values: list[tuple[str, Typed]] = []
    for name, kql_type, group in columns:
        text = exp.RegexpExtract(
            this=source.copy(), expression=pattern.copy(), group=exp.Literal.number(group)
        )
        values.append((name, _typed(text, kql_type)))
    if node.kind == "simple":
        typed = [v for _, v in values if v.type is not KqlType.STRING]
        for value in typed:
            converted = exp.Not(this=exp.Is(this=value.sql.copy(), expression=exp.Null()))
            matched = exp.and_(matched, converted)

    extracted: dict[str, Typed] = {}
    for name, value in values:
        if name in extracted:
            raise context.error(f"parse: the column '{name}' appears twice", node.offset)
        fallback = null_of(value.type).sql
        guarded = exp.Case(ifs=[exp.If(this=matched.copy(), true=value.sql)]).else_(fallback)
        extracted[name] = Typed(guarded, value.type)

    projections: list[exp.Expr] = []
    result: dict[str, KqlType] = {}
    for name, kql_type in relation.columns.items():
        if name in extracted:
            projections.append(aliased(extracted[name].sql, name))
            result[name] = extracted[name].type
        else:
            projections.append(relation.column_sql(name))
            result[name] = kql_type
    for name, value in extracted.items():
        if name not in result:
            projections.append(aliased(value.sql, name))
            result[name] = value.type
    where = None if node.keep_failures else matched
    return tc.wrap(relation, projections, result, where=where)
