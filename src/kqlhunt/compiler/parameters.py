"""Filtering parameters of the ASIM process parsers: `imProcessCreate(starttime=ago(1d), ...)`.

Each parameter becomes an ordinary KQL predicate on the normalized columns, compiled by the same
code as a `where`, as the ASIM parsers apply them. A parameter left at its default (null time,
empty list, '*') filters nothing. A filter on a field that a source does not fill (for example
`parentprocess_has_any` on Sysmon) excludes that source's events, which is what Microsoft's
parsers do for filters they cannot apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.relation import Relation
from kqlhunt.compiler.sqltypes import Typed
from kqlhunt.compiler.strings import regex_escape, regex_match
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.tabular import TabularCompiler

# Tables that are ASIM process parsers taking the filtering parameters.
PARAMETERIZED_TABLES = frozenset(
    {"imProcessCreate", "_Im_ProcessCreate", "imProcessEvent", "_Im_ProcessEvent"}
)

# The parameters in declaration order, so positional arguments work as in Kusto.
PARAMETERS = (
    "starttime",
    "endtime",
    "commandline_has_any",
    "commandline_has_all",
    "commandline_has_any_ip_prefix",
    "actingprocess_has_any",
    "targetprocess_has_any",
    "parentprocess_has_any",
    "targetusername_has",
    "dvcipaddr_has_any_prefix",
    "dvchostname_has_any",
    "hashes_has_any",
    "eventtype",
)
# Spellings of the same parameters used by published parser versions.
ALIASES = {"targetusername": "targetusername_has", "dvcname_has_any": "dvchostname_has_any"}

_HASH_COLUMNS = (
    "TargetProcessSHA256",
    "TargetProcessSHA1",
    "TargetProcessMD5",
    "TargetProcessIMPHASH",
)

Filter = Callable[[ast.Expr, int], list[ast.Expr]]


def _name(column: str, offset: int) -> ast.Name:
    return ast.Name(column, offset=offset)


def _has_list(column: str, op: str = "has_any") -> Filter:
    def build(value: ast.Expr, offset: int) -> list[ast.Expr]:
        return [ast.InList(op, _name(column, offset), (value,), offset=offset)]

    return build


def _time_bound(op: str) -> Filter:
    def build(value: ast.Expr, offset: int) -> list[ast.Expr]:
        return [ast.Binary(op, _name("TimeGenerated", offset), value, offset=offset)]

    return build


def _hashes(value: ast.Expr, offset: int) -> list[ast.Expr]:
    tests: ast.Expr | None = None
    for column in _HASH_COLUMNS:
        test = ast.InList("in~", _name(column, offset), (value,), offset=offset)
        tests = test if tests is None else ast.Binary("or", tests, test, offset=offset)
    assert tests is not None
    return [tests]


FILTERS: dict[str, Filter] = {
    "starttime": _time_bound(">="),
    "endtime": _time_bound("<="),
    "commandline_has_any": _has_list("CommandLine"),
    "commandline_has_all": _has_list("CommandLine", "has_all"),
    "actingprocess_has_any": _has_list("ActingProcessName"),
    "targetprocess_has_any": _has_list("TargetProcessName"),
    "parentprocess_has_any": _has_list("ParentProcessName"),
    "dvchostname_has_any": _has_list("DvcHostname"),
    "hashes_has_any": _hashes,
}


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


def table_with_parameters(tc: TabularCompiler, node: ast.TableRef, relation: Relation) -> Relation:
    """Apply the parser parameters of `node` to the table's relation."""
    context = tc.context
    if node.name not in PARAMETERIZED_TABLES:
        raise context.unsupported(f"parameters to the table '{node.name}'", node.offset)
    if len(node.args) > len(PARAMETERS):
        raise context.error(
            f"'{node.name}' takes at most {len(PARAMETERS)} parameters", node.offset
        )
    given = list(zip(PARAMETERS, node.args, strict=False))
    for name, argument in node.named_args:
        canonical = ALIASES.get(name, name)
        if canonical not in PARAMETERS:
            known = ", ".join(PARAMETERS)
            raise context.error(
                f"'{node.name}' has no parameter '{name}' (it has: {known})", argument.offset
            )
        given.append((canonical, argument))

    scalar = tc.scalar(relation)
    for name, argument in given:
        value = scalar.compile(argument)
        if _is_default(value):
            continue
        predicate = _predicate(tc, relation, name, argument, value)
        relation = tc.wrap(relation, [exp.Star()], dict(relation.columns), where=predicate)
    return relation


def _is_default(value: Typed) -> bool:
    if not value.is_constant:
        return False
    return value.constant is None or value.constant == [] or value.constant == "*"


def _predicate(
    tc: TabularCompiler, relation: Relation, name: str, node: ast.Expr, value: Typed
) -> exp.Expr:
    context, scalar = tc.context, tc.scalar(relation)
    if name in ("targetusername_has", "eventtype"):
        if value.type is not KqlType.STRING:
            raise context.error(f"the parameter '{name}' takes a string", node.offset)
        op, column = (
            ("has", "TargetUsername") if name == "targetusername_has" else ("==", "EventType")
        )
        return scalar.compile(
            ast.Binary(op, _name(column, node.offset), node, offset=node.offset)
        ).sql
    if name in ("commandline_has_any_ip_prefix", "dvcipaddr_has_any_prefix"):
        if not value.is_constant or not isinstance(value.constant, list):
            raise context.unsupported(f"a non-constant list for '{name}'", node.offset)
        column = "CommandLine" if name.startswith("commandline") else "DvcIpAddr"
        regex = _ip_prefix_regex([str(p) for p in value.constant])
        if regex is None:
            return exp.false()
        return regex_match(scalar.compile(_name(column, node.offset)).sql, regex)
    if name in ("starttime", "endtime") and value.type is not KqlType.DATETIME:
        raise context.error(f"the parameter '{name}' takes a datetime", node.offset)
    predicates = FILTERS[name](node, node.offset)
    return exp.and_(*(scalar.compile(p).sql for p in predicates))
