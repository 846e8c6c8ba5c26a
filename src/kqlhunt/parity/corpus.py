"""Rule queries as analyzer requests, the tables each reads, and which are over process events.

Every request carries the schemas of every table kqlhunt holds (the tables it fills, those it
knows but no source fills yet, and every ASIM name), so that the analyzer binds what kqlhunt
would bind.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from typing import Final

from kqlhunt.kql.references import ASIM_NAME, table_patterns
from kqlhunt.kql.references import tables_read as _tables_read
from kqlhunt.lint.query import LOCAL_TABLES
from kqlhunt.normalize.schema import TABLE_NAME
from kqlhunt.normalize.tables import ASIM_ALIASES, TABLE_SCHEMAS
from kqlhunt.parity.oracle import Request
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.types import KqlType

LOCAL_SCHEMAS: Final = LOCAL_TABLES
"""Every table name kqlhunt answers to, with its columns."""

ASIM_PROCESS_TABLES: Final = frozenset({TABLE_NAME, *ASIM_ALIASES})

# Vendor tables that hold process creations among other events, with the words that mark a
# query over those: Security 4688, Sysmon Event ID 1 (in Event and WindowsEvent), and Sysmon
# for Linux in Syslog.
_PROCESS_MARKERS: Final = {
    "SecurityEvent": re.compile(r"\b4688\b"),
    "WindowsEvent": re.compile(r"\b4688\b|Sysmon"),
    "Event": re.compile(r"Sysmon"),
    "Syslog": re.compile(r"Sysmon"),
}


def _wire(columns: Mapping[str, KqlType]) -> list[tuple[str, str]]:
    return [(name, kql_type.value) for name, kql_type in columns.items()]


_WIRE_SCHEMAS: Final = {name: _wire(columns) for name, columns in LOCAL_SCHEMAS.items()}

# The tables every request carries: those kqlhunt fills, under all their names. The tables it
# knows but does not fill (hundreds of names) go only when some query reads them.
_FILLED: Final = frozenset({*TABLE_SCHEMAS, *ASIM_PROCESS_TABLES})


def rule_requests(rules: Iterable[AnalyticRule]) -> list[Request]:
    """One request per rule query, identified by its file (and a number when a file repeats).
    Every request carries the same schemas (the analyzer builds them once): the filled tables
    and every other table some query reads, by name or by a wildcard of `union`."""
    rules = list(rules)
    names = set(_FILLED)
    for rule in rules:
        names |= tables_read(rule.query) & LOCAL_SCHEMAS.keys()
        for pattern in table_patterns(rule.query):
            names.update(fnmatch.filter(LOCAL_SCHEMAS, pattern))
    schemas = {name: _WIRE_SCHEMAS[name] for name in sorted(names)}
    requests: list[Request] = []
    seen: dict[str, int] = {}
    for rule in rules:
        count = seen[rule.path] = seen.get(rule.path, 0) + 1
        rule_id = rule.path if count == 1 else f"{rule.path}#{count}"
        requests.append(Request(rule_id, rule.query, schemas))
    return requests


def tables_read(text: str) -> set[str]:
    """The tables a query reads (see `kqlhunt.kql.references`), kqlhunt's among its words when
    it does not parse."""
    return _tables_read(text, LOCAL_SCHEMAS)


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
    return any(ASIM_NAME.match(name) for name in tables)
