"""Names a query defines: `let` bindings, user-defined functions and views, `as`, `invoke`,
and `toscalar`.

A function call is expanded where it is made: its parameters are bound like `let` names (a
scalar argument as a scalar, a table argument as a named result) for the time the body is
compiled, and the names the caller had are restored afterwards. Recursion is an error, as in
Kusto.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.relation import ROW_ORDER, Relation
from kqlhunt.compiler.scope import QueryContext, Scope
from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler
    from kqlhunt.compiler.tabular import TabularCompiler


def _forget(context: QueryContext, name: str) -> None:
    context.scalar_lets.pop(name, None)
    context.tabular_lets.pop(name, None)
    context.functions.pop(name, None)
    context.relations.pop(name, None)


def _is_table(context: QueryContext, name: str, seen: frozenset[str] = frozenset()) -> bool:
    if name in context.tables or name in context.tabular_lets or name in context.relations:
        return True
    function = context.functions.get(name)
    return function is not None and is_tabular_function(context, function, seen | {name})


def is_tabular_function(
    context: QueryContext, function: ast.Function, seen: frozenset[str] = frozenset()
) -> bool:
    """Whether a function returns a table: its body is tabular or calls something tabular."""
    body = function.body
    if isinstance(body, ast.Tabular | ast.TabularSubquery):
        return True
    if isinstance(body, ast.Name | ast.Call) and body.name not in seen:
        return body.name not in context.scalar_lets and _is_table(context, body.name, seen)
    return False


def as_tabular(context: QueryContext, value: ast.Expr | ast.Tabular) -> ast.Tabular | None:
    """`value` as a tabular expression when it names a table, a tabular let or function."""
    if isinstance(value, ast.Tabular):
        return value
    if isinstance(value, ast.TabularSubquery):
        return value.query
    if isinstance(value, ast.Name) and _is_table(context, value.name):
        return ast.TableRef(value.name, offset=value.offset)
    if isinstance(value, ast.Call) and (
        value.name in context.tables or _is_table(context, value.name)
    ):
        return ast.TableRef(value.name, value.args, value.named_args, offset=value.offset)
    return None


def bind_let(context: QueryContext, let: ast.Let) -> None:
    """Bind one `let` statement in the query's (or a function body's) names."""
    from kqlhunt.compiler.expressions import ExpressionCompiler

    value = let.value
    if isinstance(value, ast.Function):
        _forget(context, let.name)
        context.functions[let.name] = value
        return
    tabular = as_tabular(context, value)
    if tabular is not None:
        _forget(context, let.name)
        context.tabular_lets[let.name] = tabular
        return
    assert isinstance(value, ast.Expr)
    compiled = ExpressionCompiler(Scope(context, {}, row_context=False)).compile(value)
    _forget(context, let.name)
    context.scalar_lets[let.name] = compiled


@contextmanager
def _frame(context: QueryContext, name: str, offset: int) -> Iterator[None]:
    """The names of a function body: bound on entry, the caller's restored on exit."""
    if name in context.calls:
        raise context.error(f"'{name}' calls itself; Kusto functions cannot recurse", offset)
    saved = (
        dict(context.scalar_lets),
        dict(context.tabular_lets),
        dict(context.functions),
        dict(context.relations),
    )
    context.calls.append(name)
    try:
        yield
    finally:
        context.calls.pop()
        context.scalar_lets, context.tabular_lets, context.functions, context.relations = saved


def _arguments(
    context: QueryContext,
    name: str,
    function: ast.Function,
    args: tuple[ast.Expr, ...],
    named: tuple[tuple[str, ast.Expr], ...],
    offset: int,
    skip: int = 0,
) -> dict[str, ast.Expr | None]:
    """Parameter -> argument (positional, by name, or the default); None for a piped table."""
    parameters = function.parameters
    if len(args) + skip > len(parameters):
        raise context.error(
            f"'{name}' takes {len(parameters)} arguments, got {len(args) + skip}", offset
        )
    bound: dict[str, ast.Expr | None] = {p.name: None for p in parameters[:skip]}
    bound.update({p.name: a for p, a in zip(parameters[skip:], args, strict=False)})
    known = {p.name for p in parameters}
    for key, value in named:
        if key not in known:
            raise context.error(f"'{name}' has no parameter '{key}'", value.offset)
        if key in bound:
            raise context.error(f"'{name}': the parameter '{key}' is given twice", value.offset)
        bound[key] = value
    for parameter in parameters:
        if parameter.name in bound:
            continue
        if parameter.default is None:
            raise context.error(f"'{name}': no value for the parameter '{parameter.name}'", offset)
        bound[parameter.name] = parameter.default
    return bound


def _fit(context: QueryContext, value: Typed, parameter: ast.Parameter, name: str) -> Typed:
    target = parameter.type
    assert target is not None
    if value.type is target or target is KqlType.DYNAMIC:
        return value
    if value.type.is_numeric and target.is_numeric:
        return Typed(cast(value.sql, target), target, value.constant, value.is_constant)
    if value.type is KqlType.DYNAMIC:
        from kqlhunt.compiler.conversions import convert

        return convert(value, target)
    raise context.error(
        f"'{name}': the parameter '{parameter.name}' is {target.value}, "
        f"the argument is {value.type.value}",
        parameter.offset,
    )


