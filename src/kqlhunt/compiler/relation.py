"""A relation under construction: a SELECT and the KQL schema of its visible columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from kqlhunt.types import KqlType

# A hidden column that carries row order after `sort`/`top`: SQL subqueries do not keep order.
ROW_ORDER = "__kqlhunt_row_order"


@dataclass
class Relation:
    select: exp.Select
    columns: dict[str, KqlType] = field(default_factory=dict)
    ordered: bool = False  # whether ROW_ORDER is present and defines the row order

    def column_sql(self, name: str) -> exp.Column:
        return exp.column(name, quoted=True)

    def carried(self) -> list[exp.Expr]:
        """The hidden columns an order-preserving operator passes through."""
        return [exp.column(ROW_ORDER, quoted=True)] if self.ordered else []


def reading(table: str, relation: Relation) -> Relation:
    """A relation over `table`, which holds the rows and columns of `relation`."""
    select = exp.select(exp.Star()).from_(exp.Table(this=exp.to_identifier(table, quoted=True)))
    return Relation(select, dict(relation.columns), relation.ordered)


def aliased(sql: exp.Expr, name: str) -> exp.Expr:
    if isinstance(sql, exp.Column) and sql.name == name:
        return sql
    return exp.alias_(sql, name, quoted=True, copy=False)
