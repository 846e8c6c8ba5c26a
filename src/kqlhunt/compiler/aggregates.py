"""Aggregations of `summarize`, with Kusto's default column names and empty-input values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.result_names import result_name
from kqlhunt.compiler.sqltypes import Typed, cast, func
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler


@dataclass(frozen=True)
class AggregateColumn:
    """One output column of an aggregation: its default name and typed SQL."""

    default_name: str
    value: Typed


@dataclass(frozen=True)
class ArgExtreme:
    """`arg_max` / `arg_min`: the row where `by` is largest (smallest); `columns` are taken from it.

    `columns` is None for `*` (every input column not already a group key)."""

    maximize: bool
    by: Typed
    by_name: str
    columns: list[tuple[str, Typed]] | None


# A rule gives one output column, or several (`percentiles(x, 50, 95)`).
AggregateRule = Callable[
    ["ExpressionCompiler", ast.Call, str], "AggregateColumn | list[AggregateColumn]"
]
AGGREGATES: dict[str, AggregateRule] = {}


def aggregate(*names: str) -> Callable[[AggregateRule], AggregateRule]:
    def register(fn: AggregateRule) -> AggregateRule:
        for name in names:
            AGGREGATES[name] = fn
        return fn

    return register


def _column_suffix(node: ast.Expr) -> str:
    """The part of a default name taken from the argument: `dcount(Item)` -> `Item`,
    `dcount(tostring(d.a))` -> `d_a`."""
    return result_name(node) or ""


def _args(c: ExpressionCompiler, node: ast.Call, low: int, high: int) -> list[Typed]:
    if not low <= len(node.args) <= high:
        expected = str(low) if low == high else f"{low} to {high}"
        raise c.context.error(
            f"'{node.name}()' takes {expected} arguments, got {len(node.args)}", node.offset
        )
    return [c.compile(a) for a in node.args if not isinstance(a, ast.Star)]


def _predicate(c: ExpressionCompiler, node: ast.Call, value: Typed, index: int) -> exp.Expr:
    if value.type is not KqlType.BOOL:
        raise c.context.error(
            f"the predicate of '{node.name}()' must be bool, not {value.type.value}",
            node.args[index].offset,
        )
    return value.sql


def _filtered(sql: exp.Expr, predicate: exp.Expr) -> exp.Expr:
    return exp.Filter(this=sql, expression=exp.Where(this=predicate))


@aggregate("count")
def _count(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    if node.args and not isinstance(node.args[0], ast.Star):
        # count(X) counts rows, nulls in X included (the documented example counts 2 of 2 rows
        # one of which is null); a bool X counts the rows where it is true.
        (value,) = _args(c, node, 1, 1)
        counted: exp.Expr = exp.Count(this=exp.Star())
        if value.type is KqlType.BOOL:
            counted = _filtered(counted, value.sql)
        return AggregateColumn(
            f"count_{_column_suffix(node.args[0])}", Typed(counted, KqlType.LONG)
        )
    return AggregateColumn("count_", Typed(exp.Count(this=exp.Star()), KqlType.LONG))


@aggregate("countif")
def _countif(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    (predicate,) = _args(c, node, 1, 1)
    sql = _filtered(exp.Count(this=exp.Star()), _predicate(c, node, predicate, 0))
    return AggregateColumn("countif_", Typed(sql, KqlType.LONG))


def _accuracy(c: ExpressionCompiler, node: ast.Call, index: int) -> None:
    """dcount's accuracy level (0 to 4) only trades speed for precision in Kusto's estimate;
    kqlhunt counts exactly, which every level agrees with on small sets."""
    if len(node.args) <= index:
        return
    level = c.compile(node.args[index])
    if not (level.is_constant and isinstance(level.constant, int) and 0 <= level.constant <= 4):
        raise c.context.error(
            f"the accuracy of '{node.name}()' must be a constant from 0 to 4",
            node.args[index].offset,
        )


@aggregate("dcount", "count_distinct")
def _dcount(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    value = _args(c, node, 1, 2 if name == "dcount" else 1)[0]
    _accuracy(c, node, 1)
    sql = exp.Count(this=exp.Distinct(expressions=[value.sql]))
    return AggregateColumn(f"{name}_{_column_suffix(node.args[0])}", Typed(sql, KqlType.LONG))


@aggregate("dcountif", "count_distinctif")
def _dcountif(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    value, predicate = _args(c, node, 2, 3 if name == "dcountif" else 2)[:2]
    _accuracy(c, node, 2)
    sql = _filtered(
        exp.Count(this=exp.Distinct(expressions=[value.sql])), _predicate(c, node, predicate, 1)
    )
    return AggregateColumn(f"{name}_{_column_suffix(node.args[0])}", Typed(sql, KqlType.LONG))


def _sum_type(value: Typed) -> KqlType:
    if value.type in (KqlType.INT, KqlType.LONG, KqlType.BOOL):
        return KqlType.LONG
    return value.type


@aggregate("sum")
def _sum(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    (value,) = _args(c, node, 1, 1)
    _numeric(c, node, value)
    total = exp.Coalesce(this=exp.Sum(this=value.sql), expressions=[exp.Literal.number(0)])
    result = _sum_type(value)
    return AggregateColumn(
        f"sum_{_column_suffix(node.args[0])}", Typed(cast(total, result), result)
    )


@aggregate("sumif")
def _sumif(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    value, predicate = _args(c, node, 2, 2)
    _numeric(c, node, value)
    summed = _filtered(exp.Sum(this=value.sql), _predicate(c, node, predicate, 1))
    total = exp.Coalesce(this=summed, expressions=[exp.Literal.number(0)])
    result = _sum_type(value)
    return AggregateColumn(
        f"sumif_{_column_suffix(node.args[0])}", Typed(cast(total, result), result)
    )


_NAN = exp.Cast(this=exp.Literal.string("NaN"), to=exp.DataType.build("DOUBLE"))


@aggregate("avg", "avgif")
def _avg(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    """The mean of the non-null values; NaN when there are none (as the documented empty-input
    example shows), not null."""
    args = _args(c, node, 2, 2) if name == "avgif" else _args(c, node, 1, 1)
    value = args[0]
    _numeric(c, node, value)
    sql: exp.Expr = exp.Avg(this=cast(value.sql, KqlType.REAL))
    if name == "avgif":
        sql = _filtered(sql, _predicate(c, node, args[1], 1))
    sql = exp.Coalesce(this=sql, expressions=[_NAN.copy()])
    return AggregateColumn(f"{name}_{_column_suffix(node.args[0])}", Typed(sql, KqlType.REAL))


_SPREAD = {
    "stdev": exp.StddevSamp,
    "stdevif": exp.StddevSamp,
    "stdevp": exp.StddevPop,
    "variance": exp.Variance,
    "varianceif": exp.Variance,
    "variancep": exp.VariancePop,
}


@aggregate(*_SPREAD)
def _spread(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    """Sample (stdev, variance) or population (stdevp, variancep) spread of the non-null
    values; 0 when there are fewer than two (Kusto's empty-input value)."""
    conditional = name.endswith("if")
    args = _args(c, node, 2, 2) if conditional else _args(c, node, 1, 1)
    _numeric(c, node, args[0])
    sql: exp.Expr = _SPREAD[name](this=cast(args[0].sql, KqlType.REAL))
    if conditional:
        sql = _filtered(sql, _predicate(c, node, args[1], 1))
    sql = exp.Coalesce(this=sql, expressions=[exp.Literal.number(0)])
    prefix = name.removesuffix("if")
    return AggregateColumn(f"{prefix}_{_column_suffix(node.args[0])}", Typed(sql, KqlType.REAL))


def _percent_name(value: float) -> str:
    """50 -> "50", 99.9 -> "99_9", as Kusto names percentile columns."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", "_").replace("-", "_")


@aggregate("percentile", "percentiles")
def _percentiles(
    c: ExpressionCompiler, node: ast.Call, name: str
) -> AggregateColumn | list[AggregateColumn]:
    """Nearest-rank percentiles: each result is one of the values (Kusto's estimate is exact
    on small sets). One column per percentage, named percentile_X_P."""
    args = _args(c, node, 2, 2) if name == "percentile" else _args(c, node, 2, 64)
    value = args[0]
    _numeric(c, node, value)
    if value.type is KqlType.BOOL:
        raise c.context.error(f"'{name}()' needs a number, not bool", node.args[0].offset)
    columns = []
    for index, percent in enumerate(args[1:], start=1):
        if not (percent.is_constant and isinstance(percent.constant, int | float)):
            raise c.context.unsupported(
                f"'{name}()' with a percentage that is not a constant", node.args[index].offset
            )
        fraction = float(percent.constant) / 100
        if not 0 <= fraction <= 1:
            raise c.context.error("a percentage lies from 0 to 100", node.args[index].offset)
        sql = exp.Quantile(this=value.sql.copy(), quantile=exp.Literal.number(fraction))
        suffix = f"{_column_suffix(node.args[0])}_{_percent_name(percent.constant)}"
        columns.append(AggregateColumn(f"percentile_{suffix}", Typed(sql, value.type)))
    return columns[0] if name == "percentile" else columns


def _numeric(c: ExpressionCompiler, node: ast.Call, value: Typed) -> None:
    if value.type.is_numeric or value.type in (KqlType.TIMESPAN, KqlType.BOOL):
        return
    raise c.context.error(
        f"'{node.name}()' needs a numeric argument, not {value.type.value}", node.args[0].offset
    )


def _extreme(maximize: bool) -> AggregateRule:
    def compile_extreme(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
        (value,) = _args(c, node, 1, 1)
        if value.type is KqlType.DYNAMIC:
            raise c.context.error(f"'{node.name}()' cannot compare dynamic values", node.offset)
        sql = exp.Max(this=value.sql) if maximize else exp.Min(this=value.sql)
        prefix = "max" if maximize else "min"
        return AggregateColumn(f"{prefix}_{_column_suffix(node.args[0])}", Typed(sql, value.type))

    return compile_extreme


aggregate("max")(_extreme(True))
aggregate("min")(_extreme(False))


def _extreme_if(maximize: bool) -> AggregateRule:
    def compile_extreme_if(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
        value, predicate = _args(c, node, 2, 2)
        sql = exp.Max(this=value.sql) if maximize else exp.Min(this=value.sql)
        prefix = "maxif" if maximize else "minif"
        filtered = _filtered(sql, _predicate(c, node, predicate, 1))
        return AggregateColumn(
            f"{prefix}_{_column_suffix(node.args[0])}", Typed(filtered, value.type)
        )

    return compile_extreme_if


aggregate("maxif")(_extreme_if(True))
aggregate("minif")(_extreme_if(False))


def _collect(distinct: bool, conditional: bool, nulls: bool = False) -> AggregateRule:
    def compile_collect(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
        args = _args(c, node, 2 if conditional else 1, 3 if conditional else 2)
        value = args[0]
        if value.type is KqlType.DYNAMIC:
            raise c.context.unsupported(f"'{node.name}()' of dynamic values", node.args[0].offset)
        limit = (
            args[2]
            if conditional and len(args) > 2
            else (args[1] if not conditional and len(args) > 1 else None)
        )
        if limit is None and name in ("makeset", "makelist"):
            limit = Typed(exp.Literal.number(128), KqlType.LONG, 128, True)  # the old default cap
        present: exp.Expr = exp.Not(this=exp.Is(this=value.sql, expression=exp.Null()))
        if nulls:
            present = exp.true()
        if conditional:
            present = exp.and_(present, exp.paren(_predicate(c, node, args[1], 1)))
        gathered: exp.Expr = exp.ArrayAgg(
            this=exp.Distinct(expressions=[value.sql]) if distinct else value.sql
        )
        gathered = _filtered(gathered, present)
        gathered = exp.Coalesce(this=gathered, expressions=[exp.Array(expressions=[])])
        if limit is not None:
            gathered = func("LIST_SLICE", gathered, exp.Literal.number(1), limit.sql)
        prefix = "set" if distinct else "list"
        json_value = func("TO_JSON", gathered)
        return AggregateColumn(
            f"{prefix}_{_column_suffix(node.args[0])}",
            Typed(cast(json_value, KqlType.DYNAMIC), KqlType.DYNAMIC),
        )

    return compile_collect


aggregate("make_set", "makeset")(_collect(True, False))
aggregate("make_set_if")(_collect(True, True))
aggregate("make_list", "makelist")(_collect(False, False))
aggregate("make_list_if")(_collect(False, True))
aggregate("make_list_with_nulls")(_collect(False, False, nulls=True))


@aggregate("take_any", "any", "take_anyif", "anyif")
def _take_any(c: ExpressionCompiler, node: ast.Call, name: str) -> AggregateColumn:
    conditional = name.endswith("if")
    if (len(node.args) != 1 and not conditional) or isinstance(node.args[0], ast.Star):
        raise c.context.unsupported(f"'{node.name}()' of several columns or '*'", node.offset)
    args = _args(c, node, 2, 2) if conditional else _args(c, node, 1, 1)
    value = args[0]
    sql: exp.Expr = exp.AnyValue(this=value.sql)
    if conditional:
        sql = _filtered(sql, _predicate(c, node, args[1], 1))
    return AggregateColumn(_any_name(node, name), Typed(sql, value.type))


def _any_name(node: ast.Call, name: str) -> str:
    """Kusto's names: `take_any(x)` and `take_anyif(x, p)` keep the column's name; the older
    `any(x)` and `anyif(x, p)` prefix it. Of an expression: `any_arg0`, `Column1`, `any_`,
    `anyif_`."""
    column = _column_suffix(node.args[0])
    if name.startswith("take_"):
        return column or ("Column1" if name == "take_anyif" else "any_arg0")
    return f"{name}_{column}"


def arg_extreme(c: ExpressionCompiler, node: ast.Call) -> ArgExtreme:
    """Compile the arguments of `arg_max(by, cols...)` / `arg_min(by, cols...)`."""
    if len(node.args) < 2:
        raise c.context.error(
            f"'{node.name}()' needs the expression to maximize and the columns to return",
            node.offset,
        )
    by = c.compile(node.args[0])
    maximize = node.name in ("arg_max", "argmax")
    by_name = _column_suffix(node.args[0]) or ("max_" if maximize else "min_")
    columns: list[tuple[str, Typed]] | None = []
    for arg in node.args[1:]:
        if isinstance(arg, ast.Star):
            columns = None
            break
        suffix = _column_suffix(arg)
        if not suffix:
            raise c.context.unsupported(f"computed columns in '{node.name}()'", arg.offset)
        assert columns is not None
        columns.append((suffix, c.compile(arg)))
    return ArgExtreme(maximize, by, by_name, columns)
