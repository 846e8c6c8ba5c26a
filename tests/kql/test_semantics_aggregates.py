"""Aggregations: Kusto's default names, null handling and empty-input values."""

from __future__ import annotations

import math

import pytest

from kqlhunt.backends.spark import spark_sql
from kqlhunt.compiler import compile_query
from kqlhunt.compiler.functions import FUNCTIONS
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import run
from tests.oracle.parity import EVENTS

T = (
    "datatable(k: string, x: long, r: real)"
    "['a', 1, 1.0, 'a', 2, 3.0, 'a', 3, int(null), 'b', 4, 5.0]"
)


def test_spread_and_percentiles_names_and_values() -> None:
    result = run(f"{T} | summarize stdev(x), variance(x), stdevp(x), variancep(x) by k")
    assert result.column_names == ["k", "stdev_x", "variance_x", "stdevp_x", "variancep_x"]
    a, b = sorted(result.rows)
    assert a[1:] == pytest.approx((1.0, 1.0, math.sqrt(2 / 3), 2 / 3))
    assert b[1:] == (0.0, 0.0, 0.0, 0.0)  # one value: no spread


def test_conditional_aggregations() -> None:
    result = run(
        f"{T} | summarize avgif(x, x > 1), stdevif(x, x > 1), count_distinct(k), "
        "take_anyif(k, x == 4)"
    )
    assert result.column_names == ["avgif_x", "stdev_x", "count_distinct_k", "k"]
    assert result.rows == [(3.0, 1.0, 2, "b")]


@pytest.mark.parametrize(
    ("aggregation", "name"),
    [
        ("take_any(k)", "k"),
        ("take_anyif(k, x > 1)", "k"),
        ("any(k)", "any_k"),  # the deprecated spellings prefix the column's name
        ("anyif(k, x > 1)", "anyif_k"),
        ("take_any(toupper(k))", "any_arg0"),
        ("take_anyif(toupper(k), x > 1)", "Column1"),
        ("any(toupper(k))", "any_"),
        ("anyif(toupper(k), x > 1)", "anyif_"),
    ],
)
def test_take_any_names(aggregation: str, name: str) -> None:
    result = run(f"{T} | where k == 'a' | summarize {aggregation}")
    assert result.column_names == [name]
    assert result.rows in ([("a",)], [("A",)])


def test_percentiles_are_nearest_rank_values_with_one_column_each() -> None:
    result = run(f"{T} | summarize percentiles(x, 25, 50, 99.9), percentile(r, 50)")
    assert result.column_names == [
        "percentile_x_25",
        "percentile_x_50",
        "percentile_x_99_9",
        "percentile_r_50",
    ]
    assert result.rows == [(1, 2, 4, 3.0)]


def test_empty_input_values() -> None:
    result = run(
        "datatable(x: long)[] | summarize avg(x), avgif(x, x > 0), stdev(x), variance(x), "
        "percentile(x, 50)"
    )
    (row,) = result.rows
    assert math.isnan(row[0]) and math.isnan(row[1])
    assert row[2:] == (0.0, 0.0, None)


def test_count_of_an_expression_counts_rows_and_a_predicate_counts_true_rows() -> None:
    assert run(f"{T} | summarize count(r)").rows == [(4,)]
    assert run(f"{T} | summarize count(x > 1)").column_names == ["count_"]


@pytest.mark.notimpl(["spark"], reason="Spark's collect_list drops nulls")
def test_make_list_with_nulls_keeps_them() -> None:
    result = run(f"{T} | where k == 'a' | summarize make_list_with_nulls(r)")
    assert result.column_names == ["list_r"]
    assert result.rows == [([1.0, 3.0, None],)]


def test_deprecated_argmax_and_argmin() -> None:
    assert run(f"{T} | summarize argmax(x, k)").rows == [(4, "b")]
    assert run(f"{T} | summarize argmin(x, k)").rows == [(1, "a")]


def test_dcount_accuracy_must_be_a_level() -> None:
    assert run(f"{T} | summarize dcount(k, 2)").rows == [(2,)]
    with pytest.raises(KqlSemanticError, match="accuracy"):
        run(f"{T} | summarize dcount(k, 9)")


def test_sketches_are_refused_by_name() -> None:
    with pytest.raises(UnsupportedKqlError, match="hll"):
        run(f"{T} | summarize hll(x)")


# Every scalar function of this module's families compiles to SQL that Spark's dialect renders.
_SPARK_EXPRESSIONS = [
    'countof(Name, ".")',
    "base64_decode_tostring(Name)",
    "hash_sha256(Name)",
    "url_decode(Name)",
    "startofweek(When, 1)",
    "endofmonth(When)",
    "datetime_add('month', N, When)",
    "datetime_diff('week', When, now())",
    "datetime_part('hour', When)",
    "dayofweek(When)",
    "make_datetime(N, 1, 1)",
    "round(R, 2)",
    "log(R)",
    "isinf(R)",
    "max_of(N, 2)",
    "tohex(N, 4)",
    "ipv4_is_private(Name)",
    'ipv4_is_match(Name, "10.0.0.0", 8)',
    'has_any_ipv4(Name, "1.1.1.1")',
]


@pytest.mark.parametrize("expression", _SPARK_EXPRESSIONS)
def test_functions_render_for_spark(expression: str) -> None:
    schema = {"Events": {n: KqlType.from_name(t) for n, t in EVENTS}}
    compiled = compile_query(f"Events | project v = {expression}", schema)
    assert "SELECT" in spark_sql(compiled)
    assert "TRY(" not in spark_sql(compiled)


def test_the_spark_list_covers_real_functions() -> None:
    names = {e.split("(")[0] for e in _SPARK_EXPRESSIONS}
    assert names <= set(FUNCTIONS)
