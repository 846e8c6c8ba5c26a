"""The KQL syntax tree: scalar expressions, tabular operators, statements.

Nodes are frozen dataclasses. Every node keeps `offset`, the character offset of its first token,
so later stages can point at the query text when they reject it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kqlhunt.types import KqlType

# ---------------------------------------------------------------------------------------------
# Scalar expressions


@dataclass(frozen=True, slots=True)
class Expr:
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    """A typed constant. `value` is None for a typed null such as `datetime(null)`.

    Python values by type: bool, int, float, str, `datetime` (UTC), int ticks for timespan,
    parsed JSON for dynamic.
    """

    value: object
    type: KqlType


@dataclass(frozen=True, slots=True)
class Name(Expr):
    """A column, a `let` name or a table, resolved by the compiler."""

    name: str


@dataclass(frozen=True, slots=True)
class Star(Expr):
    """`*` as a function argument: `count(*)`, `arg_max(T, *)`."""


@dataclass(frozen=True, slots=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    named_args: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    """Arithmetic, comparison, logic and the string operators (`has`, `!contains`, `=~`, ...)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str  # "-" or "+"
    operand: Expr


@dataclass(frozen=True, slots=True)
class InList(Expr):
    """`x in (a, b)`, `x !in~ (dynamic([...]))`, `x has_any (...)`, `x has_all (...)`."""

    op: str
    left: Expr
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class SearchTerm(Expr):
    """A term of `search`: `"term"` (any column) or `Column:"term"`; a leading or trailing `*`
    in the term matches a prefix, a suffix or a part."""

    term: str
    column: str | None


@dataclass(frozen=True, slots=True)
class Between(Expr):
    value: Expr
    low: Expr
    high: Expr
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Member(Expr):
    """`bag.key`."""

    target: Expr
    key: str


@dataclass(frozen=True, slots=True)
class Index(Expr):
    """`bag["key"]` or `array[0]`."""

    target: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class TypeOf(Expr):
    """`typeof(long)`: a type named as an argument (`extract(..., typeof(int))`)."""

    type: KqlType


@dataclass(frozen=True, slots=True)
class TabularSubquery(Expr):
    """A tabular expression used as a scalar operand, e.g. the list of `in ((T | project x))`."""

    query: Tabular


# ---------------------------------------------------------------------------------------------
# Tabular expressions and operators


@dataclass(frozen=True, slots=True)
class Tabular:
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class TableRef(Tabular):
    """A table or a tabular `let` name, maybe with parameters: `imProcessCreate(...)`."""

    name: str
    args: tuple[Expr, ...] = ()
    named_args: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True, slots=True)
class DataTable(Tabular):
    columns: tuple[tuple[str, KqlType], ...]
    values: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class ExternalData(Tabular):
    """`externaldata (schema) [uris] with (properties)`: rows read from files."""

    columns: tuple[tuple[str, KqlType], ...]
    uris: tuple[Expr, ...]  # constant strings
    properties: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True, slots=True)
class Print(Tabular):
    items: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class Pipeline(Tabular):
    source: Tabular
    operators: tuple[Operator, ...]


@dataclass(frozen=True, slots=True)
class Materialize(Tabular):
    """`materialize(T)`: T's rows, computed once however often the query reads them."""

    source: Tabular


@dataclass(frozen=True, slots=True)
class Assignment:
    """`Name = expr` or a bare `expr` (name None) in extend, project, summarize, print; or
    `(A, B) = expr` (`names`, name None) for an expression giving several columns."""

    name: str | None
    expr: Expr
    names: tuple[str, ...] = ()
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Operator:
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Where(Operator):
    predicate: Expr


@dataclass(frozen=True, slots=True)
class Extend(Operator):
    items: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class Project(Operator):
    items: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class ProjectAway(Operator):
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProjectKeep(Operator):
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProjectRename(Operator):
    renames: tuple[tuple[str, str], ...]  # (new name, old name)


@dataclass(frozen=True, slots=True)
class ProjectReorder(Operator):
    patterns: tuple[str, ...]
    orders: tuple[str | None, ...] = ()  # per pattern: asc, desc, granny-asc, granny-desc


@dataclass(frozen=True, slots=True)
class Take(Operator):
    count: Expr


@dataclass(frozen=True, slots=True)
class SortKey:
    expr: Expr
    descending: bool = True  # Kusto sorts descending unless told otherwise
    nulls_first: bool | None = None  # None: Kusto's default for the direction


@dataclass(frozen=True, slots=True)
class Sort(Operator):
    keys: tuple[SortKey, ...]


@dataclass(frozen=True, slots=True)
class Top(Operator):
    count: Expr
    key: SortKey


@dataclass(frozen=True, slots=True)
class Count(Operator):
    pass


@dataclass(frozen=True, slots=True)
class GetSchema(Operator):
    """`getschema`: one row per column of the input: its name, position and type."""


@dataclass(frozen=True, slots=True)
class Distinct(Operator):
    items: tuple[Expr, ...]  # (Star(),) for `distinct *`


@dataclass(frozen=True, slots=True)
class Summarize(Operator):
    aggregates: tuple[Assignment, ...]
    by: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class SeriesAggregate:
    """One aggregation of `make-series`: `[Name =] agg(...) [default = value]`."""

    name: str | None
    expr: Expr
    default: Expr | None = None
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class MakeSeries(Operator):
    """`make-series aggs on Axis [from A] [to B] step S [by keys]`, or `on Axis in range(A, B,
    S)`, whose `B` is inclusive (`inclusive_end`). `kind` is `nonempty` or None."""

    aggregates: tuple[SeriesAggregate, ...]
    axis: Name
    start: Expr | None
    end: Expr | None
    step: Expr
    by: tuple[Assignment, ...] = ()
    inclusive_end: bool = False
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class ExpandItem:
    """One column of `mv-expand` / `mv-apply`: `[Name =] expr [to typeof(T)]`."""

    name: str | None
    expr: Expr
    to_type: KqlType | None = None
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class MvExpand(Operator):
    items: tuple[ExpandItem, ...]
    kind: str = "bag"  # "bag" or "array": how a property-bag entry becomes a value
    item_index: str | None = None  # with_itemindex=Name
    limit: Expr | None = None
    legacy: bool = False  # `mvexpand`: at most 128 rows per input row by default


