"""find (`find-operator.md`): the rows of several tables that a predicate matches, with the
source column first; `project-smart` keeps the columns every kept table has and the predicate's
columns, packing the rest in `pack_`; `project` lists the columns, null where a table lacks one;
a table holding none of the predicate's columns is left out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import run

_S = KqlType.STRING


def tables() -> tuple[TableData, TableData]:
    """The two tables of the documented examples (session ids shortened)."""
    first = [
        ("a", "Information", "Some Text1", "v1.0.0"),
        ("a", "Error", "Some Text2", "v1.0.0"),
        ("b", "Error", "Some Text3", "v1.0.1"),
        ("c", "Information", "Some Text4", "v1.1.0"),
    ]
    second = [
        ("f", "Information", "Some Other Text1", "Event1"),
        ("a", "Information", "Some Other Text2", "Event2"),
        ("a", "Error", "Some Other Text3", "Event3"),
        ("g", "Error", "Some Other Text4", "Event4"),
    ]
    one = ("Session_Id", "Level", "EventText", "Version")
    two = ("Session_Id", "Level", "EventText", "EventName")
    return (
        TableData.from_rows(
            "EventsTable1", dict.fromkeys(one, _S), [dict(zip(one, r, strict=True)) for r in first]
        ),
        TableData.from_rows(
            "EventsTable2", dict.fromkeys(two, _S), [dict(zip(two, r, strict=True)) for r in second]
        ),
    )


def found(query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = run(query, *tables())
    return result.column_names, sorted(result.rows, key=repr)


def test_project_lists_columns_null_where_a_table_lacks_them() -> None:
    query = (
        "find in (EventsTable1, EventsTable2) where Session_Id == 'a' and Level == 'Error' "
        "project EventText, Version, EventName"
    )
    assert found(query) == (
        ["source_", "EventText", "Version", "EventName"],
        [
            ("EventsTable1", "Some Text2", "v1.0.0", ""),
            ("EventsTable2", "Some Other Text3", "", "Event3"),
        ],
    )


def test_the_predicate_reads_a_missing_column_as_null() -> None:
    query = (
        "find where Version == 'v1.0.0' or EventName == 'Event1' "
        "project Session_Id, EventText, Version, EventName"
    )
    assert found(query) == (
        ["source_", "Session_Id", "EventText", "Version", "EventName"],
        [
            ("EventsTable1", "a", "Some Text1", "v1.0.0", ""),
            ("EventsTable1", "a", "Some Text2", "v1.0.0", ""),
            ("EventsTable2", "f", "Some Other Text1", "", "Event1"),
        ],
    )


def test_project_smart_packs_the_other_columns() -> None:
    assert found("find Session_Id == 'a'") == (
        ["source_", "Session_Id", "Level", "EventText", "pack_"],
        [
            ("EventsTable1", "a", "Error", "Some Text2", {"Version": "v1.0.0"}),
            ("EventsTable1", "a", "Information", "Some Text1", {"Version": "v1.0.0"}),
            ("EventsTable2", "a", "Error", "Some Other Text3", {"EventName": "Event3"}),
            ("EventsTable2", "a", "Information", "Some Other Text2", {"EventName": "Event2"}),
        ],
    )


def test_a_table_without_the_predicates_columns_is_left_out() -> None:
    # only EventsTable1 has Version: its columns are all common, so no pack_ column
    assert found("find in (EventsTable1, EventsTable2) where Version == 'v1.1.0'") == (
        ["source_", "Session_Id", "Level", "EventText", "Version"],
        [("EventsTable1", "c", "Information", "Some Text4", "v1.1.0")],
    )


def test_project_smart_adds_the_predicates_other_columns() -> None:
    query = "find in (EventsTable1, EventsTable2) where EventName == 'Event4' or Level == 'x'"
    assert found(query) == (
        ["source_", "Session_Id", "Level", "EventText", "EventName", "pack_"],
        [("EventsTable2", "g", "Error", "Some Other Text4", "Event4", {})],
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            'find "Text4" project EventText',
            [("EventsTable1", "Some Text4"), ("EventsTable2", "Some Other Text4")],
        ),
        (
            'find in (EventsTable*) where * has "text3" project EventText',
            [("EventsTable1", "Some Text3"), ("EventsTable2", "Some Other Text3")],
        ),
        (
            'find in (EventsTable2) where EventText:"other" and Level == "Error" '
            "project Session_Id",
            [("EventsTable2", "a"), ("EventsTable2", "g")],
        ),
    ],
)
def test_search_terms(query: str, expected: list[tuple[Any, ...]]) -> None:
    assert found(query)[1] == expected


def test_withsource_names_the_source_column() -> None:
    query = "find withsource=Table in (EventsTable1) where Session_Id == 'b' project Level"
    assert found(query) == (["Table", "Level"], [("EventsTable1", "Error")])


def test_no_match_gives_no_rows() -> None:
    assert found("find where Session_Id == 'zzz' project Level") == (["source_", "Level"], [])


def test_a_type_after_a_projected_column_converts_it() -> None:
    numbers = TableData.from_rows("Numbers", {"N": KqlType.LONG}, [{"N": 7}, {"N": None}])
    result = run("find in (Numbers) where isnotnull(N) or true project N: string", numbers)
    assert result.column_names == ["source_", "N"]
    assert sorted(result.rows) == [("Numbers", ""), ("Numbers", "7")]


def test_the_result_feeds_later_operators() -> None:
    query = "find where Level == 'Error' | summarize count() by source_"
    assert found(query) == (["source_", "count_"], [("EventsTable1", 2), ("EventsTable2", 2)])


def test_errors() -> None:
    with pytest.raises(KqlSemanticError, match=re.escape("unknown column or name 'Nope'")):
        found("find where Nope == 1")
    with pytest.raises(KqlSemanticError, match=re.escape("no table has the column 'Nope'")):
        found("find where Level == 'x' project Nope")


def test_named_gaps() -> None:
    typed = TableData.from_rows("Typed", {"Level": KqlType.LONG}, [{"Level": 1}])
    with pytest.raises(UnsupportedKqlError, match=re.escape("differs in type")):
        run("find in (EventsTable1, Typed) where Level == 'x'", *tables(), typed)
    with pytest.raises(UnsupportedKqlError, match=re.escape("pack_all()")):
        found("find where Level == 'x' project Level, pack_all()")
