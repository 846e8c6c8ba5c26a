"""The names Kusto gives to unnamed columns of `project`, `extend`, `distinct` and `summarize`.

A column reference keeps its name; a path into a dynamic value joins its steps with `_`
(`d.a[0]` -> `d_a_0`); a call is named after its first argument, after the function and the
argument (`strlen(x)` -> `strlen_x`) or not at all, as each built-in function declares (the
generated table in `result_names_data`). What has no name gets `Column1`, `Column2`, ...
"""

from __future__ import annotations

from collections.abc import Collection

from kqlhunt.compiler.join import suffixed
from kqlhunt.compiler.kusto_names import KUSTO_AGGREGATES
from kqlhunt.compiler.result_names_data import AGGREGATE_RESULT_NAME_KINDS, RESULT_NAME_KINDS
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

_INDEX_LITERAL_TYPES = frozenset({KqlType.STRING, KqlType.LONG, KqlType.INT})


def result_name(
    expr: ast.Expr, row: Collection[str] = (), *, aggregating: bool = False
) -> str | None:
    """The name Kusto derives from `expr`, or None when it derives none.

    `row` holds the input's columns, which `column_ifexists("x", ...)` is named after. With
    `aggregating` (an expression of summarize), aggregation calls are named as Kusto names
    them inside an expression (`strlen(any(x))` -> `strlen_any_x`).

    >>> result_name(ast.Call("tostring", (ast.Member(ast.Name("d"), "a"),)))
    'd_a'
    """
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.Member):
        return _path_name(expr.target, expr.key, aggregating)
    if isinstance(expr, ast.Index):
        return _path_name(expr.target, _index_name(expr.index), aggregating)
    if isinstance(expr, ast.Call):
        return _call_name(expr, row, aggregating)
    return None


def _path_name(target: ast.Expr, step: str | None, aggregating: bool) -> str | None:
    """`left_step`, or the step alone when the left side has no name; a step that is not a
    constant key still leaves its `_` (`d[i]` -> `d_`)."""
    left = result_name(target, aggregating=aggregating)
    if left is None or not left.strip():
        return step
    return f"{left}_{step or ''}"


def _index_name(index: ast.Expr) -> str | None:
    if not isinstance(index, ast.Literal) or index.type not in _INDEX_LITERAL_TYPES:
        return None
    if isinstance(index.value, int) and index.value < 0:
        return None  # `d[-1]` is a negated literal to Kusto, which names only literals
    return str(index.value)


def _call_name(call: ast.Call, row: Collection[str], aggregating: bool) -> str | None:
    kinds = RESULT_NAME_KINDS
    if aggregating and call.name in KUSTO_AGGREGATES:
        kinds = AGGREGATE_RESULT_NAME_KINDS
    kind, prefix = kinds.get(call.name, ("none", None))
    if kind in ("name_and_first_argument", "name_and_only_argument"):
        kind, prefix = kind.replace("name_and", "prefix_and"), call.name
    first = call.args[0] if call.args else None

    if kind == "prefix_and_first_argument" or (
        kind == "prefix_and_only_argument" and len(call.args) == 1
    ):
        if first is None:
            return None if prefix is None else f"{prefix}_"
        name = result_name(first, aggregating=aggregating)
        return name if prefix is None else f"{prefix}_{name or ''}"
    if kind == "first_argument_value_if_column":
        if isinstance(first, ast.Literal) and isinstance(first.value, str):
            return first.value if first.value in row else None
        return None
    if kind == "first_argument" or (kind == "only_argument" and len(call.args) == 1):
        return None if first is None else result_name(first, aggregating=aggregating)
    if kind == "prefix_only":
        return prefix
    return None


def default_name(expr: ast.Expr, taken: Collection[str], row: Collection[str] = ()) -> str:
    """The derived name of `expr`, else the first `ColumnN` not in `taken`."""
    name = result_name(expr, row)
    if name:
        return name
    index = 1
    while f"Column{index}" in taken:
        index += 1
    return f"Column{index}"


class ListNames:
    """Names the columns of one `project`, `distinct` or `summarize ... by` list.

    A given name (`a = ...`) or a column reference keeps its name and may appear once; a name
    derived from an expression becomes `name1`, `name2`, ... when taken; the rest are named
    `Column1`, `Column2`, ... skipping taken names.
    """

    def __init__(self, row: Collection[str]) -> None:
        self._row = row
        self._taken: set[str] = set()
        self._declared: set[str] = set()
        self._generated = 0

    def name(self, expr: ast.Expr, given: str | None = None) -> tuple[str, bool]:
        """The name of the next column, and whether it repeats a declared one (an error)."""
        if given is None and isinstance(expr, ast.Name):
            given = expr.name
        if given is not None:
            if given in self._declared:
                return given, True
            self._declared.add(given)
            name = suffixed(given, self._taken)
        else:
            derived = result_name(expr, self._row)
            if derived:
                name = suffixed(derived, self._taken)
            else:
                self._generated += 1
                while f"Column{self._generated}" in self._taken:
                    self._generated += 1
                name = f"Column{self._generated}"
        self._taken.add(name)
        return name, False