def call_scalar_function(compiler: ExpressionCompiler, node: ast.Call) -> Typed:
    """A scalar function call, expanded in the caller's row."""
    context = compiler.context
    function = context.functions[node.name]
    if is_tabular_function(context, function):
        raise context.error(f"'{node.name}' returns a table, used as a scalar", node.offset)
    bound = _arguments(context, node.name, function, node.args, node.named_args, node.offset)
    bindings: dict[str, Typed] = {}
    for parameter in function.parameters:
        argument = bound[parameter.name]
        assert argument is not None
        if parameter.type is None:
            raise context.unsupported("a table argument to a scalar function", argument.offset)
        bindings[parameter.name] = _fit(context, compiler.compile(argument), parameter, node.name)
    from kqlhunt.compiler.expressions import ExpressionCompiler

    scope = dataclasses.replace(compiler.scope, bindings=bindings)
    inner = ExpressionCompiler(scope)
    with _frame(context, node.name, node.offset):
        for let in function.lets:
            if isinstance(let.value, ast.Expr) and as_tabular(context, let.value) is None:
                bindings[let.name] = inner.compile(let.value)
            else:
                bind_let(context, let)
        assert isinstance(function.body, ast.Expr)
        return inner.compile(function.body)


def call_table_function(
    tc: TabularCompiler, node: ast.TableRef, piped: Relation | None = None
) -> Relation:
    """A tabular function or view, expanded; `piped` is the first argument of `invoke`."""
    from kqlhunt.compiler.expressions import ExpressionCompiler

    context = tc.context
    function = context.functions[node.name]
    skip = 1 if piped is not None else 0
    if piped is not None and (not function.parameters or function.parameters[0].type is not None):
        raise context.error(
            f"invoke: '{node.name}' takes no table as its first parameter", node.offset
        )
    bound = _arguments(context, node.name, function, node.args, node.named_args, node.offset, skip)
    scalars: dict[str, Typed] = {}
    tables: dict[str, Relation] = {}
    constants = ExpressionCompiler(Scope(context, {}, row_context=False))
    for parameter in function.parameters:
        argument = bound[parameter.name]
        if argument is None:
            assert piped is not None
            tables[parameter.name] = piped
        elif parameter.type is None:
            tabular = as_tabular(context, argument)
            if tabular is None:
                raise context.error(
                    f"'{node.name}': '{parameter.name}' takes a table", argument.offset
                )
            tables[parameter.name] = tc.compile(tabular)
        else:
            scalars[parameter.name] = _fit(
                context, constants.compile(argument), parameter, node.name
            )

    with _frame(context, node.name, node.offset):
        for key, value in scalars.items():
            _forget(context, key)
            context.scalar_lets[key] = value
        for key, relation in tables.items():
            _forget(context, key)
            context.relations[key] = relation
        for let in function.lets:
            bind_let(context, let)
        body = as_tabular(context, function.body)
        if body is None:
            raise context.error(f"'{node.name}' returns a scalar, used as a table", node.offset)
        return tc.compile(body)


def named_relation(context: QueryContext, name: str) -> Relation:
    """A result named by `as` or passed as a table argument, copied for one more use."""
    relation = context.relations[name]
    return Relation(relation.select.copy(), dict(relation.columns), relation.ordered)


def table_reference(tc: TabularCompiler, node: ast.TableRef) -> Relation | None:
    """A reference to a named result or a user function; None for other names."""
    if node.name in tc.context.relations and not node.args and not node.named_args:
        return named_relation(tc.context, node.name)
    if node.name in tc.context.functions:
        return call_table_function(tc, node)
    return None


def as_operator(tc: TabularCompiler, relation: Relation, node: ast.As) -> Relation:
    """`T | as Name`: the rows pass unchanged and can be read again as `Name`."""
    context = tc.context
    _forget(context, node.name)
    context.relations[node.name] = Relation(
        relation.select.copy(), dict(relation.columns), relation.ordered
    )
    return relation


def invoke(tc: TabularCompiler, relation: Relation, node: ast.Invoke) -> Relation:
    """`T | invoke f(args)`: f called with T as its first argument."""
    if node.function not in tc.context.functions:
        raise tc.context.error(f"invoke: unknown function '{node.function}'", node.offset)
    call = ast.TableRef(node.function, node.args, node.named_args, offset=node.offset)
    return call_table_function(tc, call, piped=relation)


def toscalar(compiler: ExpressionCompiler, node: ast.Call) -> Typed:
    """`toscalar(T)`: the first column of T's first row, as a scalar subquery. Of a scalar
    expression, the expression's value."""
    from kqlhunt.compiler.tabular import TabularCompiler

    context = compiler.context
    if len(node.args) != 1 or node.named_args:
        raise context.error("'toscalar()' takes one expression", node.offset)
    tabular = as_tabular(context, node.args[0])
    if tabular is None:
        return compiler.compile(node.args[0])
    relation = TabularCompiler(context).compile(tabular)
    name, kql_type = next(iter(relation.columns.items()))
    source = relation.select.subquery(context.fresh_alias(), copy=False)
    first = exp.select(exp.column(name, quoted=True)).from_(source, copy=False)
    if relation.ordered:
        first = first.order_by(exp.column(ROW_ORDER, quoted=True), copy=False)
    sql: exp.Expr = exp.Subquery(this=first.limit(1, copy=False))
    if kql_type is KqlType.STRING:
        sql = coalesce_text(sql)
    return Typed(sql, kql_type)


# Functions compiled here rather than through the scalar function table (see `user_call`).
SPECIAL_FUNCTIONS = ("toscalar", "row_number", "prev", "next")


def user_call(compiler: ExpressionCompiler, node: ast.Call) -> Typed | None:
    """A call of a user-defined function, `toscalar` or a window function; None otherwise."""
    if node.name in compiler.context.functions:
        return call_scalar_function(compiler, node)
    if node.name == "toscalar":
        return toscalar(compiler, node)
    from kqlhunt.compiler.window import WINDOW_FUNCTIONS, window_function

    if node.name in WINDOW_FUNCTIONS:
        return window_function(compiler, node)
    return None
