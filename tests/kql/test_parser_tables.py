"""Syntax of join, lookup, union, range, serialize, as, invoke, materialize and let functions."""

from __future__ import annotations

import pytest

from kqlhunt.errors import KqlSyntaxError, UnsupportedKqlError
from kqlhunt.kql import ast
from kqlhunt.kql.parser import parse_query
from kqlhunt.types import KqlType


def operator(text: str) -> ast.Operator:
    body = parse_query(text).body
    assert isinstance(body, ast.Pipeline)
    return body.operators[-1]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("T | join U on k", "innerunique"),
        ("T | join kind=inner U on k", "inner"),
        ("T | join kind=anti (U) on k", "leftanti"),
        ("T | join kind=leftantisemi (U) on k", "leftanti"),
        ("T | join kind=rightantisemi (U) on k", "rightanti"),
        ("T | join hint.strategy=broadcast kind=fullouter (U) on k", "fullouter"),
        ("T | join kind=leftouter hint.shufflekey=k hint.remote=auto (U) on k", "leftouter"),
    ],
)
def test_join_kinds_and_hints(text: str, kind: str) -> None:
    node = operator(text)
    assert isinstance(node, ast.Join)
    assert node.kind == kind
    assert node.keys == (ast.JoinKey("k", "k"),)


def test_join_conditions() -> None:
    node = operator("T | join (U | where x > 1) on a, $left.b == $right.c and $right.d == $left.e")
    assert isinstance(node, ast.Join)
    assert isinstance(node.right, ast.Pipeline)
    assert node.keys == (ast.JoinKey("a", "a"), ast.JoinKey("b", "c"), ast.JoinKey("e", "d"))


def test_lookup() -> None:
    node = operator("T | lookup kind=inner (U) on a, $left.b == $right.c")
    assert node == ast.Lookup(
        "inner", ast.TableRef("U"), (ast.JoinKey("a", "a"), ast.JoinKey("b", "c"))
    )
    default = operator("T | lookup U on a")
    assert isinstance(default, ast.Lookup) and default.kind == "leftouter"


def test_union_source_and_operator() -> None:
    body = parse_query(
        "union withsource=S kind=inner isfuzzy=true Sec*, (A | take 1), f(2), B"
    ).body
    assert isinstance(body, ast.Union)
    assert (body.kind, body.source_column, body.fuzzy) == ("inner", "S", True)
    first, second, third, fourth = body.legs
    assert first == ast.TablePattern("Sec*")
    assert isinstance(second, ast.Pipeline)
    assert isinstance(third, ast.TableRef) and third.name == "f" and len(third.args) == 1
    assert fourth == ast.TableRef("B")
    piped = operator("T | union U | count")
    assert isinstance(piped, ast.Count)
    node = parse_query("T | union U").body
    assert isinstance(node, ast.Pipeline) and isinstance(node.operators[0], ast.UnionWith)


def test_range_and_materialize() -> None:
    body = parse_query("range x from 1 to ['end'] step 2").body
    assert isinstance(body, ast.Range)
    assert body.column == "x" and body.stop == ast.Name("end")
    let = parse_query("let m = materialize(T | take 1); m").lets[0]
    assert isinstance(let.value, ast.Materialize) and let.value.offset == 8
    assert isinstance(let.value.source, ast.Pipeline)


def test_serialize_as_invoke() -> None:
    node = parse_query("T | serialize n = row_number() | as hint.materialized=true X | invoke f(1)")
    body = node.body
    assert isinstance(body, ast.Pipeline)
    serialize, named, invoke = body.operators
    assert isinstance(serialize, ast.Serialize) and serialize.items[0].name == "n"
    assert named == ast.As("X")
    assert isinstance(invoke, ast.Invoke) and invoke.function == "f" and len(invoke.args) == 1
    bare = operator("T | serialize")
    assert bare == ast.Serialize(())


def test_let_functions_and_views() -> None:
    query = parse_query(
        "let f = (a: string, b: long = 5, T: (*), U: (x: long, y: string)) { let c = b; T };"
        "let v = view () { print x = 1 };"
        "v"
    )
    f, v = (let.value for let in query.lets)
    assert isinstance(f, ast.Function) and not f.view
    assert [(p.name, p.type) for p in f.parameters] == [
        ("a", KqlType.STRING),
        ("b", KqlType.LONG),
        ("T", None),
        ("U", None),
    ]
    assert f.parameters[1].default == ast.Literal(5, KqlType.LONG)
    assert [let.name for let in f.lets] == ["c"]
    assert f.body == ast.Name("T")  # a table or a scalar: the compiler decides
    assert isinstance(v, ast.Function) and v.view and isinstance(v.body, ast.Print)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("T | join kind=sideways U on k", "unknown join kind 'sideways'"),
        ("T | join U", "expected 'on'"),
        ("T | join U on $left.a > $right.b", "'=='"),
        ("T | union kind=partial U", "unknown union kind"),
        ("T | union whatever=1 U", "unknown union option"),
        ("range x from 1 to 2", "expected 'step'"),
        ("let f = (a: long) { }; T", "no expression"),
        ("let f = (a: long) { a; a }; T", "one expression"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(KqlSyntaxError, match=message):
        parse_query(text)


def test_join_where_clause_is_named_as_unsupported() -> None:
    with pytest.raises(UnsupportedKqlError, match="'where' clause"):
        parse_query("T | join (U) where a == b")
