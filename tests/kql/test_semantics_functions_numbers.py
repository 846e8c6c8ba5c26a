"""Numeric, logic and IPv4 functions: documented examples and the awkward cases."""

from __future__ import annotations

import math
from typing import Any

import pytest

from kqlhunt.errors import UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import on_value, rows, scalar


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("round(2.5)", 3.0),
        ("round(-2.5)", -3.0),
        ("round(2.98765, 3)", 2.988),
        ("round(21.5, -1)", 20.0),
        ("round(5)", 5),
        ("ceiling(1.2)", 2.0),
        ("ceiling(-1.2)", -1.0),
        ("log(0)", -math.inf),
        ("isnull(log(-1))", True),
        ("log10(100)", 2.0),
        ("log2(8)", 3.0),
        ("exp(0)", 1.0),
        ("exp2(3)", 8.0),
        ("exp10(2)", 100.0),
        ("pow(2, 10)", 1024.0),
        ("isnull(sqrt(-1))", True),
        ("sqrt(4)", 2.0),
        ("sign(-3)", -1.0),
        ("sign(0.0)", 0.0),
        ('isnan(todouble("nan"))', True),
        ('isinf(todouble("-inf"))', True),
        ("isfinite(1.0)", True),
        ("isnan(real(null))", False),
        ("isfinite(real(null))", False),
        ("max_of(1, 5, 3)", 5),
        ("min_of(2, long(null), 1)", 1),
        ("max_of(1, 2.5)", 2.5),
        ('max_of("a", "b")', "b"),
        ("isnull(max_of(long(null), long(null)))", True),
        ("tohex(256)", "100"),
        ("tohex(-546)", "fffffffffffffdde"),
        ("tohex(int(-546))", "fffffdde"),
        ("tohex(10, 4)", "000a"),
        ("binary_and(6, 3)", 2),
        ("binary_or(6, 3)", 7),
        ("binary_xor(6, 3)", 5),
        ("binary_not(0)", -1),
        ("binary_shift_left(1, 4)", 16),
        ("binary_shift_right(16, 4)", 1),
        ("gettype(1)", "long"),
        ("gettype(1.5)", "real"),
        ('gettype("a")', "string"),
        ("gettype(now())", "datetime"),
        ('column_ifexists("Nope", 5)', 5),
        # hex text is read the same way on every engine
        ('toint("0x1a2c")', 6700),
        ('tolong("0X1A2C")', 6700),
        ('tolong("0xABCDEF123456789")', 0xABCDEF123456789),
        pytest.param(
            'isnull(toint("0xffffffff"))',
            True,
            marks=pytest.mark.notimpl(["spark"], reason="Spark wraps an int overflow"),
        ),
        ('isnull(tolong("0x7fffffffffffffff"))', True),
        ('isnull(toint("0x"))', True),
        ('toint(" 12 ")', 12),
    ],
)
def test_number_and_logic_function(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


def test_column_ifexists_is_decided_by_the_input_columns() -> None:
    assert rows('Events | take 1 | project c = column_ifexists("N", 0)') == [(1,)]
    assert rows('Events | take 1 | project c = columnifexists("Missing", "none")') == [("none",)]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('parse_ipv4("127.0.0.1")', 2130706433),
        ('parse_ipv4("192.168.1.1/24")', 3232235776),
        ('isnull(parse_ipv4("1.2.3.256"))', True),
        ('isnull(parse_ipv4("1.2.3"))', True),
        ('isnull(parse_ipv4(""))', True),
        ('parse_ipv4_mask("10.1.2.3", 24)', 167838208),
        ('ipv4_is_private("10.1.2.3")', True),
        ('ipv4_is_private("172.20.0.1")', True),
        ('ipv4_is_private("172.32.0.1")', False),
        ('ipv4_is_private("192.168.1.1/24")', True),
        ('ipv4_is_private("127.0.0.1")', False),
        ('isnull(ipv4_is_private("not an address"))', True),
        ('ipv4_is_in_range("192.168.1.1", "192.168.1.255/24")', True),
        ('ipv4_is_in_range("192.168.2.1", "192.168.1.255/24")', False),
        ('ipv4_is_match("192.168.1.1/24", "192.168.1.255")', True),
        ('ipv4_is_match("192.168.1.1", "192.168.1.255", 24)', True),
        ('ipv4_is_match("192.168.1.1", "192.168.1.255")', False),
        ('ipv4_compare("127.0.0.1", "127.0.0.2")', -1),
        ('ipv4_compare("127.0.0.1", "127.0.0.2", 24)', 0),
        ('ipv4_netmask_suffix("10.1.2.3/20")', 20),
        ('has_ipv4("a 10.1.2.3.4 b", "10.1.2.3")', False),
        ('has_ipv4("at 10.1.2.3.", "10.1.2.3")', True),
        ('has_ipv4("x10.1.2.3", "10.1.2.3")', False),
        ('has_ipv4("10.1.2.3", "10.1.2.300")', False),
        ('has_ipv4_prefix("ip=10.1.2.3;", "10.1.")', True),
        ('has_ipv4_prefix("ip=10.1.2.3;", "10.1")', False),
        ('has_any_ipv4("a 10.1.2.3", "1.1.1.1", "10.1.2.3")', True),
        ('has_any_ipv4("", dynamic(["10.1.2.3"]))', False),
    ],
)
def test_ipv4_function(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


def test_ipv4_functions_read_columns() -> None:
    assert on_value("10.0.0.1", KqlType.STRING, "ipv4_is_private(v)") is True
    assert on_value("8.8.8.8", KqlType.STRING, 'ipv4_is_in_range(v, "8.8.0.0/16")') is True


@pytest.mark.parametrize("expression", ["new_guid()"])
def test_nondeterministic_functions_are_refused(expression: str) -> None:
    with pytest.raises(UnsupportedKqlError, match="changes on every call"):
        scalar(expression)
