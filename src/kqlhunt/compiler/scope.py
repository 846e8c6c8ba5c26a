"""What a scalar expression can see: the input columns, `let` constants, and the pinned clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kqlhunt.compiler.case_names import CaseNames
from kqlhunt.compiler.relation import Relation
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.errors import KqlSemanticError, SourcePosition, UnsupportedKqlError
from kqlhunt.kql.tokens import position_of
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from sqlglot import exp

    from kqlhunt.kql import ast

Probe = Callable[["exp.Select", dict[str, KqlType]], list[tuple[Any, ...]]]
"""Runs a SELECT whose result columns have the given KQL types; returns its rows."""

Materialize = Callable[["exp.Select", dict[str, KqlType]], str]
"""Computes a SELECT once into a table the rest of the query can read; returns its name."""


@dataclass
class QueryContext:
    """State shared by every part of one query: its text (for error positions) and `now()`."""

    text: str
    source_name: str
    now: datetime
    tables: Mapping[str, Mapping[str, KqlType]] = field(default_factory=dict)
    scalar_lets: dict[str, Typed] = field(default_factory=dict)
    tabular_lets: dict[str, ast.Tabular] = field(default_factory=dict)
    functions: dict[str, ast.Function] = field(default_factory=dict)  # let f = (...) {...}
    relations: dict[str, Relation] = field(default_factory=dict)  # `as` names, table arguments
    calls: list[str] = field(default_factory=list)  # user functions being expanded
    names_made: int = 0
    # Runs a SELECT over the data and returns its rows, for the operators whose output columns
    # depend on the data (bag_unpack and pivot without a schema); None where no data is at hand.
    probe: Probe | None = None
    # Computes an intermediate relation once, so that what a probe looked at is not computed
    # again by the query; None where the engine cannot hold one (the relation is then inlined).
    materialize: Materialize | None = None
    # How column names are spelled in SQL (see kqlhunt.compiler.case_names).
    case_names: CaseNames = field(default_factory=lambda: CaseNames({}))
    # `materialize(T)` nodes already computed: the node's identity -> its table and relation.
    materialized: dict[int, tuple[str, Relation]] = field(default_factory=dict)

    def position(self, offset: int) -> SourcePosition:
        return position_of(self.text, offset, self.source_name)

    def error(self, message: str, offset: int) -> KqlSemanticError:
        return KqlSemanticError(message, self.position(offset))

    def unsupported(self, construct: str, offset: int, detail: str = "") -> UnsupportedKqlError:
        return UnsupportedKqlError(construct, self.position(offset), detail)

    def fresh_alias(self) -> str:
        self.names_made += 1
        return f"_q{self.names_made}"


@dataclass
class Scope:
    """The row a scalar expression is evaluated against."""

    context: QueryContext
    columns: dict[str, KqlType]
    row_context: bool = True  # false for `let` constants and print: no columns to read
    bindings: dict[str, Typed] = field(default_factory=dict)  # names defined earlier in an extend
    serialized: bool = False  # the input has a row order: row_number(), prev(), next() work
    # The aggregation calls of a summarize expression, computed beforehand: id(call) -> value.
    aggregated: dict[int, Typed] = field(default_factory=dict)