@dataclass(frozen=True, slots=True)
class MvApply(Operator):
    """`mv-apply items on (operators)`: the operators run once per input row, over its rows."""

    items: tuple[ExpandItem, ...]
    operators: tuple[Operator, ...]
    kind: str = "bag"
    item_index: str | None = None
    limit: Expr | None = None


@dataclass(frozen=True, slots=True)
class ParsePart:
    """A piece of a `parse` pattern: `*`, a constant, or a column `Name[:type]`."""

    kind: str  # "star", "text" or "column"
    value: str = ""  # the constant, or the column name
    type: KqlType = KqlType.STRING
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Parse(Operator):
    source: Expr
    parts: tuple[ParsePart, ...]
    kind: str = "simple"  # "simple", "regex" or "relaxed"
    flags: str = ""
    keep_failures: bool = True  # false for parse-where: rows that do not match are dropped


@dataclass(frozen=True, slots=True)
class Evaluate(Operator):
    """`evaluate plugin(args) [: (schema)]`; `keeps_input` when the schema starts with `*`."""

    plugin: str
    args: tuple[Expr, ...]
    named_args: tuple[tuple[str, Expr], ...] = ()
    schema: tuple[tuple[str, KqlType], ...] | None = None
    keeps_input: bool = False


# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(frozen=True, slots=True)
class Let:
    name: str
    value: Expr | Tabular | Function
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Query:
    lets: tuple[Let, ...]
    body: Tabular


# ---------------------------------------------------------------------------------------------
# Combining tables, user-defined functions, row order


@dataclass(frozen=True, slots=True)
class JoinKey:
    """`on Key` (the same name on both sides) or `on $left.a == $right.b`."""

    left: str
    right: str
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Join(Operator):
    kind: str  # canonical: innerunique, inner, leftouter, rightouter, fullouter, leftsemi, ...
    right: Tabular
    keys: tuple[JoinKey, ...]
    left_filters: tuple[Expr, ...] = ()  # `where` predicates after the join, on left columns


@dataclass(frozen=True, slots=True)
class Lookup(Operator):
    kind: str  # leftouter or inner
    right: Tabular
    keys: tuple[JoinKey, ...]


@dataclass(frozen=True, slots=True)
class TablePattern(Tabular):
    """A wildcard over table names in `union`: `Sec*`."""

    pattern: str


@dataclass(frozen=True, slots=True)
class Union(Tabular):
    legs: tuple[Tabular, ...]
    kind: str = "outer"  # outer or inner
    source_column: str | None = None  # withsource=Name
    fuzzy: bool = False  # isfuzzy=true: legs that do not resolve are dropped


@dataclass(frozen=True, slots=True)
class Find(Tabular):
    """`find [withsource=C] [in (T, ...)] where predicate [project-smart | project c[: type],
    ...]`. No legs: every table. `project` None: `project-smart`."""

    legs: tuple[Tabular, ...]
    predicate: Expr
    project: tuple[tuple[str, KqlType | None], ...] | None = None
    source_column: str = "source_"


@dataclass(frozen=True, slots=True)
class UnionWith(Operator):
    """`T | union U, V`: the piped input is the first leg."""

    union: Union


@dataclass(frozen=True, slots=True)
class Range(Tabular):
    column: str
    start: Expr
    stop: Expr
    step: Expr


@dataclass(frozen=True, slots=True)
class Search(Operator):
    """`search predicate`: the rows the predicate (search terms and KQL predicates) matches."""

    predicate: Expr
    case_sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Serialize(Operator):
    items: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class As(Operator):
    name: str


@dataclass(frozen=True, slots=True)
class Invoke(Operator):
    function: str
    args: tuple[Expr, ...]
    named_args: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True, slots=True)
class Parameter:
    """A function parameter: a scalar `name: type [= default]` or a table `T: (*)`."""

    name: str
    type: KqlType | None  # None for a tabular parameter
    default: Expr | None = None
    offset: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Function:
    """`(params) { lets; body }` bound by `let`; `view () {...}` when `view` is set."""

    parameters: tuple[Parameter, ...]
    lets: tuple[Let, ...]
    body: Expr | Tabular
    view: bool = False
    offset: int = field(default=0, kw_only=True, compare=False)


def walk(
    node: object,
    *,
    into_tables: bool = True,
    stop: Callable[[object], bool] | None = None,
) -> Iterator[object]:
    """Every syntax node under `node` (itself included), depth first. With `into_tables`
    false, the tabular expressions inside a scalar one (`toscalar(T | ...)`) are not entered;
    a node for which `stop` is true is yielded but not entered."""
    yield node
    if not into_tables and isinstance(node, TabularSubquery):
        return
    if stop is not None and stop(node):
        return
    for child in _children(node):
        yield from walk(child, into_tables=into_tables, stop=stop)


def _children(node: object) -> Iterator[object]:
    values: Iterable[object]
    if isinstance(node, tuple | list):
        values = node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        values = (getattr(node, f.name) for f in dataclasses.fields(node))
    else:
        return
    for value in values:
        if isinstance(value, tuple | list):
            yield from _children(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield value
