"""Tables handed to the engine: a name, KQL column types in order, and the Arrow data, or the
Parquet files that hold it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from kqlhunt.types import KqlType

# Parquet is read only for workspace tables; a hunt over log files starts faster without it.
if TYPE_CHECKING:
    import pyarrow.compute as pc

# How each KQL type is held in Arrow. Dynamic values travel as JSON text.
ARROW_TYPES: dict[KqlType, pa.DataType] = {
    KqlType.BOOL: pa.bool_(),
    KqlType.INT: pa.int32(),
    KqlType.LONG: pa.int64(),
    KqlType.REAL: pa.float64(),
    KqlType.DECIMAL: pa.float64(),
    KqlType.STRING: pa.string(),
    KqlType.DATETIME: pa.timestamp("us", tz="UTC"),
    KqlType.TIMESPAN: pa.duration("us"),
    KqlType.DYNAMIC: pa.string(),
    KqlType.GUID: pa.string(),
}


@dataclass(frozen=True)
class TableData:
    """One named table. `columns` fixes the column order and KQL types; `data` holds the rows
    with the Arrow types of `ARROW_TYPES` (strings are never null: Kusto has no null string).

    A table can instead be backed by Parquet `files` (written with the same Arrow types, extra
    columns allowed): `data` is then empty and a backend reads the files in place. A file may
    lack columns (written before the table gained them): readers give those Kusto's empty value,
    "" for a string and null otherwise (see `file_columns`).
    """

    name: str
    columns: dict[str, KqlType]
    data: pa.Table
    files: tuple[str, ...] = field(default=())
    file_rows: int = 0

    @classmethod
    def from_parquet(
        cls, name: str, columns: dict[str, KqlType], files: list[str], rows: int = 0
    ) -> TableData:
        """A table whose rows are in Parquet files (see the class docstring)."""
        empty = cls.empty(name, columns)
        return cls(name, dict(columns), empty.data, tuple(files), rows)

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(n, ARROW_TYPES[t]) for n, t in self.columns.items()])

    @classmethod
    def empty(cls, name: str, columns: dict[str, KqlType]) -> TableData:
        schema = pa.schema([(n, ARROW_TYPES[t]) for n, t in columns.items()])
        return cls(name, dict(columns), schema.empty_table())

    @classmethod
    def from_rows(
        cls, name: str, columns: dict[str, KqlType], rows: list[dict[str, object]]
    ) -> TableData:
        """Build a table from row dicts; missing strings become "", other missing values null."""
        present: set[str] = set().union(*rows)  # wide tables: most columns are in no row
        arrays = []
        for col, kql_type in columns.items():
            if col not in present:
                arrays.append(_empty_array(kql_type, len(rows)))
                continue
            if kql_type is KqlType.STRING:
                values: list[object] = [_as_text(r.get(col)) for r in rows]
            else:
                values = [r.get(col) for r in rows]
            arrays.append(pa.array(values, type=ARROW_TYPES[kql_type]))
        schema = pa.schema([(n, ARROW_TYPES[t]) for n, t in columns.items()])
        return cls(name, dict(columns), pa.Table.from_arrays(arrays, schema=schema))

    def file_columns(self) -> FileColumns:
        """Which of the columns the Parquet files hold (each file's footer is read)."""
        return FileColumns.of(self.files)

    def read_files(
        self, where: Callable[[frozenset[str]], pc.Expression | None] | None = None
    ) -> pa.Table:
        """The rows of the Parquet files in memory, with the table's columns and Arrow types; a
        column a file lacks holds Kusto's empty value.

        `where` gives, for the column names a file holds, the filter its rows must pass (read
        while the file is scanned, so only those rows are held), or None to skip the file.
        """
        if not self.files:
            return self.data
        import pyarrow.parquet as pq

        schema = self.arrow_schema
        parts = [schema.empty_table()]
        for path in self.files:
            condition = None
            if where is not None:
                condition = where(frozenset(pq.read_schema(path).names))
                if condition is None:
                    continue
            data = pq.read_table(path, filters=condition)
            arrays = [
                data.column(f.name).cast(f.type)
                if f.name in data.column_names
                else _empty_array(self.columns[f.name], data.num_rows)
                for f in schema
            ]
            parts.append(pa.Table.from_arrays(arrays, schema=schema))
        return pa.concat_tables(parts)

    def __len__(self) -> int:
        if self.files:
            return self.file_rows
        return int(self.data.num_rows)


@dataclass(frozen=True)
class FileColumns:
    """The column names of a set of Parquet files: those every file has, those at least one has,
    and whether all files list the same names in the same order."""

    every: frozenset[str]
    some: frozenset[str]
    uniform: bool

    @classmethod
    def of(cls, files: Sequence[str]) -> FileColumns:
        import pyarrow.parquet as pq

        names = [pq.read_schema(path).names for path in files]
        if not names:
            return cls(frozenset(), frozenset(), True)
        every = frozenset(names[0]).intersection(*names[1:])
        some = frozenset(names[0]).union(*names[1:])
        return cls(every, some, all(n == names[0] for n in names))


def _empty_array(kql_type: KqlType, length: int) -> pa.Array:
    """`length` copies of Kusto's empty value of a type: "" for a string, otherwise null."""
    if kql_type is KqlType.STRING:
        return pa.repeat(pa.scalar("", pa.string()), length)
    return pa.nulls(length, type=ARROW_TYPES[kql_type])


def _as_text(value: object) -> str:
    return "" if value is None else str(value)
