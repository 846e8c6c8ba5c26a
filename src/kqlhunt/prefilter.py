"""One pass for many rules: a literal pre-filter that drops rows no rule can match.

Most detection rules start by filtering their table on literal text (`where CommandLine has
"-enc"`, `where Process in~ ("cmd.exe", ...)`). Every such test implies that the column holds the
literal somewhere, case aside. For each rule whose query reads its table exactly once and filters
it first, kqlhunt derives that requirement from the syntax tree. The table is then scanned once
with the union of all requirements (one alternation regex per column: the engine's multi-pattern
matcher), and each rule runs over its own rows of what is left: those meeting its own
requirement. Each literal is looked for once per distinct value of its column, not once per row
(logs repeat the same command lines and paths across events and machines), and rules whose rows
are the same share one table. Rules without a usable requirement run over the full table. A row
dropped by the pre-filter fails the rule's own leading `where`, so every rule's result is
unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from kqlhunt.catalog import TableData
from kqlhunt.compiler.strings import regex_escape
from kqlhunt.errors import KqlHuntError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.kql.references import tables_read
from kqlhunt.types import KqlType

# Needles shorter than this select too little to be worth a pre-filter.
MIN_NEEDLE = 3

# Operators whose true result implies that the left column contains the right literal.
_CONTAINING = frozenset(
    {
        "has", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs",
        "contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs",
        "==", "=~",
    }
)  # fmt: skip
_LISTS_ANY = frozenset({"in", "in~", "has_any"})


@dataclass(frozen=True)
class Requirement:
    """A row can match only if one of `alternatives` holds: (column, literal) contained."""

    table: str
    alternatives: frozenset[tuple[str, str]]


def _nodes(value: object) -> Iterator[object]:
    """Every syntax-tree node under `value`, whatever its class."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from _nodes(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _nodes(item)


def _constants(query: ast.Query) -> dict[str, object]:
    return {
        let.name: let.value.value
        for let in query.lets
        if isinstance(let.value, ast.Literal) and let.value.value is not None
    }


def _texts(node: ast.Expr, constants: dict[str, object]) -> list[str] | None:
    """The literal strings of a constant operand (a string, a dynamic array, a let name)."""
    value: object
    if isinstance(node, ast.Literal):
        value = node.value
    elif isinstance(node, ast.Name) and node.name in constants:
        value = constants[node.name]
    else:
        return None
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) for i in items):
        return None
    return [str(i) for i in items]


def _requirement(
    node: ast.Expr, columns: set[str], constants: dict[str, object]
) -> frozenset[tuple[str, str]] | None:
    """The (column, literal) alternatives implied by a predicate, or None if it implies none."""
    if isinstance(node, ast.Binary) and node.op == "and":
        sides = [_requirement(n, columns, constants) for n in (node.left, node.right)]
        known = [s for s in sides if s]
        # Either conjunct's requirement holds; keep the more selective one (longest literals).
        return max(known, key=lambda s: min(len(n) for _, n in s), default=None)
    if isinstance(node, ast.Binary) and node.op == "or":
        left = _requirement(node.left, columns, constants)
        right = _requirement(node.right, columns, constants)
        return left | right if left and right else None
    if not isinstance(node, ast.Binary | ast.InList) or not isinstance(node.left, ast.Name):
        return None
    column = node.left.name
    if column not in columns:
        return None
    if isinstance(node, ast.Binary) and node.op in _CONTAINING:
        texts = _texts(node.right, constants)
        needles = texts if texts and len(texts) == 1 else None
    elif isinstance(node, ast.InList) and node.op in _LISTS_ANY:
        needles = [t for item in node.items for t in (_texts(item, constants) or [""])]
    elif isinstance(node, ast.InList) and node.op == "has_all":
        found = [t for item in node.items for t in (_texts(item, constants) or [])]
        needles = [max(found, key=len)] if found else None
    else:
        needles = None
    if not needles or any(len(n) < MIN_NEEDLE for n in needles):
        return None
    return frozenset((column, n) for n in needles)


