"""Rule queries as analyzer requests, the tables each reads, and which are over process events.

Every request carries the schemas of every table kqlhunt holds (the ASIM process union under
all its names and the vendor tables), so that the analyzer binds what kqlhunt would bind.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from typing import Final

from kqlhunt.errors import KqlError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.kql.tokens import TokenType, tokenize
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.normalize.tables import ASIM_ALIASES, TABLE_SCHEMAS
from kqlhunt.parity.oracle import Request
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.types import KqlType

LOCAL_SCHEMAS: Final[dict[str, dict[str, KqlType]]] = {
    **TABLE_SCHEMAS,
    **{alias: IM_PROCESS_CREATE for alias in ASIM_ALIASES},
}
"""Every table name kqlhunt answers to, with its columns."""

ASIM_PROCESS_TABLES: Final = frozenset({TABLE_NAME, *ASIM_ALIASES})

# An ASIM name of any schema: the `im`/`ASim` unions, the `_Im_`/`_ASim_` built-in parsers, and
# the `vim` per-source parsers (imNetworkSession, _Im_Dns, ASimAuthentication, ...).
_ASIM_NAME = re.compile(r"^(?:_?Im_|_ASim_|im[A-Z]|ASim[A-Z]|vim[A-Z])")

# Vendor tables that hold process creations among other events, with the words that mark a
# query over those: Security 4688, Sysmon Event ID 1 (in Event and WindowsEvent), and Sysmon
# for Linux in Syslog.
_PROCESS_MARKERS: Final = {
    "SecurityEvent": re.compile(r"\b4688\b"),
    "WindowsEvent": re.compile(r"\b4688\b|Sysmon"),
    "Event": re.compile(r"Sysmon"),
    "Syslog": re.compile(r"Sysmon"),
}


def _wire(columns: dict[str, KqlType]) -> list[tuple[str, str]]:
    return [(name, kql_type.value) for name, kql_type in columns.items()]


_WIRE_SCHEMAS: Final = {name: _wire(columns) for name, columns in LOCAL_SCHEMAS.items()}


def rule_requests(rules: Iterable[AnalyticRule]) -> list[Request]:
    """One request per rule query, identified by its file (and a number when a file repeats)."""
    requests: list[Request] = []
    seen: dict[str, int] = {}
    for rule in rules:
        count = seen[rule.path] = seen.get(rule.path, 0) + 1
        rule_id = rule.path if count == 1 else f"{rule.path}#{count}"
        requests.append(Request(rule_id, rule.query, _WIRE_SCHEMAS))
    return requests


def tables_read(text: str) -> set[str]:
    """The names of the tables a query reads, its own `let` names left out. When kqlhunt cannot
    parse the query, the words of it that name a table kqlhunt holds or an ASIM table."""
    try:
        query = parse_query(text)
    except KqlError:
        return _table_words(text)
    names: set[str] = set()
    bound: set[str] = set()
    _collect(query, names, bound)
    return names - bound


def _table_words(text: str) -> set[str]:
    try:
        tokens = tokenize(text)
    except KqlError:
        return set()
    words = {t.text for t in tokens if t.type is TokenType.IDENTIFIER}
    return {w for w in words if w in LOCAL_SCHEMAS or _ASIM_NAME.match(w)}


def _collect(node: object, names: set[str], bound: set[str]) -> None:
    if isinstance(node, ast.TableRef):
        names.add(node.name)
    elif isinstance(node, ast.Let | ast.As):
        bound.add(node.name)
    elif isinstance(node, ast.Function):
        bound.update(p.name for p in node.parameters)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for child in _children(node):
            _collect(child, names, bound)
    elif isinstance(node, tuple | list):
        for item in node:
            _collect(item, names, bound)


def _children(node: object) -> Iterator[object]:
    for field in dataclasses.fields(node):  # type: ignore[arg-type]
        value = getattr(node, field.name)
        if dataclasses.is_dataclass(value) or isinstance(value, tuple | list):
            yield value


def over_process_events(text: str, tables: set[str]) -> bool:
    """Whether a query reads process events: an ASIM process name, `DeviceProcessEvents`, or a
    vendor table that holds them, with the event id or product that marks process creation."""
    if tables & ASIM_PROCESS_TABLES or "DeviceProcessEvents" in tables:
        return True
    return any(
        table in tables and marker.search(text) for table, marker in _PROCESS_MARKERS.items()
    )


def over_asim(tables: set[str]) -> bool:
    """Whether a query reads an ASIM table of any schema."""
    return any(_ASIM_NAME.match(name) for name in tables)
