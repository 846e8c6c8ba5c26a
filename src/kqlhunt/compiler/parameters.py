"""Filtering parameters of the ASIM parsers: `_Im_Dns(starttime=ago(1d), domain_has_any=...)`.

Each ASIM schema declares its parameters in order (`kqlhunt.compiler.asim_parameters`), so
that positional and named arguments work as they do in Kusto. A parameter becomes an ordinary
KQL predicate on the normalized columns, compiled by the same code as a `where`, as the parsers
apply it. A parameter given at its default (null time, empty list, '*', false) filters nothing.
A filter on a field that a source does not fill (for example `parentprocess_has_any` on Sysmon)
excludes that source's events, which is what Microsoft's parsers do for filters they cannot
apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.asim import schema_of
from kqlhunt.compiler.relation import Relation
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.compiler.strings import regex_escape, regex_match
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

# Builds the predicate of one parameter from its argument (the KQL node and its compiled
# value); None when the argument filters nothing.
Predicate = Callable[["TabularCompiler", Relation, ast.Expr, Typed], "exp.Expr | None"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One filtering parameter of an ASIM parser.

    Attributes:
        name: the parameter's name.
        takes: the KQL type its argument must have (DYNAMIC: a list; None: any).
        predicate: what it filters.
    """

    name: str
    takes: KqlType | None
    predicate: Predicate


@dataclass(frozen=True, slots=True)
class ParserParameters:
    """The parameters of one ASIM schema's parsers, in declaration order, and other spellings
    of them that published parser versions use."""

    parameters: tuple[Parameter, ...]
    aliases: tuple[tuple[str, str], ...] = ()

    def named(self, name: str) -> Parameter | None:
        canonical = dict(self.aliases).get(name, name)
        return next((p for p in self.parameters if p.name == canonical), None)


# -- predicates -------------------------------------------------------------------------------


def _column(name: str, node: ast.Expr) -> ast.Name:
    return ast.Name(name, offset=node.offset)


def _any_of(tests: list[ast.Expr], node: ast.Expr) -> ast.Expr:
    result = tests[0]
    for test in tests[1:]:
        result = ast.Binary("or", result, test, offset=node.offset)
    return result


def _kql(build: Callable[[ast.Expr], ast.Expr]) -> Predicate:
    """A predicate written in KQL over the argument's node."""

    def predicate(tc: TabularCompiler, relation: Relation, node: ast.Expr, _: Typed) -> exp.Expr:
        return tc.scalar(relation).compile(build(node)).sql

    return predicate


def time_from(column: str = "TimeGenerated") -> Predicate:
    """`column >= value`."""
    return _kql(lambda node: ast.Binary(">=", _column(column, node), node, offset=node.offset))


def time_to(column: str = "TimeGenerated") -> Predicate:
    """`column <= value`."""
    return _kql(lambda node: ast.Binary("<=", _column(column, node), node, offset=node.offset))


def list_test(op: str, *columns: str) -> Predicate:
    """`column <op> (value)` (`has_any`, `has_all`, `in`, `in~`), true when any column is."""

    def build(node: ast.Expr) -> ast.Expr:
        tests: list[ast.Expr] = [
            ast.InList(op, _column(c, node), (node,), offset=node.offset) for c in columns
        ]
        return _any_of(tests, node)

    return _kql(build)


def compare(op: str, column: str) -> Predicate:
    """`column <op> value` (`==`, `has`, ...)."""
    return _kql(lambda node: ast.Binary(op, _column(column, node), node, offset=node.offset))


def call(function: str, column: str) -> Predicate:
    """`function(column, value)`, such as `has_ipv4(DnsResponseName, value)`."""
    return _kql(lambda node: ast.Call(function, (_column(column, node), node), offset=node.offset))


def ip_prefix(*columns: str) -> Predicate:
    """An address of one of the columns starts with one of the listed prefixes."""

    def predicate(
        tc: TabularCompiler, relation: Relation, node: ast.Expr, value: Typed
    ) -> exp.Expr:
        if not value.is_constant or not isinstance(value.constant, list):
            # A list known only when the query runs (a `toscalar` of indicators): Kusto's own
            # function on each column.
            calls: list[ast.Expr] = [
                ast.Call("has_any_ipv4_prefix", (_column(c, node), node), offset=node.offset)
                for c in columns
            ]
            return tc.scalar(relation).compile(_any_of(calls, node)).sql
        regex = _ip_prefix_regex([str(p) for p in value.constant])
        if regex is None:
            return exp.false()
        scalar = tc.scalar(relation)
        tests = [regex_match(scalar.compile(_column(c, node)).sql, regex) for c in columns]
        return exp.or_(*tests)

    return predicate