def rule_requirement(query_text: str, schemas: dict[str, dict[str, object]]) -> Requirement | None:
    """The pre-filter requirement of one query, or None when it has none that is safe to use.

    Safe means: the query reads exactly one table, exactly once, as its source, and its leading
    `where` operators (before anything else) imply the requirement.
    """
    try:
        query = parse_query(query_text)
    except KqlHuntError:
        return None
    nodes = list(_nodes(query))
    if any(type(n).__name__ in ("TablePattern", "Union") for n in nodes):
        return None  # a wildcard or union could read the table a second time
    body = query.body
    if not isinstance(body, ast.Pipeline) or not isinstance(body.source, ast.TableRef):
        return None
    source = body.source
    reads = [n for n in nodes if isinstance(n, ast.TableRef) and n.name == source.name]
    if len(reads) != 1 or source.name not in schemas:
        return None
    if source.name in {let.name for let in query.lets}:
        return None
    # Only text columns are scanned for literals: a literal compared with a number column
    # (`EventID == "4688"`) is not a requirement the scan can check.
    text_columns = {c for c, t in schemas[source.name].items() if t is KqlType.STRING}
    columns, constants = text_columns, _constants(query)
    best: frozenset[tuple[str, str]] | None = None
    for operator in body.operators:
        if not isinstance(operator, ast.Where):
            break
        found = _requirement(operator.predicate, columns, constants)
        if found and (
            best is None or min(map(len, (n for _, n in found))) > min(len(n) for _, n in best)
        ):
            best = found
    return Requirement(source.name, best) if best else None


def reduce_table(table: TableData, requirements: Iterable[Requirement]) -> TableData:
    """The rows of `table` that meet at least one requirement on it, in memory. A table in
    Parquet files is read once, and only its rows that meet one are held."""
    needles: dict[str, set[str]] = {}
    for requirement in requirements:
        for column, needle in requirement.alternatives:
            needles.setdefault(column, set()).add(needle)
    if not needles:
        return table
    # One alternation per column, each needle once: the engine's multi-pattern matcher.
    patterns = {c: "(?i)" + "|".join(map(regex_escape, sorted(n))) for c, n in needles.items()}

    def meets_one(held: frozenset[str]) -> pc.Expression | None:
        """Rows whose columns hold a needle; None when the file holds none of the columns (an
        absent column is empty, and holds no needle)."""
        tests = [
            pc.match_substring_regex(pc.field(column), pattern=pattern)
            for column, pattern in sorted(patterns.items())
            if column in held
        ]
        return functools.reduce(lambda a, b: a | b, tests) if tests else None

    if table.files:
        return TableData(table.name, table.columns, table.read_files(meets_one))
    return TableData(table.name, table.columns, table.data.filter(meets_one(frozenset(patterns))))


@dataclass(frozen=True)
class OwnRows:
    """The rows of one table that meet one query's own requirement.

    `key` is the same for two queries exactly when their rows are; `mask` selects the rows of
    the table's base in the narrowing, and is None when every row of the base is kept.
    """

    table: str
    key: bytes
    mask: pa.ChunkedArray | None

    def of(self, base: TableData) -> TableData:
        """`base` (the table the mask was made over) cut to these rows."""
        if self.mask is None:
            return base
        return dataclasses.replace(base, data=base.data.filter(self.mask))


@dataclass(frozen=True)
class Narrowing:
    """What each query of a batch runs over.

    `bases` holds, by name, the tables some requirement is on: the table itself when it is in
    memory, or the rows of its Parquet files that meet any requirement on it (read in one
    scan). `own_rows` gives each query its rows of its base, or None for a query without a
    usable requirement, which runs over the full tables.
    """

    bases: dict[str, TableData]
    own_rows: list[OwnRows | None]


