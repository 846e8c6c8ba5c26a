"""series_fit_line() (`series-fit-line-function.md`) and series_stats()
(`series-stats-function.md`): functions of a series that give several values, as columns of
extend and project, named `(a, b) = ...` or after the function and its argument."""

from __future__ import annotations

import re

import pytest

from kqlhunt.errors import KqlSemanticError
from tests.kql.semantics import rows, run

FIT = (
    "print y = dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]) "
    "| extend (RSquare, Slope, Variance, RVariance, Interception, LineFit) = series_fit_line(y) "
    "| project-away y"
)


def test_series_fit_line_gives_the_documented_values() -> None:
    ((rsquare, slope, variance, rvariance, interception, line),) = rows(FIT)
    # the documented output, rounded as the page rounds it
    assert (round(rsquare, 3), round(slope, 3), round(variance, 3)) == (0.983, 2.731, 98.629)
    assert (round(rvariance, 3), round(interception, 3)) == (1.686, -1.667)
    assert [round(v, 3) for v in line[:3]] == [1.064, 3.795, 6.526]
    assert len(line) == 12 and round(line[-1], 3) == 31.103


def test_series_fit_line_names_the_unnamed_values_after_its_argument() -> None:
    result = run("print s = dynamic([1, 2, 3]) | extend (Fit) = series_fit_line(s)")
    assert result.column_names == [
        "s",
        "Fit",
        "series_fit_line_s_slope",
        "series_fit_line_s_variance",
        "series_fit_line_s_rvariance",
        "series_fit_line_s_interception",
        "series_fit_line_s_line_fit",
    ]
    ((_, rsquare, slope, variance, rvariance, interception, line),) = result.rows
    assert (rsquare, slope, variance, rvariance, interception) == (1.0, 1.0, 1.0, 0.0, 0.0)
    assert line == [1.0, 2.0, 3.0]


def test_series_stats() -> None:
    result = run("print n = dynamic([3, 1, 4, 1, 5]) | project series_stats(n)")
    assert result.column_names == [
        "series_stats_n_min",
        "series_stats_n_min_idx",
        "series_stats_n_max",
        "series_stats_n_max_idx",
        "series_stats_n_avg",
        "series_stats_n_stdev",
        "series_stats_n_variance",
    ]
    ((low, low_at, high, high_at, mean, stdev, variance),) = result.rows
    assert (low, low_at, high, high_at, mean, variance) == (1.0, 1, 5.0, 4, 2.8, 3.2)
    assert round(stdev, 6) == round(3.2**0.5, 6)


def test_series_stats_of_an_empty_series() -> None:
    ((_, low, low_at, high, high_at, mean, stdev, variance),) = rows(
        "print n = dynamic([]) | extend series_stats(n)"
    )
    assert (low, low_at, high, high_at, mean, stdev, variance) == (
        None, -1, None, -1, None, None, None,
    )  # fmt: skip


def test_series_stats_leaves_out_what_is_not_a_number() -> None:
    result = run('print n = dynamic([2, "x", null, 4]) | extend (lo, at, hi) = series_stats(n)')
    assert result.rows[0][1:5] == (2.0, 0, 4.0, 1)


def test_a_single_name_names_the_first_value() -> None:
    result = run("print n = dynamic([2, 4]) | extend low = series_stats(n)")
    assert result.column_names[:3] == ["n", "low", "series_stats_n_min_idx"]


def test_on_make_series() -> None:
    # two rows on each of the first three days, none on the fourth: the series [2, 2, 2, 0]
    query = (
        "range i from 0 to 5 step 1 | extend t = datetime(2024-01-01) + (i / 2) * 1d "
        "| make-series c = count() on t from datetime(2024-01-01) to datetime(2024-01-05) step 1d "
        "| extend (rsquare, slope) = series_fit_line(c) | project slope, rsquare"
    )
    ((slope, rsquare),) = rows(query)
    assert (round(slope, 9), round(rsquare, 9)) == (-0.6, 0.6)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("print n = 1 | extend series_stats(n)", "must be a dynamic array"),
        (
            "print n = dynamic([1]) | extend (a, b, c, d, e, f, g, h) = series_stats(n)",
            "8 names for the 7 values",
        ),
    ],
)
def test_errors(query: str, message: str) -> None:
    with pytest.raises(KqlSemanticError, match=re.escape(message)):
        run(query)
