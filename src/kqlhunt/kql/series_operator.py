"""Syntax of `make-series`: aggregations with their defaults, the axis and its bounds, the keys.

make-series [kind=nonempty] [Name =] agg [default = v], ... on Axis [from A] [to B] step S
    [by [Name =] key, ...]
make-series ... on Axis in range(A, B, S) [by ...]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kqlhunt.kql import ast
from kqlhunt.kql.table_operators import parse_kind_and_hints

if TYPE_CHECKING:
    from kqlhunt.kql.parser import Parser

SERIES_KINDS = ("nonempty",)


def parse_make_series(p: Parser, offset: int) -> ast.MakeSeries:
    kind = parse_kind_and_hints(p, {k: k for k in SERIES_KINDS}, "make-series")
    aggregates = [_aggregate(p)]
    while p.accept_op(","):
        aggregates.append(_aggregate(p))

    p.expect_word("on", "before the axis column of make-series")
    axis_token = p.tok
    axis = ast.Name(p.expect_name("the axis column of make-series"), offset=axis_token.offset)
    start = end = None
    inclusive_end = False
    if p.accept_word("in"):
        start, end, step = _range(p)
        inclusive_end = True
    else:
        if p.accept_word("from"):
            start = p.parse_expr()
        if p.accept_word("to"):
            end = p.parse_expr()
        p.expect_word("step", "in make-series (the size of a bin)")
        step = p.parse_expr()
    by: tuple[ast.Assignment, ...] = ()
    if p.accept_word("by"):
        by = p.parse_assignments()
    return ast.MakeSeries(
        tuple(aggregates),
        axis,
        start,
        end,
        step,
        by,
        inclusive_end=inclusive_end,
        kind=kind,
        offset=offset,
    )


def _aggregate(p: Parser) -> ast.SeriesAggregate:
    item = p.parse_assignment()
    default = None
    if p.tok.is_word("default") and p.peek().is_op("="):
        p.advance()
        p.advance()
        default = p.parse_expr()
    return ast.SeriesAggregate(item.name, item.expr, default, offset=item.offset)


def _range(p: Parser) -> tuple[ast.Expr, ast.Expr, ast.Expr]:
    p.expect_word("range", "after 'in' in make-series")
    p.expect_op("(", "after 'range'")
    start = p.parse_expr()
    p.expect_op(",", "after the start of the range")
    end = p.parse_expr()
    p.expect_op(",", "after the end of the range")
    step = p.parse_expr()
    p.expect_op(")", "to close the range")
    return start, end, step
