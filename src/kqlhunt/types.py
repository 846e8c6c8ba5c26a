"""The scalar types of KQL, shared by the compiler, the normalizers and the result renderers."""

from __future__ import annotations

import enum


class KqlType(enum.Enum):
    """A KQL scalar type, spelled as Kusto spells it."""

    BOOL = "bool"
    INT = "int"
    LONG = "long"
    REAL = "real"
    DECIMAL = "decimal"
    STRING = "string"
    DATETIME = "datetime"
    TIMESPAN = "timespan"
    DYNAMIC = "dynamic"
    GUID = "guid"

    @property
    def is_numeric(self) -> bool:
        return self in _NUMERIC

    @classmethod
    def from_name(cls, name: str) -> KqlType:
        """Resolve a type name as written in KQL (`typeof(long)`, `x:int`), aliases included."""
        try:
            return _ALIASES[name.lower()]
        except KeyError:
            raise ValueError(f"unknown KQL type {name!r}") from None


_NUMERIC = frozenset({KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DECIMAL})

_ALIASES: dict[str, KqlType] = {t.value: t for t in KqlType}
_ALIASES.update(
    {
        "boolean": KqlType.BOOL,
        "int32": KqlType.INT,
        "int64": KqlType.LONG,
        "double": KqlType.REAL,
        "date": KqlType.DATETIME,
        "time": KqlType.TIMESPAN,
        "uniqueid": KqlType.GUID,
    }
)
