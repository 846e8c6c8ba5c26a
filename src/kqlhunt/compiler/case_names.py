"""Column names that differ only in case, as SQL can hold them.

Kusto's column names are case-sensitive, and rules lean on it: many add `timestamp` (Sentinel's
entity convention) beside the `Timestamp` of a Defender XDR table. DuckDB and Spark SQL resolve
names regardless of case, so in the SQL a query compiles to, a name the query makes whose lower
case is that of a column some table holds, while no table holds it as spelled, carries a suffix
that spells its case: `timestamp` becomes `timestamp__c000000000`, `TIMESTAMP` becomes
`TIMESTAMP__c111111111`. The choice depends on the name and the tables only, so every SQL tree
of a query (the query's own, its probes, its intermediate tables) names a column alike. Results
keep the KQL names, which the backends read by position.

Names that would still meet in SQL (two table columns read together, such as `LogonID` and
`LogonId`, or two names a query makes whose lower case no table holds) are refused by name
where they meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from sqlglot import exp

_Tree = TypeVar("_Tree", bound=exp.Expr)


class CaseNames:
    """The SQL name of each KQL column name, given the columns the tables hold."""

    def __init__(self, tables: Mapping[str, Mapping[str, object]]) -> None:
        self._held = {column for columns in tables.values() for column in columns}
        self._held_lower = {column.lower() for column in self._held}

    def sql_name(self, name: str) -> str:
        """`name` as the SQL spells it; names the tables hold, or that meet none of them in
        lower case, are their own (and so is a name already given a suffix)."""
        if name in self._held or name.lower() not in self._held_lower:
            return name
        return f"{name}__c" + "".join("1" if c.isupper() else "0" for c in name)

    def meet(self, names: list[str]) -> tuple[str, str] | None:
        """Two of `names` that the SQL cannot tell apart, or None."""
        seen: dict[str, str] = {}
        for name in names:
            other = seen.setdefault(self.sql_name(name).lower(), name)
            if other != name:
                return other, name
        return None

    def rename(self, tree: _Tree) -> _Tree:
        """`tree` with every column name and column alias spelled as the SQL spells it (in
        place; renaming again changes nothing)."""
        for identifier in list(tree.find_all(exp.Identifier)):
            parent = identifier.parent
            if isinstance(parent, exp.Table) or (
                isinstance(parent, exp.TableAlias) and identifier.arg_key == "this"
            ):
                continue  # a table's name, not a column's
            renamed = self.sql_name(identifier.name)
            if renamed != identifier.name:
                identifier.set("this", renamed)
        return tree
