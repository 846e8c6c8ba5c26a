"""How the Spark backend renders the neutral SQL tree (no JVM needed: rendering only)."""

from __future__ import annotations

import pytest

from kqlhunt.backends.spark import _java_format, _java_replacement, spark_sql, view_name
from kqlhunt.compiler import compile_query
from kqlhunt.types import KqlType

TABLES = {"T": {"s": KqlType.STRING, "t": KqlType.DATETIME, "n": KqlType.LONG}}


def sql(kql: str) -> str:
    return spark_sql(
        compile_query(kql, TABLES | {"watchlist:Admins": {"SearchKey": KqlType.STRING}})
    )


def test_table_names_become_plain_view_names() -> None:
    assert view_name("watchlist:Admins") == "watchlist_Admins"
    assert "`watchlist_Admins`" in sql("_GetWatchlist('Admins')")


def test_dynamic_literals_stay_json_text() -> None:
    rendered = sql("print d = dynamic(['a', 1])")

    assert "JSON" not in rendered.upper().replace("GET_JSON_OBJECT", "")
    assert "'[\"a\", 1]'" in rendered


def test_nested_generic_functions_are_all_rewritten() -> None:
    rendered = sql("T | summarize makeset(s)")

    assert "LIST_SLICE" not in rendered and "SLICE(" in rendered


def test_numeric_trunc_is_not_date_trunc() -> None:
    rendered = sql("print x = tolong('2.5')")

    assert "TRUNC(" not in rendered.replace("DATE_TRUNC(", "")


@pytest.mark.parametrize(
    ("rewrite", "java"),
    [("Number was: \\1", "Number was: $1"), ("cost: $5", "cost: \\$5"), ("a\\\\b", "a\\\\b")],
)
def test_regex_rewrites_use_java_group_syntax(rewrite: str, java: str) -> None:
    assert _java_replacement(rewrite) == java


def test_datetime_formats_quote_literal_letters() -> None:
    assert _java_format("%Y-%m-%dT%H:%M:%S") == "yyyy-MM-dd'T'HH:mm:ss"


def test_duckdb_reloads_never_alias_a_new_table_to_a_freed_one() -> None:
    """Tables loaded in later calls are registered as themselves, even when Python reuses the
    identity of a freed Arrow table (as a replay does, window after window)."""
    from kqlhunt.catalog import TableData
    from kqlhunt.engine import Engine

    engine = Engine()
    for window in range(30):
        a = TableData.from_rows("A", {"a": KqlType.LONG}, [{"a": window}])
        b = TableData.from_rows("B", {"b": KqlType.STRING}, [{"b": str(window)}])
        engine.add_tables([a, b])
        del a, b
        assert engine.query("A | project a").rows == [(window,)]
        assert engine.query("B | project b").rows == [(str(window),)]
