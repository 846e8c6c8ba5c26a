"""IPv4 functions: addresses in text ("10.1.2.3", "10.1.2.0/24") parsed into numbers, masks,
ranges, private ranges, and searches for addresses inside longer text.

An address is four decimal octets of at most 255, optionally followed by `/prefix` (0 to 32).
Text that is not such an address gives null, as Kusto's conversions do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler import strings
from kqlhunt.compiler.functions import rule, text
from kqlhunt.compiler.sqltypes import Typed, cast, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_N = exp.Literal.number
_ADDRESS = r"^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\s*(?:/\s*(\d{1,2})\s*)?$"
_OCTET = r"\d{1,3}"
# Kusto's private ranges: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.
_PRIVATE = ((10 << 24, 8), ((172 << 24) | (16 << 16), 12), ((192 << 24) | (168 << 16), 16))


def _group(source: exp.Expr, n: int) -> exp.Expr:
    found = exp.RegexpExtract(
        this=source.copy(), expression=exp.Literal.string(_ADDRESS), group=_N(n)
    )
    return exp.TryCast(
        this=exp.Nullif(this=found, expression=exp.Literal.string("")),
        to=exp.DataType.build("BIGINT"),
    )


def _when(condition: exp.Expr, then: exp.Expr) -> exp.Expr:
    return exp.Case(ifs=[exp.If(this=condition, true=then)])


def parse_address(source: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
    """The address as a number and its prefix length (32 when none is written); both null when
    the text is not an address."""
    octets = [_group(source, n) for n in range(1, 5)]
    number: exp.Expr = _N(0)
    valid: exp.Expr = strings.regex_match(source.copy(), _ADDRESS)
    for octet in octets:
        number = exp.Add(this=exp.Mul(this=p(number), expression=_N(256)), expression=octet)
        valid = exp.and_(valid, exp.LTE(this=octet.copy(), expression=_N(255)))
    written = _group(source, 5)
    prefix = exp.Coalesce(this=written, expressions=[_N(32)])
    valid = exp.and_(valid, exp.LTE(this=prefix.copy(), expression=_N(32)))
    return _when(valid, number), _when(valid.copy(), prefix)


def _block(prefix: exp.Expr) -> exp.Expr:
    """2^(32 - prefix): the size of the block a prefix leaves free."""
    power = exp.Pow(this=_N(2), expression=exp.Sub(this=_N(32), expression=p(prefix)))
    return cast(power, KqlType.LONG)


def network(address: exp.Expr, prefix: exp.Expr) -> exp.Expr:
    """The address with the bits after the prefix cleared, divided out (a block number)."""
    return exp.IntDiv(this=p(address), expression=p(_block(prefix)))


def _masked(address: exp.Expr, prefix: exp.Expr) -> exp.Expr:
    block = _block(prefix)
    return exp.Mul(this=p(network(address, prefix.copy())), expression=p(block))


def _prefix_arg(c: ExpressionCompiler, node: ast.Call, args: list[Typed], index: int) -> exp.Expr:
    if len(args) <= index:
        return _N(32)
    if args[index].type not in (KqlType.INT, KqlType.LONG, KqlType.DYNAMIC):
        raise c.context.error(
            f"the prefix of '{node.name}()' must be a whole number", node.args[index].offset
        )
    return cast(c.convert(args[index], KqlType.LONG).sql, KqlType.LONG)


@rule("parse_ipv4", arity=(1, 1))
def _parse_ipv4(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    address, prefix = parse_address(text(c, args[0]).sql)
    return Typed(_masked(address, prefix), KqlType.LONG)


@rule("parse_ipv4_mask", arity=(2, 2))
def _parse_ipv4_mask(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    address, prefix = parse_address(text(c, args[0]).sql)
    narrowest = func("LEAST", prefix, _prefix_arg(c, node, args, 1))
    return Typed(_masked(address, narrowest), KqlType.LONG)


@rule("ipv4_is_private", arity=(1, 1))
def _ipv4_is_private(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    address, prefix = parse_address(text(c, args[0]).sql)
    tests = []
    for start, length in _PRIVATE:
        inside = exp.EQ(
            this=network(address.copy(), _N(length)), expression=_N(start >> (32 - length))
        )
        tests.append(exp.and_(inside, exp.GTE(this=p(prefix.copy()), expression=_N(length))))
    known = exp.Not(this=exp.Is(this=p(address.copy()), expression=exp.Null()))
    return Typed(_when(known, exp.paren(exp.or_(*tests))), KqlType.BOOL)


def _same_network(
    c: ExpressionCompiler, node: ast.Call, args: list[Typed], use_second_prefix_only: bool
) -> tuple[exp.Expr, exp.Expr]:
    first, first_prefix = parse_address(text(c, args[0]).sql)
    second, second_prefix = parse_address(text(c, args[1]).sql)
    if use_second_prefix_only:
        prefix: exp.Expr = second_prefix
    else:
        prefix = func("LEAST", first_prefix, second_prefix, _prefix_arg(c, node, args, 2))
    return network(first, prefix), network(second, prefix.copy())


@rule("ipv4_is_in_range", arity=(2, 2))
def _ipv4_is_in_range(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    left, right = _same_network(c, node, args, use_second_prefix_only=True)
    return Typed(exp.EQ(this=p(left), expression=p(right)), KqlType.BOOL)


@rule("ipv4_is_match", arity=(2, 3))
def _ipv4_is_match(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    left, right = _same_network(c, node, args, use_second_prefix_only=False)
    return Typed(exp.EQ(this=p(left), expression=p(right)), KqlType.BOOL)


@rule("ipv4_compare", arity=(2, 3))
def _ipv4_compare(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    left, right = _same_network(c, node, args, use_second_prefix_only=False)
    sign = exp.Sign(this=exp.Sub(this=p(left), expression=p(right)))
    return Typed(cast(sign, KqlType.LONG), KqlType.LONG)


@rule("ipv4_netmask_suffix", arity=(1, 1))
def _ipv4_netmask_suffix(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _, prefix = parse_address(text(c, args[0]).sql)
    return Typed(cast(prefix, KqlType.LONG), KqlType.LONG)


# -- addresses inside text -----------------------------------------------------------------------

# An address stands alone: no letter, digit or dot joined to it on the left, and on the right
# no letter or digit, nor a dot followed by a digit (a longer dotted number).
_BEFORE = r"(?:^|[^0-9A-Za-z.])"
_AFTER = r"(?:$|[^0-9A-Za-z.]|\.$|\.[^0-9])"


def _address_pattern(address: str, prefix: bool) -> str | None:
    """The regex finding `address` (or an address starting with the prefix) in text; None when
    it is not a valid address (or a prefix of one ending in a dot)."""
    parts = address.strip().split(".")
    if prefix:
        if not address.strip().endswith(".") or not 2 <= len(parts) <= 4:
            return None
        parts = parts[:-1]
    elif len(parts) != 4:
        return None
    if not all(part.isdigit() and len(part) <= 3 and int(part) <= 255 for part in parts):
        return None
    rest = [_OCTET] * (4 - len(parts))
    return _BEFORE + r"\.".join([*parts, *rest]) + _AFTER


def _needles(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> list[str]:
    found: list[str] = []
    for arg, arg_node in zip(args, node.args[1:], strict=True):
        value = arg.constant if arg.is_constant else None
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            found.extend(value)
        else:
            raise c.context.unsupported(
                f"'{node.name}()' with addresses that are not constant strings", arg_node.offset
            )
    return found


def _search_rule(name: str, prefix: bool, many: bool) -> None:
    def compile_search(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        needles = _needles(c, node, args[1:])
        patterns = [pattern for n in needles if (pattern := _address_pattern(n, prefix))]
        if not patterns:
            return Typed(exp.false(), KqlType.BOOL)
        source = text(c, args[0]).sql
        return Typed(strings.regex_match(source, "|".join(patterns)), KqlType.BOOL)

    rule(name, arity=(2, 2) if not many else (2, 64))(compile_search)


_search_rule("has_ipv4", prefix=False, many=False)
_search_rule("has_ipv4_prefix", prefix=True, many=False)
_search_rule("has_any_ipv4", prefix=False, many=True)
_search_rule("has_any_ipv4_prefix", prefix=True, many=True)
