"""Dynamic values: property and index access, JSON parsing, building arrays and bags, and the
array, set and bag functions.

Kusto: a missing key or an index outside the array is null; a negative index counts from the
end; array functions give null for a value that is not an array; sets keep the first of equal
elements in order; JSON text that does not parse stays a dynamic string.
"""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import rows, run, scalar

BAG = 'dynamic({"a": 1, "b": {"c": [10, 20, 30]}, "n": null, "s": "text", "a b": 2})'


def _logs() -> TableData:
    columns = {"Id": KqlType.LONG, "Props": KqlType.DYNAMIC, "Key": KqlType.STRING}
    data: list[dict[str, object]] = [
        {
            "Id": 1,
            "Props": '{"user": "alice", "ports": [22, 443], "nested": {"x": 1}}',
            "Key": "user",
        },
        {"Id": 2, "Props": '{"user": "bob", "ports": []}', "Key": "ports"},
        {"Id": 3, "Props": None, "Key": "user"},
        {"Id": 4, "Props": "[1, 2, 3]", "Key": "missing"},
    ]
    return TableData.from_rows("Logs", columns, data)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (f"{BAG}.a", 1),
        (f"{BAG}.b.c[1]", 20),
        (f"{BAG}.b.c[-1]", 30),
        (f"{BAG}.b.c[-3]", 10),
        (f'{BAG}["a b"]', 2),
        (f'{BAG}["b"]["c"][0]', 10),
        (f"{BAG}.b.c[(1 + 1)]", 30),
        (f"{BAG}.s", "text"),
        (f"{BAG}.b", {"c": [10, 20, 30]}),
    ],
)
def test_access(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        f"{BAG}.missing",
        f"{BAG}.n",  # a JSON null is null
        f"{BAG}.b.c[3]",
        f"{BAG}.b.c[-4]",
        f"{BAG}.a.deeper",  # a property of a number
        f"{BAG}.s.deeper",  # a property of a string
        f"{BAG}.n.deeper",  # a property of a JSON null
        f"{BAG}.s[0]",  # an index into a string
        f"{BAG}.b.c[1].x",  # a property of an element that is a number
        f"{BAG}[0]",  # an index into a bag
        "dynamic([1, 2])['a']",  # a key of an array
        "dynamic(null).a",
        "dynamic(null)[0]",
    ],
)
def test_missing_values_are_null(expression: str) -> None:
    assert scalar(f"isnull({expression})") is True


def test_a_chain_of_constant_steps_reads_the_value_once() -> None:
    from kqlhunt.compiler import compile_query

    query = "Logs | project v = Props.nested.x, w = Props['nested'].x, p = Props.ports[1]"
    sql = compile_query(query, {"Logs": dict(_logs().columns)}).to_sql("duckdb")
    assert "'$.nested.x'" in sql and "'$.ports[1]'" in sql
    nothing = (None, None, None)
    assert rows(query, _logs()) == [(1, 1, 443), nothing, nothing, nothing]


def test_access_on_columns_with_a_key_from_a_column() -> None:
    query = "Logs | project Id, u = tostring(Props.user), p = Props.ports[0], k = Props[Key]"
    assert rows(query, _logs()) == [
        (1, "alice", 22, "alice"),
        (2, "bob", None, []),
        (3, "", None, None),
        (4, "", None, None),
    ]


def test_comparisons_of_dynamic_with_scalars() -> None:
    query = 'Logs | where Props.user == "alice" or Props.ports[1] == 443 | project Id'
    assert rows(query, _logs()) == [(1,)]
    assert rows("Logs | where toint(Props.nested.x) > 0 | project Id", _logs()) == [(1,)]


