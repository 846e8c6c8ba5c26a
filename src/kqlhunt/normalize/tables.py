"""Every table a read produces, the tables kqlhunt knows but no source fills yet, their
schemas, and the names the ASIM unions answer to.

`imProcessCreate` holds the normalized rows of every source. Sentinel spells the same union in
several ways (workspace functions, built-in functions, parameter-less `ASim*` unions, the older
`imProcess`, per-source parsers); each name resolves to the one union table, and so does each
name of the other ASIM schemas to its own (`kqlhunt.asim`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b

import pyarrow as pa

from kqlhunt.asim import PROCESS_EVENT, SCHEMAS
from kqlhunt.catalog import ARROW_TYPES, TableData
from kqlhunt.normalize import schema as f
from kqlhunt.normalize.asim_schemas import ASIM_SCHEMAS
from kqlhunt.normalize.known_schemas import KNOWN_VENDOR_TABLES
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.normalize.values import text
from kqlhunt.normalize.vendor import VENDOR_TABLES
from kqlhunt.types import KqlType

ASIM_ALIASES: tuple[str, ...] = tuple(PROCESS_EVENT.names())[1:]
"""Names that resolve to `imProcessCreate` (the union of every normalized source)."""

TABLE_SCHEMAS: dict[str, dict[str, KqlType]] = {TABLE_NAME: IM_PROCESS_CREATE, **VENDOR_TABLES}
"""Every table a read fills, with its columns: the tables a workspace stores."""

KNOWN_SCHEMAS: dict[str, dict[str, KqlType]] = {**ASIM_SCHEMAS, **KNOWN_VENDOR_TABLES}
"""Every table kqlhunt knows but no source fills yet, with its columns. Queries see them empty;
a workspace never stores them."""

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
    parts = [""]  # the identity starts with a separator
    for name in _IDENTITY:
        value = row.get(name)
        if type(value) is not str:  # most fields are text already
            value = value.isoformat() if isinstance(value, datetime) else text(value)
        parts.append(value.strip())
    digest = blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@dataclass(slots=True)
class Columns:
    """Rows of one table held column by column, with only the columns some row has a value in;
    a column left out is empty ("" for a string, null otherwise). This is how parsed rows travel
    from a parser process to the writer: a few lists pickle fast, and Arrow arrays are built
    later for many files at once (building them per small file would cost more than parsing).

    Attributes:
        count: how many rows.
        values: column name to its values, one per row, strings already as text.
    """

    count: int
    values: dict[str, list[object]]

    @classmethod
    def of_rows(
        cls, columns: Mapping[str, KqlType], rows: Sequence[Mapping[str, object]]
    ) -> Columns:
        """The rows' values of `columns` (other keys are ignored), as `TableData.from_rows` reads
        them: a string column's value as text, "" for null."""
        builder = ColumnBuilder(columns)
        for row in rows:
            builder.add(row)
        return builder.build()

    def take(self, keep: Sequence[int]) -> Columns:
        """The rows at the positions `keep`, in that order."""
        return Columns(len(keep), {n: [v[i] for i in keep] for n, v in self.values.items()})


class ColumnBuilder:
    """Rows of one table gathered column by column as they come (see `Columns`).

    Each row is spread into the columns while it is fresh in the processor's cache: a pass over
    all the rows at the end costs two to three times as much, as the rows are scattered over
    memory by then. Normalized rows hold only the fields that have a value, a few dozen of the
    hundred and more columns of `imProcessCreate`; visiting each row's own fields costs far
    less than looking every column up in every row. A column stays short while rows leave it
    out and is filled up with empty values when the next value, or `build`, comes.

    Args:
        columns: the table's columns and their types.
    """

    __slots__ = ("_strings", "_values", "count")

    def __init__(self, columns: Mapping[str, KqlType]) -> None:
        self._strings = {name: kql_type is KqlType.STRING for name, kql_type in columns.items()}
        self._values: dict[str, list[object]] = {}
        self.count = 0

    def add(self, row: Mapping[str, object]) -> None:
        """Add a row's values of the table's columns (other keys are ignored): a string column's
        value as text, "" for null."""
        number = self.count
        strings = self._strings
        values = self._values
        for key, value in row.items():
            string = strings.get(key)
            if string is None:
                continue
            if string and type(value) is not str:
                value = "" if value is None else str(value)
            column = values.get(key)
            if column is None:
                column = values[key] = ["" if string else None] * number
            elif len(column) < number:
                column.extend(["" if string else None] * (number - len(column)))
            column.append(value)
        self.count = number + 1

    def build(self) -> Columns:
        """The rows so far. The columns' lists are handed over, not copied: add no rows after."""
        count = self.count
        for name, column in self._values.items():
            if len(column) < count:
                column.extend(["" if self._strings[name] else None] * (count - len(column)))
        return Columns(count, dict(self._values))


def arrow_table(columns: Mapping[str, KqlType], parts: Sequence[Columns]) -> pa.Table:
    """One Arrow table of the rows of `parts`, in order, with `columns` and their Arrow types."""
    total = sum(part.count for part in parts)
    arrays = []
    for name, kql_type in columns.items():
        arrow_type = ARROW_TYPES[kql_type]
        empty = "" if kql_type is KqlType.STRING else None
        present = [part.values.get(name) for part in parts]
        if all(values is None for values in present):  # most columns of a wide table
            arrays.append(pa.repeat(pa.scalar(empty, type=arrow_type), total))
            continue
        if len(parts) == 1:
            joined = present[0]
        else:
            joined = []
            for part, values in zip(parts, present, strict=True):
                joined.extend(values if values is not None else [empty] * part.count)
        arrays.append(pa.array(joined, type=arrow_type))
    schema = pa.schema([(name, ARROW_TYPES[kql_type]) for name, kql_type in columns.items()])
    return pa.Table.from_arrays(arrays, schema=schema)


def build_table(columns: Mapping[str, KqlType], rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """The Arrow data `TableData.from_rows` makes of the same rows."""
    return arrow_table(columns, [Columns.of_rows(columns, rows)])


def with_aliases(tables: Iterable[TableData]) -> dict[str, TableData]:
    """Every table queries can read, by name: the tables given; each table kqlhunt knows but no
    source fills, empty (unless given); and every ASIM name (`kqlhunt.asim`) sharing its
    schema's table."""
    named = {table.name: table for table in tables}
    for name, columns in KNOWN_SCHEMAS.items():
        if name not in named:
            named[name] = TableData.empty(name, columns)
    for schema in SCHEMAS:
        union = named.get(schema.table)
        if union is None:
            continue
        for alias in schema.names():
            if alias != schema.table:
                named[alias] = dataclasses.replace(union, name=alias)
    return named


def table_schemas() -> dict[str, dict[str, KqlType]]:
    """The columns of every table queries can read, by name (as `with_aliases` names them)."""
    return {name: table.columns for name, table in with_aliases(empty_tables().values()).items()}


def empty_tables() -> dict[str, TableData]:
    """Every table a read fills, empty, with its columns."""
    return {name: TableData.empty(name, columns) for name, columns in TABLE_SCHEMAS.items()}
