"""Typed SQL fragments: how each KQL type is represented in the relational form.

The representation is the same on every backend:
- datetime: a TIMESTAMP without time zone, holding UTC;
- timespan: a BIGINT count of 100 ns ticks, as Kusto counts them;
- dynamic: JSON;
- string: VARCHAR, never null (Kusto has no null string).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from kqlhunt.types import KqlType

SQL_TYPES: dict[KqlType, str] = {
    KqlType.BOOL: "BOOLEAN",
    KqlType.INT: "INT",
    KqlType.LONG: "BIGINT",
    KqlType.REAL: "DOUBLE",
    KqlType.DECIMAL: "DOUBLE",
    KqlType.STRING: "VARCHAR",
    KqlType.DATETIME: "TIMESTAMP",
    KqlType.TIMESPAN: "BIGINT",
    KqlType.DYNAMIC: "JSON",
    KqlType.GUID: "VARCHAR",
}

TICKS_PER_MICROSECOND = 10


def sql_type(kql_type: KqlType) -> exp.DataType:
    return exp.DataType.build(SQL_TYPES[kql_type])


@dataclass(frozen=True)
class Typed:
    """A compiled scalar expression and its KQL type. `constant` holds the Python value when
    the expression is a literal known at compile time (used for needles, regexes, lists)."""

    sql: exp.Expr
    type: KqlType
    constant: object = None
    is_constant: bool = False

    @property
    def nullable(self) -> bool:
        return self.type is not KqlType.STRING


def cast(sql: exp.Expr, kql_type: KqlType) -> exp.Expr:
    return exp.Cast(this=sql, to=sql_type(kql_type))


def null_of(kql_type: KqlType) -> Typed:
    if kql_type is KqlType.STRING:
        return Typed(exp.Literal.string(""), kql_type, "", True)
    return Typed(cast(exp.Null(), kql_type), kql_type, None, True)


def func(name: str, *args: exp.Expr) -> exp.Expr:
    """A call of a SQL function by name, for functions with no sqlglot node of their own."""
    return exp.Anonymous(this=name, expressions=list(args))


def coalesce_text(sql: exp.Expr) -> exp.Expr:
    """A string expression that may be SQL NULL, made Kusto-like: null becomes ""."""
    return exp.Coalesce(this=sql, expressions=[exp.Literal.string("")])


def number(value: int | float) -> exp.Expr:
    literal = exp.Literal.number(abs(value))
    return exp.Neg(this=literal) if value < 0 else literal


_ATOMS = (
    exp.Column,
    exp.Literal,
    exp.Paren,
    exp.Cast,
    exp.TryCast,
    exp.Boolean,
    exp.Null,
    exp.Func,
)


def p(sql: exp.Expr) -> exp.Expr:
    """Parenthesize an operand unless it is atomic: sqlglot prints trees as built."""
    atomic = isinstance(sql, _ATOMS) and not isinstance(sql, exp.Not)
    return sql if atomic else exp.paren(sql, copy=False)
