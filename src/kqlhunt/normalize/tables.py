"""Every table a read produces, their schemas, and the names the ASIM union answers to.

`imProcessCreate` holds the normalized rows of every source. Sentinel spells the same union in
several ways (workspace functions, built-in functions, parameter-less `ASim*` unions, the older
`imProcess`, per-source parsers); each name here resolves to the one union table.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime

from kqlhunt.catalog import TableData
from kqlhunt.normalize import schema as f
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.normalize.values import text
from kqlhunt.normalize.vendor import VENDOR_TABLES
from kqlhunt.types import KqlType

ASIM_ALIASES: tuple[str, ...] = (
    "imProcess",
    "imProcessEvent",
    "_Im_ProcessCreate",
    "_Im_ProcessEvent",
    "_ASim_ProcessEvent_Create",
    "_ASim_ProcessEvent",
    "ASimProcessEventCreate",
    "ASimProcessEvent",
    "ASimProcessCreate",
    "vimProcessCreate",
    # per-source parsers, built-in and workspace-deployed spellings
    *(
        f"{prefix}{source}"
        for prefix in ("imProcessCreate", "ASimProcessCreate", "vimProcessCreate")
        for source in (
            "Microsoft365D",
            "MicrosoftSysmon",
            "MicrosoftSysmonWindowsEvent",
            "MicrosoftSecurityEvents",
            "MicrosoftWindowsEvents",
            "LinuxSysmon",
        )
    ),
    *(
        f"_ASim_ProcessEvent_{source}"
        for source in (
            "Microsoft365D",
            "CreateMicrosoftSysmon",
            "CreateMicrosoftSysmonWindowsEvent",
            "CreateMicrosoftSecurityEvents",
            "CreateMicrosoftWindowsEvents",
            "CreateLinuxSysmon",
        )
    ),
)
"""Names that resolve to `imProcessCreate` (the union of every normalized source)."""

TABLE_SCHEMAS: dict[str, dict[str, KqlType]] = {TABLE_NAME: IM_PROCESS_CREATE, **VENDOR_TABLES}
"""Every table a read fills, with its columns."""

KEY_COLUMN = "_kqlhunt_key"
"""The stable event key stored beside the rows of a workspace (not a queryable column)."""

# The fields that identify one event, whatever file it was read from: the same event read
# from an EVTX file and from its JSON rendering, or from two overlapping exports, has the same
# key; two different events never share all of them.
_IDENTITY = (
    f.EVENT_PRODUCT, f.DVC, f.TIME_GENERATED, f.EVENT_ORIGINAL_UID, f.TARGET_PROCESS_ID,
    f.ACTING_PROCESS_ID, f.TARGET_PROCESS_NAME, f.TARGET_PROCESS_COMMAND_LINE,
    f.TARGET_USERNAME,
)  # fmt: skip


def event_key(row: Mapping[str, object]) -> int:
    """A 63-bit key of an `imProcessCreate` row from the fields that identify its event."""
    digest = hashlib.blake2b(digest_size=8)
    for name in _IDENTITY:
        value = row.get(name)
        if isinstance(value, datetime):
            value = value.isoformat()
        digest.update(b"\x1f" + text(value).strip().encode())
    return int.from_bytes(digest.digest(), "big") >> 1


def with_aliases(tables: Iterable[TableData]) -> dict[str, TableData]:
    """The tables by name, plus every ASIM alias sharing the `imProcessCreate` data."""
    named = {table.name: table for table in tables}
    union = named.get(TABLE_NAME)
    if union is not None:
        for alias in ASIM_ALIASES:
            named[alias] = dataclasses.replace(union, name=alias)
    return named


def empty_tables() -> dict[str, TableData]:
    """Every table, empty, with its columns."""
    return {name: TableData.empty(name, columns) for name, columns in TABLE_SCHEMAS.items()}
