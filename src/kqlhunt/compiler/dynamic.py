"""Dynamic values in SQL: property and index access, and turning scalars into JSON.

A dynamic value is JSON in SQL, and a null dynamic is SQL NULL. A JSON `null` read out of a
value (`dynamic({"a": null}).a`) is made SQL NULL too, so `isnull()` sees it as Kusto does; a
missing key or an index past either end is null as well.

Access with a constant key or a non-negative constant index renders as each dialect's JSON path
(`d -> '$.a[0]'` in DuckDB, `GET_JSON_OBJECT(d, '$.a[0]')` in Spark). A negative index or a key
computed per row builds the path text at run time and uses DuckDB's JSON_EXTRACT, with `#-1`
for the last element.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import to_string
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_JSON_NULL = exp.Literal.string("null")


def as_json(sql: exp.Expr) -> exp.Expr:
    """A dynamic value read as JSON: table columns hold JSON text."""
    if isinstance(sql, exp.Cast) and sql.to.is_type("json"):
        return sql
    return cast(sql, KqlType.DYNAMIC)


def null_if_json_null(sql: exp.Expr) -> exp.Expr:
    return exp.Nullif(this=sql, expression=_JSON_NULL.copy())


def json_type(sql: exp.Expr) -> exp.Expr:
    """'ARRAY', 'OBJECT', 'VARCHAR', 'BIGINT', ...; NULL for a null value."""
    return exp.JSONType(this=sql)


def is_array(sql: exp.Expr) -> exp.Expr:
    return exp.EQ(this=json_type(sql), expression=exp.Literal.string("ARRAY"))


def is_bag(sql: exp.Expr) -> exp.Expr:
    return exp.EQ(this=json_type(sql), expression=exp.Literal.string("OBJECT"))


def to_json(value: Typed) -> exp.Expr:
    """Any scalar as a JSON value. As Kusto serialises them, datetimes and timespans become
    their text; a null stays null."""
    kql_type = value.type
    if kql_type is KqlType.DYNAMIC:
        return as_json(value.sql)
    if value.is_constant and value.constant is None:
        return cast(exp.Null(), KqlType.DYNAMIC)
    plain = (KqlType.STRING, KqlType.BOOL, KqlType.INT, KqlType.LONG, KqlType.REAL)
    if value.is_constant and kql_type in plain:
        return cast(exp.Literal.string(json.dumps(value.constant)), KqlType.DYNAMIC)
    if kql_type in (KqlType.DATETIME, KqlType.TIMESPAN):
        text = to_string(value).sql
        is_null = exp.Is(this=p(value.sql.copy()), expression=exp.Null())
        return exp.Case(ifs=[exp.If(this=is_null, true=cast(exp.Null(), KqlType.DYNAMIC))]).else_(
            func("TO_JSON", text)
        )
    return func("TO_JSON", value.sql)


def _path(*steps: exp.Expr) -> exp.JSONPath:
    return exp.JSONPath(expressions=[exp.JSONPathRoot(), *steps])


def extract(target: exp.Expr, path: exp.Expr) -> exp.Expr:
    """The value at `path` (a JSONPath node, or path text computed in SQL), null if absent.

    Access to a value itself read by a constant path (`d.a.b`) reads the joined path from the
    first value: one parse of the JSON instead of one per step, with the same answer (a step
    through a null, a missing key or a scalar finds nothing either way)."""
    if isinstance(path, exp.JSONPath):
        outer = _constant_path_access(target)
        if outer is not None:
            source, first = outer
            steps = [step.copy() for step in first.expressions] + path.expressions[1:]
            joined = exp.JSONPath(expressions=steps)
            return null_if_json_null(exp.JSONExtract(this=source.copy(), expression=joined))
        found: exp.Expr = exp.JSONExtract(this=as_json(target), expression=path)
    else:
        found = func("JSON_EXTRACT", as_json(target), path)
    return null_if_json_null(found)


def _constant_path_access(sql: exp.Expr) -> tuple[exp.Expr, exp.JSONPath] | None:
    """The JSON and constant path of an `extract` result, or None for anything else."""
    if not isinstance(sql, exp.Nullif) or sql.expression != _JSON_NULL:
        return None
    found = sql.this
    if isinstance(found, exp.JSONExtract) and isinstance(found.expression, exp.JSONPath):
        return found.this, found.expression
    return None


def key_path(key: str) -> exp.JSONPath:
    return _path(exp.JSONPathKey(this=key))


def index_path(index: int) -> exp.Expr:
    if index >= 0:
        return _path(exp.JSONPathSubscript(this=index))
    return exp.Literal.string(f"$[#{index}]")


def computed_key_path(key: exp.Expr) -> exp.Expr:
    """A JSON pointer (`/key`, with `~` and `/` escaped): unlike a JSONPath it allows any key."""
    escaped = func("REPLACE", key, exp.Literal.string("~"), exp.Literal.string("~0"))
    escaped = func("REPLACE", escaped, exp.Literal.string("/"), exp.Literal.string("~1"))
    return func("CONCAT", exp.Literal.string("/"), escaped)


def computed_index_path(index: exp.Expr) -> exp.Expr:
    negative = exp.LT(this=p(index), expression=exp.Literal.number(0))
    marker = exp.Case(ifs=[exp.If(this=negative, true=exp.Literal.string("#"))]).else_(
        exp.Literal.string("")
    )
    return func(
        "CONCAT",
        exp.Literal.string("$["),
        marker,
        cast(index.copy(), KqlType.STRING),
        exp.Literal.string("]"),
    )


def _dynamic_target(c: ExpressionCompiler, node: ast.Member | ast.Index) -> Typed:
    target = c.compile(node.target)
    if target.type is not KqlType.DYNAMIC:
        what = "property access" if isinstance(node, ast.Member) else "indexing"
        raise c.context.error(
            f"{what} needs a dynamic value, not {target.type.value}", node.target.offset
        )
    return target


def compile_member(c: ExpressionCompiler, node: ast.Member) -> Typed:
    """`bag.key`."""
    target = _dynamic_target(c, node)
    return Typed(extract(target.sql, key_path(node.key)), KqlType.DYNAMIC)


def compile_index(c: ExpressionCompiler, node: ast.Index) -> Typed:
    """`bag["key"]`, `bag[column]`, `array[0]`, `array[-1]`, `array[(i + 1)]`."""
    target = _dynamic_target(c, node)
    index = c.compile(node.index)
    path: exp.Expr
    if index.type in (KqlType.STRING, KqlType.GUID):
        if index.is_constant and isinstance(index.constant, str):
            path = key_path(index.constant)
        else:
            path = computed_key_path(index.sql)
    elif index.type in (KqlType.INT, KqlType.LONG):
        if index.is_constant and isinstance(index.constant, int):
            path = index_path(index.constant)
        elif index.is_constant:
            return Typed(cast(exp.Null(), KqlType.DYNAMIC), KqlType.DYNAMIC, None, True)
        else:
            path = computed_index_path(index.sql)
    else:
        raise c.context.error(
            f"an index must be a string or a whole number, not {index.type.value}",
            node.index.offset,
        )
    return Typed(extract(target.sql, path), KqlType.DYNAMIC)


def compile_typeof(c: ExpressionCompiler, node: ast.TypeOf) -> Typed:
    """`typeof(T)` as an argument: the functions that take one read the type from `constant`."""
    return Typed(exp.Literal.string(node.type.value), KqlType.STRING, node.type, True)
