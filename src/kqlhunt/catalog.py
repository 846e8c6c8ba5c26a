"""Tables handed to the engine: a name, KQL column types in order, and the Arrow data, or the
Parquet files that hold it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from kqlhunt.types import KqlType

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
    columns allowed): `data` is then empty and a backend reads the files in place.
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
        arrays = []
        for col, kql_type in columns.items():
            if kql_type is KqlType.STRING:
                values: list[object] = [_as_text(r.get(col)) for r in rows]
            else:
                values = [r.get(col) for r in rows]
            arrays.append(pa.array(values, type=ARROW_TYPES[kql_type]))
        schema = pa.schema([(n, ARROW_TYPES[t]) for n, t in columns.items()])
        return cls(name, dict(columns), pa.Table.from_arrays(arrays, schema=schema))

    def __len__(self) -> int:
        if self.files:
            return self.file_rows
        return int(self.data.num_rows)


def _as_text(value: object) -> str:
    return "" if value is None else str(value)