def dns_event_type(
    tc: TabularCompiler, relation: Relation, node: ast.Expr, value: Typed
) -> exp.Expr | None:
    """The DNS parsers' `eventtype`: 'lookup' names the `Query` events, another value the
    events of that type."""
    if value.is_constant and isinstance(value.constant, str) and value.constant == "lookup":
        node = ast.Literal("Query", KqlType.STRING, offset=node.offset)
    return compare("==", "EventType")(tc, relation, node, value)


def disabled(tc: TabularCompiler, relation: Relation, node: ast.Expr, value: Typed) -> exp.Expr:
    """`disabled=true` turns the parser off: no rows."""
    return exp.not_(tc.scalar(relation).compile(node).sql)


def unfiltered(tc: TabularCompiler, relation: Relation, node: ast.Expr, value: Typed) -> None:
    """A parameter that shapes the output but filters nothing (`pack`)."""
    return None


def _is_ipv4_prefix(text: str) -> bool:
    """A complete IPv4 address, or its first octets ending with a dot ('192.168.')."""
    octets = text.removesuffix(".").split(".")
    if not all(o.isdigit() and int(o) <= 255 for o in octets):
        return False
    return (text.endswith(".") and len(octets) < 4) or len(octets) == 4


def _ip_prefix_regex(prefixes: list[str]) -> str | None:
    """An address starting with one of the prefixes, delimited like `has_any_ipv4_prefix`;
    None when no prefix is valid (then nothing matches)."""
    valid = [p for p in prefixes if _is_ipv4_prefix(p)]
    if not valid:
        return None
    alternatives = "|".join(regex_escape(p) for p in valid)
    return rf"(?:^|[^0-9A-Za-z.])(?:{alternatives})[0-9.]*(?:$|[^0-9A-Za-z.])"


# -- applying them ----------------------------------------------------------------------------


def table_with_parameters(tc: TabularCompiler, node: ast.TableRef, relation: Relation) -> Relation:
    """Apply the parser parameters of `node` to the table's relation."""
    from kqlhunt.compiler.asim_parameters import PARSER_PARAMETERS

    context = tc.context
    schema = schema_of(node.name)
    declared = PARSER_PARAMETERS.get(schema.name) if schema is not None else None
    if schema is None or not schema.filtering_parser(node.name):
        raise context.unsupported(f"parameters to the table '{node.name}'", node.offset)
    if declared is None:
        raise context.error(f"'{node.name}' takes no parameters", node.offset)
    parameters = declared.parameters
    if len(node.args) > len(parameters):
        extra = node.args[len(parameters)]
        raise context.error(
            f"'{node.name}' takes at most {len(parameters)} parameters", extra.offset
        )

    given = list(zip(parameters, node.args, strict=False))
    for position, (name, argument) in enumerate(node.named_args, start=len(node.args) + 1):
        parameter = declared.named(name)
        if parameter is None:
            known = ", ".join(p.name for p in parameters)
            raise context.error(
                f"'{node.name}' has no parameter '{name}' (argument {position}; it has: {known})",
                argument.offset,
            )
        given.append((parameter, argument))

    scalar = tc.scalar(relation)
    for parameter, argument in given:
        value = scalar.compile(argument)
        if _is_default(value):
            continue
        takes = parameter.takes
        if takes is not None and not _accepts(takes, value.type):
            raise context.error(
                f"the parameter '{parameter.name}' of '{node.name}' takes a "
                f"{takes.value}, not a {value.type.value}",
                argument.offset,
            )
        predicate = parameter.predicate(tc, relation, argument, value)
        if predicate is not None:
            relation = tc.wrap(relation, [exp.Star()], dict(relation.columns), where=predicate)
    return relation


def _accepts(takes: KqlType, given: KqlType) -> bool:
    """Whether an argument of type `given` fits a parameter that takes `takes`. A list
    parameter (dynamic) also takes one value, as `has_any` does; an int one takes a long."""
    if takes is KqlType.DYNAMIC:
        return True
    if takes is KqlType.INT:
        return given in (KqlType.INT, KqlType.LONG)
    return given is takes


def _is_default(value: Typed) -> bool:
    if not value.is_constant:
        return False
    constant = value.constant
    return constant is None or constant is False or constant == [] or constant == "*"
