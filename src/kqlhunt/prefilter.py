"""One pass for many rules: a literal pre-filter that drops rows no rule can match.

Most detection rules start by filtering their table on literal text (`where CommandLine has
"-enc"`, `where Process in~ ("cmd.exe", ...)`). Every such test implies that the column holds the
literal somewhere, case aside. For each rule whose query reads its table exactly once and filters
it first, kqlhunt derives that requirement from the syntax tree; the table is then scanned once
with the union of all requirements (one alternation regex per column: the engine's multi-pattern
matcher) and those rules run over the reduced table. Rules without a usable requirement run over
the full table. A row dropped by the pre-filter fails the rule's own leading `where`, so every
rule's result is unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow.compute as pc

from kqlhunt.catalog import TableData
from kqlhunt.compiler.strings import regex_escape
from kqlhunt.errors import KqlHuntError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
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


def plan(queries: list[str], tables: list[TableData]) -> tuple[list[TableData], list[bool]] | None:
    """Reduced tables for a batch of queries, and which queries may run over them.

    None when no query has a requirement. Only the tables some requirement is on are reduced,
    each once for the requirements on any of its names (the ASIM aliases share one table), and
    a table in Parquet files is scanned once for all of them; the others stay as they are.
    """
    schemas: dict[str, dict[str, object]] = {t.name: dict(t.columns) for t in tables}
    requirements = [rule_requirement(q, schemas) for q in queries]
    if not any(requirements):
        return None
    by_data: dict[object, list[Requirement]] = {}
    for table in tables:
        on_table = [r for r in requirements if r and r.table == table.name]
        by_data.setdefault(_identity(table), []).extend(on_table)
    reduced: dict[object, TableData] = {}
    narrowed = []
    for table in tables:
        key = _identity(table)
        if not by_data[key]:
            narrowed.append(table)
            continue
        if key not in reduced:
            reduced[key] = reduce_table(table, by_data[key])
        narrowed.append(dataclasses.replace(reduced[key], name=table.name))
    return narrowed, [r is not None for r in requirements]


def _identity(table: TableData) -> object:
    """What tables registered under several names share: their files, or their Arrow data."""
    return table.files or id(table.data)
