"""The `make-series` operator: per group, one array per aggregation over the bins of an axis.

The bins start at `from` (else the bin of the smallest axis value in the input) and step by
`step` while below `to` (else past the largest axis value); `in range(A, B, S)` includes `B`.
Each group (of the rows inside the bins) gets, per aggregation, the value of each bin in order,
`default` (0 unless given) where the bin has no rows, and the axis column becomes the array of
the bins' starts. The bounds taken from the data are those of the whole input, so every series
has the same axis.

In SQL: the rows are grouped by key and bin number; a grid of every group and bin number is
joined to them, and each group collects its values in bin order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.aggregates import AGGREGATES
from kqlhunt.compiler.dynamic import to_json
from kqlhunt.compiler.dynamic_functions import array_value
from kqlhunt.compiler.expressions import (
    ExpressionCompiler,
    epoch_us,
    from_epoch_us,
    literal,
    ticks_to_us,
)
from kqlhunt.compiler.join import suffixed
from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.result_names import ListNames
from kqlhunt.compiler.scope import Scope
from kqlhunt.compiler.sqltypes import Typed, cast
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

_BIN = "__kqlhunt_bin"
_GROUP = "__kqlhunt_group"
_DOUBLE = exp.DataType.build("DOUBLE")
_BIGINT = exp.DataType.build("BIGINT")


def make_series(tc: TabularCompiler, relation: Relation, node: ast.MakeSeries) -> Relation:
    context = tc.context
    if node.kind is not None:
        raise context.unsupported(f"make-series kind={node.kind}", node.offset)
    rows = tc.scalar(relation)
    constants = ExpressionCompiler(Scope(context, {}, row_context=False))

    names = ListNames(relation.columns)
    keys: list[tuple[str, Typed]] = []
    for item in node.by:
        value = rows.compile(item.expr)
        if value.type is KqlType.DYNAMIC:
            raise context.unsupported("grouping by a dynamic value", item.offset)
        name, repeated = names.name(item.expr, item.name)
        if repeated or name == node.axis.name:
            raise context.error(f"make-series: the column '{name}' appears twice", item.offset)
        keys.append((name, value))

    axis = _Axis(tc, relation, rows.compile(node.axis), node)
    taken = {name for name, _ in keys} | {node.axis.name}
    series: list[tuple[str, Typed, Typed]] = []  # name, aggregation, default
    for aggregate in node.aggregates:
        series.append(_aggregation(rows, constants, aggregate, taken))
        taken.add(series[-1][0])

    group_names = [name for name, _ in keys] or [_GROUP]
    binned = exp.select(
        *(aliased(value.sql, name) for name, value in keys),
        *([] if keys else [aliased(exp.true(), _GROUP)]),
        aliased(axis.bin_number(), _BIN),
        *(aliased(value.sql, f"_a{i}") for i, (_, value, _) in enumerate(series)),
    ).from_(relation.select.subquery(context.fresh_alias(), copy=False), copy=False)
    binned = binned.where(axis.inside(), copy=False).group_by(
        *(value.sql.copy() for _, value in keys), axis.bin_number(), copy=False
    )

    binned_alias, grid_alias = context.fresh_alias(), context.fresh_alias()
    groups = exp.select(*(exp.column(n, quoted=True) for n in group_names)).distinct()
    groups = groups.from_(binned.subquery(context.fresh_alias()), copy=False)
    numbers = exp.Unnest(
        expressions=[exp.GenerateSeries(start=exp.Literal.number(0), end=axis.last_bin())],
        alias=exp.TableAlias(
            this=exp.to_identifier("s"), columns=[exp.to_identifier(_BIN, quoted=True)]
        ),
    )
    grid = exp.select(
        *(exp.column(n, "g", quoted=True) for n in group_names), exp.column(_BIN, "s", quoted=True)
    ).from_(groups.subquery("g"), copy=False)
    grid = grid.join(numbers, join_type="cross", copy=False)

    match = [
        exp.NullSafeEQ(
            this=exp.column(n, grid_alias, quoted=True),
            expression=exp.column(n, binned_alias, quoted=True),
        )
        for n in [*group_names, _BIN]
    ]
    bin_number = exp.column(_BIN, grid_alias, quoted=True)
    outer: list[exp.Expr] = [exp.column(n, grid_alias, quoted=True) for n, _ in keys]
    columns: dict[str, KqlType] = {name: value.type for name, value in keys}
    for i, (name, value, default) in enumerate(series):
        cell = exp.Coalesce(
            this=exp.column(f"_a{i}", binned_alias, quoted=True), expressions=[default.sql]
        )
        outer.append(aliased(_in_bin_order(Typed(cell, value.type), bin_number), name))
        columns[name] = KqlType.DYNAMIC
    starts = _in_bin_order(axis.bin_start(bin_number), bin_number)
    outer.append(aliased(starts, node.axis.name))
    columns[node.axis.name] = KqlType.DYNAMIC

    select = exp.select(*outer).from_(grid.subquery(grid_alias), copy=False)
    select = select.join(
        binned.subquery(binned_alias), on=exp.and_(*match), join_type="left", copy=False
    )
    select = select.group_by(
        *(exp.column(n, grid_alias, quoted=True) for n in group_names), copy=False
    )
    return Relation(select, columns)


def _in_bin_order(value: Typed, bin_number: exp.Expr) -> exp.Expr:
    ordered = exp.Order(this=to_json(value), expressions=[exp.Ordered(this=bin_number.copy())])
    return array_value(exp.ArrayAgg(this=ordered))


def _aggregation(
    rows: ExpressionCompiler,
    constants: ExpressionCompiler,
    item: ast.SeriesAggregate,
    taken: set[str],
) -> tuple[str, Typed, Typed]:
    context = rows.context
    call = item.expr
    if not isinstance(call, ast.Call) or call.name not in AGGREGATES:
        construct = "this aggregation in make-series"
        if isinstance(call, ast.Call):
            construct = f"the aggregation '{call.name}()' in make-series"
        raise context.unsupported(construct, call.offset)
    result = AGGREGATES[call.name](rows, call, call.name)
    if isinstance(result, list):
        raise context.unsupported(f"the aggregation '{call.name}()' in make-series", call.offset)
    if not result.value.type.is_numeric:
        raise context.unsupported(
            "make-series of an aggregation whose result is not a number", call.offset
        )
    name = item.name or suffixed(result.default_name, taken)
    if name in taken:
        raise context.error(f"make-series: the column '{name}' appears twice", item.offset)
    default = literal(0, result.value.type)
    if item.default is not None:
        given = constants.compile(item.default)
        if not (given.type.is_numeric or (given.is_constant and given.constant is None)):
            raise context.error(
                f"the default of make-series must be a number, not {given.type.value}",
                item.default.offset,
            )
        default = Typed(cast(given.sql, result.value.type), result.value.type)
    return name, result.value, default


class _Axis:
    """The axis as a number (microseconds for datetimes, ticks for timespans), its bounds and
    the bin of each row."""

    def __init__(
        self, tc: TabularCompiler, relation: Relation, axis: Typed, node: ast.MakeSeries
    ) -> None:
        context = tc.context
        constants = ExpressionCompiler(Scope(context, {}, row_context=False))
        if not (axis.type.is_numeric or axis.type in (KqlType.DATETIME, KqlType.TIMESPAN)):
            raise context.error(
                f"the axis of make-series must be a datetime, a timespan or a number, "
                f"not {axis.type.value}",
                node.axis.offset,
            )
        self.type = axis.type
        step = constants.compile(node.step)
        wanted = KqlType.TIMESPAN if axis.type is KqlType.DATETIME else axis.type
        if step.type is not wanted and not (wanted.is_numeric and step.type.is_numeric):
            raise context.error(
                f"the step of make-series must be a {wanted.value}, not {step.type.value}",
                node.step.offset,
            )
        if step.is_constant and (step.constant is None or float(str(step.constant)) <= 0):
            raise context.error("the step of make-series must be above zero", node.step.offset)
        self.value = self._number(axis)
        self.step = self._step(step)

        data = relation.select.subquery(context.fresh_alias())
        if node.start is None:
            smallest = exp.select(exp.Min(this=self.value.copy())).from_(data.copy())
            lowest = exp.Floor(
                this=exp.Div(this=_double(smallest.subquery()), expression=self.step)
            )
            self.start: exp.Expr = exp.Mul(this=lowest, expression=self.step.copy())
        else:
            self.start = _double(self._number(self._bound(constants, node.start, "from")))
        if node.end is None:
            largest = exp.select(exp.Max(this=self.value.copy())).from_(data.copy())
            self.count: exp.Expr = exp.Floor(this=self._bins_to(largest.subquery())) + 1
        else:
            end = self._number(self._bound(constants, node.end, "to"))
            bins = self._bins_to(end)
            self.count = (
                exp.Floor(this=bins) + exp.Literal.number(1)
                if node.inclusive_end
                else exp.Ceil(this=bins)
            )

    def _bound(self, constants: ExpressionCompiler, expr: ast.Expr, word: str) -> Typed:
        value = constants.compile(expr)
        if value.type is not self.type and not (value.type.is_numeric and self.type.is_numeric):
            raise constants.context.error(
                f"the '{word}' bound of make-series must be a {self.type.value}, "
                f"not {value.type.value}",
                expr.offset,
            )
        return value

    def _number(self, value: Typed) -> exp.Expr:
        return epoch_us(value.sql) if self.type is KqlType.DATETIME else value.sql

    def _step(self, step: Typed) -> exp.Expr:
        return _double(ticks_to_us(step.sql) if self.type is KqlType.DATETIME else step.sql)

    def _bins_to(self, end: exp.Expr) -> exp.Expr:
        """How many steps from the start to `end`, as a fraction."""
        distance = exp.Sub(this=_double(end), expression=exp.paren(self.start.copy()))
        return exp.Div(this=exp.paren(distance), expression=self.step.copy())

    def bin_number(self) -> exp.Expr:
        return exp.Cast(this=exp.Floor(this=self._bins_to(self.value.copy())), to=_BIGINT)

    def last_bin(self) -> exp.Expr:
        return exp.Cast(this=exp.paren(self.count.copy()), to=_BIGINT) - exp.Literal.number(1)

    def inside(self) -> exp.Expr:
        """Whether a row's axis value falls in one of the bins."""
        bins = self._bins_to(self.value.copy())
        return exp.and_(
            exp.GTE(this=bins, expression=exp.Literal.number(0)),
            exp.LT(this=bins.copy(), expression=exp.paren(self.count.copy())),
        )

    def bin_start(self, bin_number: exp.Expr) -> Typed:
        offset = exp.Mul(this=_double(bin_number.copy()), expression=self.step.copy())
        start = exp.Add(this=exp.paren(self.start.copy()), expression=offset)
        if self.type is KqlType.DATETIME:
            return Typed(from_epoch_us(exp.Cast(this=start, to=_BIGINT)), self.type)
        return Typed(cast(start, self.type), self.type)


def _double(sql: exp.Expr) -> exp.Expr:
    return exp.Cast(this=sql, to=_DOUBLE.copy())
