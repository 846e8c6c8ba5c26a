"""`search`: search terms become string predicates over the columns, then a `where`.

`"term"` matches a row when any column (each as text) has the term, as `has` matches terms;
`Column:"term"` looks at that column only. A `*` at the start or end of a term matches a suffix
or a prefix (`hassuffix`, `hasprefix`), at both ends a part of the text (`contains`). Matching
ignores case unless the search says `kind=case_sensitive`. The `$table` column that a search
over tables adds is not searched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kqlhunt.kql import ast
from kqlhunt.kql.search_operator import TABLE_COLUMN
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.relation import Relation
    from kqlhunt.compiler.tabular import TabularCompiler


def search(tc: TabularCompiler, relation: Relation, node: ast.Search) -> Relation:
    predicate = _predicate(tc, relation, node.predicate, node.case_sensitive)
    return tc.visit_Where(relation, ast.Where(predicate, offset=node.offset))


def _predicate(
    tc: TabularCompiler, relation: Relation, expr: ast.Expr, case_sensitive: bool
) -> ast.Expr:
    if isinstance(expr, ast.SearchTerm):
        return _term(tc, relation, expr, case_sensitive)
    if isinstance(expr, ast.Binary) and expr.op in ("and", "or"):
        left = _predicate(tc, relation, expr.left, case_sensitive)
        right = _predicate(tc, relation, expr.right, case_sensitive)
        return ast.Binary(expr.op, left, right, offset=expr.offset)
    return expr


def _term(
    tc: TabularCompiler, relation: Relation, node: ast.SearchTerm, case_sensitive: bool
) -> ast.Expr:
    term, operator = _operator(tc, node)
    if case_sensitive:
        operator += "_cs"
    if node.column is not None:
        if node.column not in relation.columns:
            raise tc.context.error(f"search: unknown column '{node.column}'", node.offset)
        names = [node.column]
    else:
        names = [n for n in relation.columns if n != TABLE_COLUMN]
    if not names:
        return ast.Literal(False, KqlType.BOOL, offset=node.offset)
    needle = ast.Literal(term, KqlType.STRING, offset=node.offset)
    tests: list[ast.Expr] = [
        ast.Binary(operator, _as_text(relation, name, node.offset), needle, offset=node.offset)
        for name in names
    ]
    return _any(tests, node.offset)


def _any(tests: list[ast.Expr], offset: int) -> ast.Expr:
    """`or` of the tests as a balanced tree: a table can have hundreds of columns."""
    if len(tests) == 1:
        return tests[0]
    middle = len(tests) // 2
    return ast.Binary(
        "or", _any(tests[:middle], offset), _any(tests[middle:], offset), offset=offset
    )


def _operator(tc: TabularCompiler, node: ast.SearchTerm) -> tuple[str, str]:
    """The term without its wildcards, and the string operator they call for."""
    text = node.term
    leading, trailing = text.startswith("*"), text.endswith("*") and len(text) > 1
    core = text[1 if leading else 0 : len(text) - 1 if trailing else len(text)]
    if "*" in core:
        raise tc.context.unsupported("a '*' inside a search term", node.offset)
    if leading and trailing:
        return core, "contains"
    if leading:
        return core, "hassuffix"
    if trailing:
        return core, "hasprefix"
    return core, "has"


def _as_text(relation: Relation, name: str, offset: int) -> ast.Expr:
    column = ast.Name(name, offset=offset)
    if relation.columns[name] is KqlType.STRING:
        return column
    return ast.Call("tostring", (column,), offset=offset)
