"""Scalar functions: strings, conditionals, nulls and emptiness."""

from __future__ import annotations

from typing import Any

import pytest

from tests.kql.semantics import rows, scalar


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('tolower("ABC")', "abc"),
        ('toupper("abc")', "ABC"),
        # functions are not operators: they change letters of every script
        ('tolower("ÄB")', "äb"),
        ('toupper("äb")', "ÄB"),
        ('strcat("a", "b", "c")', "abc"),
        ('strcat("a", 1, true)', "a1true"),
        ('strcat("a", int(null))', "a"),
        ('strcat_delim("-", "a", "b", 3)', "a-b-3"),
        ('strcat_delim(", ", "x", "")', "x, "),
        ('strlen("hello")', 5),
        ('strlen("héllo")', 5),
        ('strlen("")', 0),
        ('substring("abcdef", 2)', "cdef"),
        ('substring("abcdef", 2, 2)', "cd"),
        ('substring("abcdef", 0, 100)', "abcdef"),
        ('substring("abc", 5)', ""),
        ('indexof("abcabc", "c")', 2),
        ('indexof("abcabc", "c", 3)', 5),
        ('indexof("abc", "x")', -1),
        ('indexof("abc", "")', 0),
        ('replace_string("aXbXc", "X", "-")', "a-b-c"),
        ('replace_string("a.b", ".", "")', "ab"),
        (r'extract(@"(\d+)", 1, "ab123cd")', "123"),
        (r'extract(@"b(\d+)", 0, "ab123")', "b123"),
        (r'extract(@"x(\d)", 1, "abc")', ""),
        (r'extract(@"(\w+)=(\w+)", 2, "key=value")', "value"),
        ('trim(" ", "  ab  ")', "ab"),
        ('trim("-+", "--ab-")', "ab"),
        (r'trim(@"\s", " ab ")', "ab"),
        ('trim("x", "ab")', "ab"),
        ("iff(true, 1, 2)", 1),
        ('iif(false, "a", "b")', "b"),
        ("iff(bool(null), 1, 2)", 2),
        ("iff(true, 1, 2.5)", 1.0),
        ('case(1 > 2, "a", 2 > 1, "b", "c")', "b"),
        ('case(false, "a", "c")', "c"),
        ("case(bool(null), 1, 2)", 2),
        ("coalesce(int(null), 2)", 2),
        ("coalesce(int(null), int(null), 3)", 3),
        ("coalesce(int(null), int(null))", None),
        ('coalesce("", "x")', "x"),
        ('coalesce("a", "x")', "a"),
        ('isempty("")', True),
        ('isempty("a")', False),
        ("isempty(int(null))", True),
        ("isempty(5)", False),
        ('isnotempty("a")', True),
        ("isnotempty(int(null))", False),
        ("isnull(int(null))", True),
        ('isnull("")', False),
        ("isnull(5)", False),
        ("isnotnull(5)", True),
        ("isnotnull(datetime(null))", False),
        ("abs(-3)", 3),
    ],
)
def test_functions(expression: str, expected: Any) -> None:
    value = scalar(expression)
    assert value == expected and type(value) is type(expected)


def test_functions_over_columns() -> None:
    query = (
        "Events | project n = strlen(Name), u = toupper(Name), e = isempty(Name), "
        "z = isnull(N), k = iff(N > 1, 'big', 'small'), c = coalesce(N, -1)"
    )
    assert rows(query) == [
        (5, "ALPHA", False, False, "small", 1),
        (4, "BETA", False, True, "small", -1),
        (0, "", True, False, "big", 3),
    ]


def test_case_picks_the_first_true_condition_per_row() -> None:
    query = 'Events | project c = case(N == 1, "one", N == 3, "three", "other")'
    assert rows(query) == [("one",), ("other",), ("three",)]


@pytest.mark.parametrize(
    ("expression", "culprit"),
    [
        ('case(1 > 2, "a", 3 > 4, 2, "c")', '2, "c")'),  # a value beside its predicate
        ('case(1 > 2, "a", 3 > 4, "b", 5)', "5)"),  # the value otherwise
    ],
)
def test_case_values_of_different_types_are_an_error_at_the_value(
    expression: str, culprit: str
) -> None:
    from kqlhunt.errors import KqlSemanticError

    with pytest.raises(KqlSemanticError, match="mix string and long") as caught:
        scalar(expression)
    position = caught.value.position
    assert position is not None
    assert position.line_text[position.column - 1 :] == culprit


@pytest.mark.parametrize(
    "query",
    [
        "print x = decimal(2) + 1",
        "print x = 1.5 * decimal(2)",
        "print x = decimal(2) / 2.0",
        "print x = iff(true, decimal(1), 2)",
    ],
)
def test_decimal_is_the_widest_number_type(query: str) -> None:
    from kqlhunt.types import KqlType
    from tests.kql.semantics import run

    assert [(c.name, c.type) for c in run(query).columns] == [("x", KqlType.DECIMAL)]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # a whole number written as text beside a number column, as published rules write
        # EventID == "4688": every reading of the comparison agrees
        ('toint(4688) == "4688"', True),
        ('tolong(4688) != "4689"', True),
        ('"4688" == toint(4688)', True),
        # 0 or 1 beside a bool
        ("true == 1", True),
        ("false != 0", False),
        ("true == 0", False),
    ],
)
def test_constants_compared_with_another_type_where_all_readings_agree(
    expression: str, expected: bool
) -> None:
    assert scalar(expression) is expected


@pytest.mark.parametrize(
    "expression",
    [
        'toint(5) == "05"',  # text that is not the number's own spelling
        'toint(1) == "a"',
        'toint(1) < "2"',  # ordering: text and numbers order differently
        '1.5 == "1.5"',
    ],
)
def test_other_comparisons_of_different_types_stay_errors(expression: str) -> None:
    from kqlhunt.errors import KqlSemanticError

    with pytest.raises(KqlSemanticError, match="cannot compare"):
        scalar(expression)
