"""Default names of unnamed columns, pinned against Microsoft's analyzer.

Kusto names a column after the expression: a column keeps its name, a path into a dynamic value
joins its steps with `_`, and each built-in function is named after its argument, after itself
and its argument, or not at all (`ColumnN`).
"""

from __future__ import annotations

import pytest

from kqlhunt.compiler.result_names import result_name
from kqlhunt.errors import KqlSemanticError
from kqlhunt.kql import ast
from kqlhunt.types import KqlType
from tests.kql.semantics import run

_D = "Events | extend d = parse_json(Name) | "
_EVENTS = ["Name", "N", "R", "Flag", "When"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Events | project tostring(Name)", ["Name"]),
        (_D + "project tostring(d.a)", ["d_a"]),
        (_D + "project d.a", ["d_a"]),
        (_D + "project d.a.b", ["d_a_b"]),
        (_D + 'project d["b"]', ["d_b"]),
        (_D + "project d['a'].b[1]", ["d_a_b_1"]),
        (_D + "project d[0]", ["d_0"]),
        (_D + "project d[-1]", ["d_"]),
        ('Events | project split(Name, ",")[0]', ["Name_0"]),
        ('Events | project tostring(split(Name, "\\\\")[-1])', ["Name_"]),
        ('Events | project split(Name, ",")', ["Name"]),
        ("Events | project parse_json(Name).a", ["Name_a"]),
        ("Events | project todynamic(Name)[0]", ["Name_0"]),
        ("Events | project pack_array(Name)[0]", ["0"]),
        ("Events | project strlen(Name)", ["strlen_Name"]),
        ("Events | project strlen(tolower(Name))", ["strlen_"]),
        ("Events | project toint(N), todynamic(Name)", ["N", "Name"]),
        ("Events | project bin(N, 2), floor(R, 1.0)", ["N", "R"]),
        ("Events | project bin(When, 1h)", ["When"]),
        ("Events | project round(R), abs(N)", ["R", "N"]),
        ("Events | project tolower(Name), toupper(Name)", ["Column1", "Column2"]),
        ('Events | project trim(" ", Name), substring(Name, 1)', ["Column1", "Column2"]),
        ("Events | project N + 1, isempty(Name)", ["Column1", "Column2"]),
        ('Events | project array_length(split(Name, ","))', ["Column1"]),
        ("Events | project gettype(N), gettype(N + 1)", ["type_N", "type_"]),
        ('Events | project column_ifexists("Name", "")', ["Name"]),
        ('Events | project column_ifexists("Missing", "")', ["Column1"]),
        ("Events | project (tostring(Name))", ["Name"]),
        (
            "Events | project strlen(Name), strlen(Name), strlen(Name)",
            ["strlen_Name", "strlen_Name1", "strlen_Name2"],
        ),
        ("Events | project todouble(N), toreal(N), tolong(N)", ["N", "N1", "N2"]),
        ("Events | project bin(N, 2), N", ["N", "N1"]),
        ('Events | project iff(Flag, Name, ""), case(Flag, 1, 2)', ["Column1", "Column2"]),
        ('Events | project strcat(Name, "x"), format_datetime(When, "yyyy")', ["Column1", "When"]),
        ("Events | project startofday(When), startofmonth(When)", ["When", "Column1"]),
        ("Events | extend strlen(Name)", [*_EVENTS, "strlen_Name"]),
        ("Events | extend strlen(Name), strlen(Name)", [*_EVENTS, "strlen_Name"]),
        ("Events | extend tolower(Name)", [*_EVENTS, "Column1"]),
        (_D + "extend d.a, tostring(d.b)", [*_EVENTS, "d", "d_a", "d_b"]),
        (_D + "extend tostring(d.a), d_a = 1", [*_EVENTS, "d", "d_a"]),
        ("Events | distinct tolower(Name)", ["Column1"]),
        ("Events | distinct strlen(Name), strlen(Name)", ["strlen_Name", "strlen_Name1"]),
        ("Events | distinct bin(N, 2), N", ["N", "N1"]),
        (_D + "distinct tostring(d.a)", ["d_a"]),
        ("Events | summarize count() by strlen(Name)", ["strlen_Name", "count_"]),
        (
            "Events | summarize count() by tolower(Name), toupper(Name)",
            ["Column1", "Column2", "count_"],
        ),
        ("Events | summarize count() by N, bin(N, 2)", ["N", "N1", "count_"]),
        ("Events | summarize count() by bin(N, 2), N", ["N", "N1", "count_"]),
        (
            "Events | summarize count() by strlen(Name), strlen(Name)",
            ["strlen_Name", "strlen_Name1", "count_"],
        ),
        (_D + "summarize count() by tostring(d.a)", ["d_a", "count_"]),
        (_D + 'summarize count() by tostring(d.a), tostring(d["a"])', ["d_a", "d_a1", "count_"]),
        ("Events | summarize sum(strlen(Name)), max(tolong(N))", ["sum_strlen_Name", "max_N"]),
        (
            _D + "summarize dcount(tostring(d.a)), make_list(tostring(d.a))",
            ["dcount_d_a", "list_d_a"],
        ),
        (_D + "summarize take_any(tostring(d.a)), any(tostring(d.b))", ["d_a", "any_d_b"]),
        (_D + "summarize make_bag(d.a)", ["bag_d_a"]),
        ("Events | summarize arg_max(strlen(Name), Name)", ["strlen_Name", "Name"]),
        (_D + "summarize arg_max(N, tostring(d.a))", ["N", "d_a"]),
        (_D + "mv-expand d.a", [*_EVENTS, "d", "d_a"]),
        ('Events | mv-expand split(Name, ",")', _EVENTS),
    ],
)
def test_default_column_names(query: str, expected: list[str]) -> None:
    assert [c.name for c in run(query).columns] == expected


def test_extend_replaces_a_column_of_the_derived_name() -> None:
    # The docs move a replaced column to the end and kqlhunt follows them; the analyzer keeps
    # it in place, so the query is built rather than literal, out of the oracle's comparison.
    query = "Events | extend " + "tostring(Name)"
    assert [c.name for c in run(query).columns] == ["N", "R", "Flag", "When", "Name"]


@pytest.mark.parametrize(
    "query",
    [
        "Events | project Name, Name",
        "Events | summarize count() by N, N",
        "Events | distinct N, N",
    ],
)
def test_a_declared_name_may_appear_once(query: str) -> None:
    with pytest.raises(KqlSemanticError, match="twice"):
        run(query)


def test_a_negative_index_names_no_step() -> None:
    index = ast.Index(ast.Name("d"), ast.Literal(-1, KqlType.LONG))
    assert result_name(index) == "d_"
    assert result_name(ast.Call("tolower", (ast.Name("x"),))) is None
    assert result_name(ast.Call("ingestion_time", ())) == "$IngestionTime"
