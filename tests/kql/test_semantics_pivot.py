"""evaluate pivot() and bag_unpack() without a schema: output columns read from the data.

pivot: one column per value of the pivot column, in alphabetical order, after the grouping
columns (all other columns when none are given); each cell the aggregation (count() by default)
over that value's rows. bag_unpack: the keys in alphabetical order after the other columns,
typed by their values (the conformance cases pin the documented examples).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from kqlhunt.backends.duckdb import DuckDBBackend
from kqlhunt.compiler import compile_query
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from tests.kql.semantics import run

STORMS = (
    "datatable(State: string, EventType: string, Damage: long)"
    "['ALABAMA', 'Flood', 1, 'ALABAMA', 'Hail', 2, 'ALASKA', 'Flood', 3, 'ALABAMA', 'Flood', 4] "
)


def _result(query: str) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    result = run(query)
    return [(c.name, c.type.value) for c in result.columns], sorted(result.rows, key=repr)


@pytest.mark.parametrize(
    ("pivot", "columns", "rows"),
    [
        (
            "| project State, EventType | evaluate pivot(State)",
            [("EventType", "string"), ("ALABAMA", "long"), ("ALASKA", "long")],
            [("Flood", 2, 1), ("Hail", 1, 0)],
        ),
        (
            "| evaluate pivot(State, sum(Damage), EventType)",
            [("EventType", "string"), ("ALABAMA", "long"), ("ALASKA", "long")],
            [("Flood", 5, 3), ("Hail", 2, 0)],
        ),
        (
            "| evaluate pivot(EventType, any(State), Damage) | where Damage < 3",
            [("Damage", "long"), ("Flood", "string"), ("Hail", "string")],
            [(1, "ALABAMA", ""), (2, "", "ALABAMA")],
        ),
        (
            "| evaluate pivot(Damage, countif(State == 'ALABAMA'), EventType)",
            [("EventType", "string"), ("1", "long"), ("2", "long"), ("3", "long"), ("4", "long")],
            [("Flood", 1, 0, 0, 1), ("Hail", 0, 1, 0, 0)],
        ),
        (
            "| where State == 'nowhere' | evaluate pivot(State)",  # no value: no pivot column
            [("EventType", "string"), ("Damage", "long")],
            [],
        ),
    ],
)
def test_pivot(pivot: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> None:
    assert _result(STORMS + pivot) == (columns, rows)


def test_sysmon_event_data_pivoted_as_sentinel_rules_do() -> None:
    query = (
        'print Computer = "WS1", EventData = "<DataItem><EventData>'
        "<Data Name='Image'>C:\\\\a.exe</Data><Data Name='User'>X</Data>"
        '</EventData></DataItem>" '
        "| extend EventData = parse_xml(EventData).DataItem.EventData.Data "
        "| mv-expand bagexpansion=array EventData "
        "| evaluate bag_unpack(EventData) "
        "| extend Key = tostring(column_ifexists('@Name', '')), "
        "Value = column_ifexists('#text', '') "
        "| evaluate pivot(Key, any(Value), Computer)"
    )
    assert _result(query) == (
        [("Computer", "string"), ("Image", "string"), ("User", "string")],
        [("WS1", "C:\\a.exe", "X")],
    )


def test_bag_unpack_types_a_key_of_mixed_values_as_dynamic() -> None:
    query = (
        "datatable(d: dynamic)[dynamic({'a': 1, 'b': 1}), dynamic({'a': 'x', 'b': 2.5})] "
        "| evaluate bag_unpack(d)"
    )
    assert _result(query) == ([("a", "dynamic"), ("b", "real")], [("x", 2.5), (1, 1.0)])


def test_refusals_and_errors_are_named() -> None:
    with pytest.raises(UnsupportedKqlError, match="pivot\\(\\) without an output schema"):
        compile_query(STORMS + "| evaluate pivot(State)", {})  # no data to read values from
    with pytest.raises(UnsupportedKqlError, match="the aggregation 'percentile\\(\\)'"):
        run(STORMS + "| evaluate pivot(State, percentile(Damage, 50))")
    with pytest.raises(UnsupportedKqlError, match="an empty value"):
        run("print State = '' | evaluate pivot(State)")
    with pytest.raises(KqlSemanticError, match="unknown column 'Nope'"):
        run(STORMS + "| evaluate pivot(Nope)")


SYSMON_PIVOT = (
    "datatable(Computer: string, EventData: string)["
    "'WS1', \"<DataItem><EventData><Data Name='Image'>a.exe</Data><Data Name='User'>X</Data>"
    '</EventData></DataItem>", '
    "'WS2', \"<DataItem><EventData><Data Name='Image'>b.exe</Data><Data Name='Pid'>7</Data>"
    '</EventData></DataItem>"] '
    "| extend EventData = parse_xml(EventData).DataItem.EventData.Data "
    "| mv-expand bagexpansion=array EventData "
    "| evaluate bag_unpack(EventData) "
    "| extend Key = tostring(column_ifexists('@Name', '')), Value = column_ifexists('#text', '') "
    "| evaluate pivot(Key, any(Value), Computer)"
)


PIVOTED = [("WS1", "a.exe", "", "X"), ("WS2", "b.exe", "7", "")]


def _settled_tables(engine: Engine) -> list[str]:
    backend = engine.backend
    assert isinstance(backend, DuckDBBackend)
    names = backend.connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    return [name for (name,) in names if name.startswith("__kqlhunt_settled_")]


def test_a_probed_input_is_computed_once_and_read_by_the_query() -> None:
    engine = Engine(now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    compiled = engine.compile(SYSMON_PIVOT)
    # The query reads the tables the probes looked at, not the XML parsing again.
    assert any(t.startswith("__kqlhunt_settled_") for t in compiled.tables)
    assert "KQLHUNT_PARSE_XML" not in compiled.to_sql("duckdb")
    result = engine.backend.run(compiled)
    assert sorted(result.rows) == PIVOTED
    assert len(_settled_tables(engine)) == 2  # kept while the compiled query is cached
    engine.add_tables([])  # new data: the cache and the tables it read are gone
    assert _settled_tables(engine) == []


def test_queries_that_start_alike_share_the_computed_input() -> None:
    engine = Engine(now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    first = engine.compile(SYSMON_PIVOT)
    second = engine.compile(SYSMON_PIVOT + " | where Image == 'b.exe'")
    assert second.tables == first.tables
    assert len(_settled_tables(engine)) == 2
    assert engine.backend.run(second).rows == [PIVOTED[1]]


def test_without_a_pinned_clock_a_query_leaves_no_intermediate_table() -> None:
    engine = Engine()
    assert sorted(engine.query(SYSMON_PIVOT).rows) == PIVOTED
    assert _settled_tables(engine) == []