def test_access_needs_a_dynamic_value() -> None:
    with pytest.raises(KqlSemanticError, match="needs a dynamic value, not string"):
        scalar('"abc".x')


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("parse_json('{\"a\": [1, 2]}').a[1]", 2),
        ('parse_json("[1, 2]")', [1, 2]),
        ('parse_json("not json")', "not json"),
        ('isnull(parse_json(""))', True),
        ('todynamic(\'{"k": "v"}\').k', "v"),
        ("parsejson('3')", 3),
        ("toobject('{}')", {}),
        ('parse_json(dynamic({"a": 1})).a', 1),
        ('tostring(parse_json(\'{"k": "v"}\'))', '{"k":"v"}'),
        ('tostring(dynamic("v"))', "v"),
        ("tostring(dynamic(null))", ""),
        ('tolong(dynamic("12"))', 12),
        ("toint(dynamic([1]))", None),
        ('extract_json("$.a.b", \'{"a": {"b": 5}}\', typeof(long))', 5),
        ('extractjson("$.a", \'{"a": "x"}\')', "x"),
        ('extract_json("$.zz", \'{"a": "x"}\')', ""),
    ],
)
def test_parsing_and_casting(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("pack_array(1, 'a', 2.5, true)", [1, "a", 2.5, True]),
        ("pack_array(1s, datetime(2024-01-02))", ["00:00:01", "2024-01-02T00:00:00Z"]),
        ("pack_array(long(null), '')", [None, ""]),
        ('bag_pack("a", 1, "b", dynamic([1]))', {"a": 1, "b": [1]}),
        ('pack("k", "v")', {"k": "v"}),
        ("range(1, 7, 3)", [1, 4, 7]),
        ('repeat("x", 2)', ["x", "x"]),
        ("array_length(dynamic([1, [2, 3], {}]))", 3),
        ("array_length(dynamic([]))", 0),
        ("array_length(dynamic({}))", None),
        ("arraylength(dynamic('x'))", None),
        ("array_concat(dynamic([1]), dynamic([]), dynamic([2, [3]]))", [1, 2, [3]]),
        ("array_concat(dynamic([1]), dynamic({}))", None),
        ("array_slice(dynamic([0, 1, 2, 3]), 1, 2)", [1, 2]),
        ("array_slice(dynamic([0, 1, 2, 3]), -2, -1)", [2, 3]),
        ("array_slice(dynamic([0, 1, 2, 3]), 2, 10)", [2, 3]),
        ("array_slice(dynamic([0, 1]), 5, 6)", []),
        ('array_index_of(dynamic(["a", "b", "b"]), "b")', 1),
        ('array_index_of(dynamic(["a"]), "z")', -1),
        ('array_index_of(dynamic([1, "1"]), "1")', 1),
        ("array_sort_asc(dynamic([3, 'b', 1, null, 'a', 10]))", [1, 3, 10, "a", "b", None]),
        ("array_sort_desc(dynamic([3, 'b', 1, null, 'a', 10]))", [10, 3, 1, "b", "a", None]),
        ("array_sort_asc(dynamic([]))", []),
        ("zip(dynamic([1, 2]), dynamic(['a']))", [[1, "a"], [2, None]]),
        ('strcat_array(dynamic([1, "a", 2.5]), "-")', "1-a-2.5"),
        ('strcat_array(dynamic([]), "-")', ""),
    ],
)
def test_building_and_arrays(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("set_union(dynamic([1, 2, 1]), dynamic([3, 1]))", [1, 2, 3]),
        ("set_union(dynamic([]), dynamic([]))", []),
        ("set_intersect(dynamic([1, 2, 1, 4]), dynamic([4, 1]))", [1, 4]),
        ("set_intersect(dynamic([1, 2]), dynamic([2]), dynamic([3]))", []),
        ("set_difference(dynamic([1, 2, 1, 4]), dynamic([1, 2]), dynamic([8]))", [4]),
        ("set_difference(dynamic(['a']), dynamic([]))", ["a"]),
        ("set_union(dynamic([1]), dynamic({}))", None),
        ('set_has_element(dynamic(["a", 1]), "a")', True),
        ("set_has_element(dynamic(['a', 1]), 1)", True),
        ('set_has_element(dynamic(["1"]), 1)', False),
        ('bag_keys(dynamic({"b": 1, "a": 2}))', ["b", "a"]),
        ("bag_keys(dynamic([1]))", None),
        ('bag_merge(dynamic({"a": 1}), dynamic({"a": 2, "b": 3}))', {"a": 1, "b": 3}),
        ('bag_merge(dynamic({"a": 1}), dynamic([1]))', {"a": 1}),
        ('bag_has_key(dynamic({"a": 1}), "a")', True),
        ('bag_has_key(dynamic({"a": 1}), "b")', False),
    ],
)
def test_sets_and_bags(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('split("a,b,,c", ",")', ["a", "b", "", "c"]),
        ('split("", ",")', [""]),
        ('split("abc", ",")', ["abc"]),
        ('split("a,b,c", ",", 1)', ["b"]),
        ('split("a,b,c", ",", 3)', []),
        ('split(@"C:\\Windows\\cmd.exe", @"\\")[-1]', "cmd.exe"),
        ('tostring(split("a.b", ".")[0])', "a"),
        ('extract_all(@"(\\d+)", "a12b3")', ["12", "3"]),
        ('extract_all(@"\\d", "a1b2")', ["1", "2"]),
        ('extract_all(@"(\\d)", "none")', None),
        ('extract_all(@"(\\w)=(\\d)", "a=1 b=2")', [["a", "1"], ["b", "2"]]),
        ('extract_all(@"(\\w)=(\\d)", dynamic([2]), "a=1 b=2")', ["1", "2"]),
        ('extract_all(@"(?P<k>\\w)=(?P<v>\\d)", dynamic(["v", "k"]), "a=1")', [["1", "a"]]),
    ],
)
def test_text_into_arrays(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


def test_extract_all_rejects_an_unknown_group() -> None:
    with pytest.raises(KqlSemanticError, match="no capture group"):
        scalar('extract_all(@"(\\d)", dynamic([2]), "a1")')


def test_dynamic_results_are_parsed_json() -> None:
    result = rows('print d = dynamic({"a": [1, {"b": null}]}), e = dynamic(null)')
    assert result == [({"a": [1, {"b": None}]}, None)]


def test_typeof_outside_an_argument_is_not_a_silent_value() -> None:
    with pytest.raises(KqlSemanticError):
        scalar("tolower(typeof(int)) + 1")


def test_array_sort_with_several_arrays_is_named() -> None:
    with pytest.raises(UnsupportedKqlError, match="array_sort_asc"):
        scalar("array_sort_asc(dynamic([1]), dynamic([2]))")


# -- aggregations -------------------------------------------------------------------------

_GROUPS = (
    'datatable(g: long, d: dynamic)[1, dynamic({"a": 1}), 1, dynamic([1, 2]), 1, dynamic([2, 3]),'
    ' 1, dynamic({"b": 2}), 2, dynamic(null), 2, dynamic("x")]'
)


def test_make_bag_merges_the_bags_of_a_group() -> None:
    query = f"{_GROUPS} | summarize make_bag(d), make_bag_if(d, false) by g | sort by g asc"
    assert rows(query) == [(1, {"a": 1, "b": 2}, {}), (2, {}, {})]


def test_make_bag_default_name_and_type_check() -> None:
    assert run(f"{_GROUPS} | summarize make_bag(d)").column_names == ["bag_d"]
    with pytest.raises(KqlSemanticError, match="needs a dynamic value"):
        rows(f"{_GROUPS} | summarize make_bag(g)")


def test_make_set_of_arrays_adds_their_elements() -> None:
    query = f"{_GROUPS} | where g == 1 | summarize make_set(d)"
    assert rows(query) == [([{"a": 1}, 1, 2, 3, {"b": 2}],)]
    assert rows(f"{_GROUPS} | where g == 2 | summarize s = make_set(d, 5)") == [(["x"],)]


def test_make_list_of_dynamic_values_keeps_each_value() -> None:
    query = f"{_GROUPS} | summarize l = make_list(d) by g | sort by g asc"
    assert rows(query) == [(1, [{"a": 1}, [1, 2], [2, 3], {"b": 2}]), (2, ["x"])]
    assert rows(f"{_GROUPS} | summarize l = makelist(d, 2)") == [([{"a": 1}, [1, 2]],)]


def test_extract_a_group_past_the_ninth() -> None:
    regex = " ".join(["(.)"] * 11)
    found = rows(f"print s = 'a b c d e f g h i j k' | project extract('{regex}', 11, s)")
    assert found == [("k",)]
    assert rows(f"print s = 'abc' | project extract('{regex}', 11, s)") == [("",)]


def test_pack_array_takes_any_number_of_values() -> None:
    values = ", ".join(str(i) for i in range(100))
    assert scalar(f"array_length(pack_array({values}))") == 100
