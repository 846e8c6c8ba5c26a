"""The engine: tables in, KQL in, result tables out.

>>> from kqlhunt.engine import Engine
>>> engine = Engine()
>>> engine.query('print r = "C:\\\\Windows\\\\powershell.exe" has "powershell.exe"').rows
[(True,)]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlglot import exp

from kqlhunt.backends import create_backend
from kqlhunt.catalog import TableData
from kqlhunt.compiler import CompiledQuery, compile_query
from kqlhunt.compiler.case_names import CaseNames
from kqlhunt.result import QueryResult
from kqlhunt.types import KqlType

# The backend an Engine uses when none is named.
DEFAULT_BACKEND = "duckdb"

# Names of the intermediate tables compiled queries read, unique in the process: engines on
# Spark share one session.
_SETTLED_NAMES = (f"__kqlhunt_settled_{n}" for n in itertools.count(1))
# SQL whose rows differ from one computation to the next: never shared between queries.
_RANDOM = re.compile(r"\b(?:RANDOM|RAND|UUID|GEN_RANDOM_UUID)\s*\(", re.IGNORECASE)


class Engine:
    """Holds named tables in a backend and runs KQL over them.

    Args:
        tables: the tables queries can read.
        backend: the backend name ("duckdb" or "spark"); `DEFAULT_BACKEND` when None.
        now: the instant `now()` and `ago()` see in every query; the wall clock when None.
    """

    def __init__(
        self,
        tables: Iterable[TableData] = (),
        *,
        backend: str | None = None,
        now: datetime | None = None,
    ) -> None:
        self.backend = create_backend(backend or DEFAULT_BACKEND)
        self.now = now
        self.schemas: dict[str, dict[str, KqlType]] = {}
        # Tables given but not handed to the backend yet: a table is loaded when a query first
        # reads it, so the hundreds of empty known tables and ASIM names cost nothing unread.
        self._pending: dict[str, TableData] = {}
        self._given: dict[str, TableData] = {}  # every table by name, as last given
        # Compiled queries by text, source name and pinned clock; valid while the schemas stay.
        self._compiled: dict[tuple[str, str, datetime], CompiledQuery] = {}
        # Intermediate tables compiled queries read (see `materialize`), oldest first, and the
        # SQL each holds the rows of: queries that share a first part share its table.
        self._settled: list[str] = []
        self._settled_sql: dict[str, str] = {}
        self._case_names: CaseNames | None = None  # of the schemas, made when first needed
        self.add_tables(tables)

    def add_tables(self, tables: Iterable[TableData]) -> None:
        """Make tables readable by queries (replacing any of the same name)."""
        for table in tables:
            self.schemas[table.name] = dict(table.columns)
            self._pending[table.name] = table
            self._given[table.name] = table
        self._compiled.clear()
        self._case_names = None
        self._drop_settled(0)

    @contextmanager
    def rows_replaced(self, table: TableData) -> Iterator[None]:
        """Within the block, queries read `table` in place of the table of its name, whose
        columns it has (rows of it that a batch of rules is known to need, say).

        Other names of the same data (ASIM aliases) may follow the replacement while it lasts:
        queries run within it should read only this name of the data.
        """
        held = self._given[table.name]
        if table.columns != held.columns:
            raise ValueError(f"the rows given for {table.name} have other columns")
        self._swap(table)
        try:
            yield
        finally:
            self._swap(held)

    def _swap(self, table: TableData) -> None:
        """Hand the backend other rows for a table name; what was computed from the old ones
        (compiled queries, intermediate tables) is dropped. The schemas stay."""
        self._pending[table.name] = table
        self._compiled.clear()
        self._drop_settled(0)

    def run(self, compiled: CompiledQuery) -> QueryResult:
        """Run a query compiled against the engine's tables."""
        self._load(compiled.tables)
        return self.backend.run(compiled)

    def _load(self, names: Iterable[str]) -> None:
        """Hand the backend the tables among `names` it does not hold yet."""
        due = [self._pending.pop(name) for name in names if name in self._pending]
        if due:
            self.backend.load(due)

    def compile(self, text: str, source_name: str = "<query>") -> CompiledQuery:
        """Compile a query against the engine's tables; repeated texts are compiled once.

        With no pinned `now`, every compilation reads the clock, so nothing is cached.
        """
        if self.now is None:
            return self._compile(text, source_name)
        key = (text, source_name, self.now)
        cached = self._compiled.get(key)
        if cached is None:
            cached = self._compiled[key] = self._compile(text, source_name)
        return cached

    def _compile(self, text: str, source_name: str) -> CompiledQuery:
        if self._case_names is None:
            self._case_names = CaseNames(self.schemas)
        return compile_query(
            text,
            self.schemas,
            now=self.now,
            source_name=source_name,
            probe=self.probe,
            materialize=self.materialize,
            case_names=self._case_names,
        )

    def probe(self, select: exp.Select, columns: dict[str, KqlType]) -> list[tuple[Any, ...]]:
        """Rows of a SELECT the compiler needs to see (output columns that depend on data)."""
        return self.run(CompiledQuery.reading(select, columns)).rows

    def materialize(self, select: exp.Select, columns: dict[str, KqlType]) -> str:
        """Compute a SELECT once into a table of the backend and name it: the input of an
        operator the compiler probes, or a `materialize()`, which the query then reads instead
        of computing it again. Queries whose SQL up to that point is the same (rules that
        start alike) share the table. It lives as long as the compiled queries that read it."""
        query = CompiledQuery.reading(select, columns)
        sql = query.to_sql(self.backend.dialect)
        name = self._settled_sql.get(sql)
        if name is None or _RANDOM.search(sql):
            name = next(_SETTLED_NAMES)
            self._load(query.tables)
            self.backend.materialize(name, query)
            self._settled.append(name)
            self._settled_sql[sql] = name
        return name

    def query(self, text: str, source_name: str = "<query>") -> QueryResult:
        """Compile and run a KQL query. Errors carry the position in `text`."""
        made = len(self._settled)
        try:
            return self.run(self.compile(text, source_name))
        finally:
            if self.now is None:  # nothing is cached: no other query reads what this one made
                self._drop_settled(made)

    def _drop_settled(self, keep: int) -> None:
        """Drop the intermediate tables made after the first `keep`."""
        while len(self._settled) > keep:
            name = self._settled.pop()
            self._settled_sql = {s: n for s, n in self._settled_sql.items() if n != name}
            self.backend.drop(name)

    def close(self) -> None:
        self._drop_settled(0)
        self.backend.close()
