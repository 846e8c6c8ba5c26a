"""KQL to relational form. The semantic layer: everything Kusto-specific happens here, and the
output is a backend-neutral sqlglot tree that each backend renders in its own SQL dialect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TypeVar, cast

from sqlglot import exp

from kqlhunt.compiler import (
    dynamic_functions,  # noqa: F401  (registers functions)
    functions_encoding,  # noqa: F401  (registers functions)
    functions_paths,  # noqa: F401  (registers functions)
)
from kqlhunt.compiler.case_names import CaseNames
from kqlhunt.compiler.functions_user import bind_let
from kqlhunt.compiler.relation import ROW_ORDER
from kqlhunt.compiler.scope import Materialize, Probe, QueryContext
from kqlhunt.compiler.tabular import TabularCompiler
from kqlhunt.kql.parser import parse_query
from kqlhunt.types import KqlType


@dataclass(frozen=True)
class CompiledQuery:
    """A query ready for a backend: the SQL tree and the KQL types of its result columns."""

    sql: exp.Select
    columns: dict[str, KqlType]
    tables: frozenset[str]  # the tables the query reads

    @classmethod
    def reading(cls, select: exp.Select, columns: dict[str, KqlType]) -> CompiledQuery:
        """`select` with the tables it reads found in it."""
        return cls(select, columns, frozenset(t.name for t in select.find_all(exp.Table)))

    def to_sql(self, dialect: str) -> str:
        return self.sql.sql(dialect=dialect)


def compile_query(
    text: str,
    tables: Mapping[str, Mapping[str, KqlType]],
    *,
    now: datetime | None = None,
    source_name: str = "<query>",
    probe: Probe | None = None,
    materialize: Materialize | None = None,
    case_names: CaseNames | None = None,
) -> CompiledQuery:
    """Parse and compile a KQL query against the schemas of the given tables.

    Args:
        text: the KQL query.
        tables: table name -> ordered column name -> KQL type.
        now: the instant `now()` and `ago()` see; the current time when not given.
        source_name: how errors name the query (a rule file, "<query>").
        probe: runs a SELECT over the data, for the operators whose output columns depend on
            the data (`bag_unpack` and `pivot` without a schema); without it they are refused.
        materialize: computes the input of such an operator once into a table of the engine,
            which both the probe and the query then read; without it the input is computed
            by each of them.
        case_names: how the SQL spells the names of `tables`' columns (built from `tables`
            when not given; an engine builds it once for all its queries).

    Raises:
        KqlSyntaxError, UnsupportedKqlError, KqlSemanticError: with the position in `text`.
    """
    query = parse_query(text, source_name)
    case_names = case_names or CaseNames(tables)
    context = QueryContext(
        text=text,
        source_name=source_name,
        now=now or datetime.now(timezone.utc),
        tables=tables,
        probe=_renaming(probe, case_names),
        materialize=_renaming(materialize, case_names),
        case_names=case_names,
    )
    for let in query.lets:
        bind_let(context, let)
    relation = TabularCompiler(context).compile(query.body)

    visible = [exp.column(name, quoted=True) for name in relation.columns]
    select = exp.select(*visible).from_(
        relation.select.subquery(context.fresh_alias(), copy=False), copy=False
    )
    if relation.ordered:
        select = select.order_by(exp.column(ROW_ORDER, quoted=True), copy=False)
    return CompiledQuery.reading(case_names.rename(select), relation.columns)


_Runner = TypeVar("_Runner", Probe, Materialize)


def _renaming(run: _Runner | None, case_names: CaseNames) -> _Runner | None:
    """`run` (a probe, or the engine's materializing) over SQL with the query's names."""
    if run is None:
        return None
    return cast(_Runner, lambda select, columns: run(case_names.rename(select), columns))


__all__ = ["CompiledQuery", "compile_query"]