def plan(queries: list[str], tables: list[TableData]) -> Narrowing | None:
    """Each query's own rows of the table it filters first, or None when no query has a
    requirement. A table in Parquet files is read once, keeping the rows that meet any of the
    requirements on any of its names (the ASIM aliases share one table).

    A query that reads its table under a second name (an ASIM alias of the same data) gets no
    own rows: only the name it filters would be cut, and the other would be cut with it.
    """
    schemas: dict[str, dict[str, object]] = {t.name: dict(t.columns) for t in tables}
    by_name = {t.name: t for t in tables}
    requirements = [rule_requirement(q, schemas) for q in queries]
    for index, (query, requirement) in enumerate(zip(queries, requirements, strict=True)):
        if requirement is not None:
            source = _identity(by_name[requirement.table])
            others = tables_read(query, by_name) - {requirement.table}
            if any(_identity(by_name[n]) == source for n in others if n in by_name):
                requirements[index] = None
    if not any(requirements):
        return None
    on_data: dict[object, list[Requirement]] = {}
    for requirement in requirements:
        if requirement is not None:
            on_data.setdefault(_identity(by_name[requirement.table]), []).append(requirement)
    read: dict[object, TableData] = {}
    bases: dict[str, TableData] = {}
    for name in {r.table for r in requirements if r}:
        table = by_name[name]
        key = _identity(table)
        if table.files and key not in read:
            read[key] = reduce_table(table, on_data[key])
        bases[name] = dataclasses.replace(read[key], name=name) if table.files else table
    matchers: dict[int, _Matcher] = {}
    own_rows: list[OwnRows | None] = []
    for requirement in requirements:
        if requirement is None:
            own_rows.append(None)
            continue
        data = bases[requirement.table].data
        matcher = matchers.setdefault(id(data), _Matcher(data))
        own_rows.append(_own_rows(requirement, matcher))
    return Narrowing(bases, own_rows)


def _own_rows(requirement: Requirement, matcher: _Matcher) -> OwnRows:
    mask = matcher.rows_meeting(requirement)
    kept = pc.sum(mask).as_py() or 0
    if kept == len(mask):
        return OwnRows(requirement.table, b"every", None)
    if not kept:
        return OwnRows(requirement.table, b"none", mask)
    positions = pc.indices_nonzero(mask).to_numpy()
    return OwnRows(requirement.table, hashlib.blake2b(positions.tobytes()).digest(), mask)


class _Matcher:
    """Which rows of an Arrow table hold a literal in a column, case aside.

    Each chunk of a column is dictionary-encoded once, and a literal is looked for among its
    distinct values; the answer is then spread to the rows. Answers are kept per literal.
    """

    def __init__(self, data: pa.Table) -> None:
        self.data = data
        self._encoded: dict[str, list[pa.DictionaryArray]] = {}
        self._found: dict[tuple[str, str], pa.ChunkedArray] = {}

    def rows_meeting(self, requirement: Requirement) -> pa.ChunkedArray:
        by_column: dict[str, list[str]] = {}
        for column, needle in sorted(requirement.alternatives):
            by_column.setdefault(column, []).append(needle)
        masks = [self._rows_holding(column, needles) for column, needles in by_column.items()]
        return functools.reduce(pc.or_, masks)

    def _rows_holding(self, column: str, needles: list[str]) -> pa.ChunkedArray:
        """Rows whose `column` holds any of `needles`."""
        key = (column, "\0".join(needles))
        found = self._found.get(key)
        if found is None:
            chunks = []
            for encoded in self._chunks(column):
                hits = [
                    pc.match_substring(encoded.dictionary, pattern=n, ignore_case=True)
                    for n in needles
                ]
                in_dictionary = functools.reduce(pc.or_, hits)
                chunks.append(pc.fill_null(pc.take(in_dictionary, encoded.indices), False))
            found = self._found[key] = pa.chunked_array(chunks, type=pa.bool_())
        return found

    def _chunks(self, column: str) -> list[pa.DictionaryArray]:
        encoded = self._encoded.get(column)
        if encoded is None:
            chunks = self.data.column(column).chunks
            encoded = self._encoded[column] = [pc.dictionary_encode(c) for c in chunks]
        return encoded


def _identity(table: TableData) -> object:
    """What tables registered under several names share: their files, or their Arrow data."""
    return table.files or id(table.data)
