"""The KQL parser: tokens in, a `Query` syntax tree out.

A recursive-descent parser. Tabular operators dispatch through `OPERATORS`; a known KQL operator
that kqlhunt does not run yet is rejected with `UnsupportedKqlError`, never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from kqlhunt.errors import KqlSemanticError, KqlSyntaxError, UnsupportedKqlError
from kqlhunt.kql import ast, dynamic_operators, search_operator, series_operator, table_operators
from kqlhunt.kql.literals import parse_datetime, parse_timespan
from kqlhunt.kql.tokens import Token, TokenType, position_of, tokenize
from kqlhunt.types import KqlType

# Word operators that take a scalar right-hand side; all bind at the same level as `==`.
STRING_OPERATORS = frozenset(
    {
        "has",
        "!has",
        "has_cs",
        "!has_cs",
        "hasprefix",
        "!hasprefix",
        "hasprefix_cs",
        "!hasprefix_cs",
        "hassuffix",
        "!hassuffix",
        "hassuffix_cs",
        "!hassuffix_cs",
        "contains",
        "!contains",
        "contains_cs",
        "!contains_cs",
        "startswith",
        "!startswith",
        "startswith_cs",
        "!startswith_cs",
        "endswith",
        "!endswith",
        "endswith_cs",
        "!endswith_cs",
        "like",
        "notlike",
    }
)
# Old spellings Kusto still accepts, and the operator each one means.
LEGACY_STRING_OPERATORS = {
    "containscs": "contains_cs",
    "notcontains": "!contains",
    "notcontainscs": "!contains_cs",
}
LIST_OPERATORS = frozenset({"in", "!in", "in~", "!in~", "has_any", "has_all", "!has_any"})
# Kusto spells the bool constants in three ways.
BOOL_WORDS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
COMPARISONS = frozenset({"==", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~"})

# Tabular operators of KQL that the parser knows by name but kqlhunt does not run yet.
KNOWN_UNSUPPORTED_OPERATORS = frozenset(
    {
        "parse-kv",
        "render",
        "sample",
        "sample-distinct",
        "top-nested",
        "top-hitters",
        "fork",
        "facet",
        "reduce",
        "scan",
        "consume",
        "partition",
        "project-smart",
        "extend-with",
    }
)

_GUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_TYPED_LITERALS: dict[str, KqlType] = {
    "bool": KqlType.BOOL,
    "boolean": KqlType.BOOL,
    "int": KqlType.INT,
    "long": KqlType.LONG,
    "real": KqlType.REAL,
    "double": KqlType.REAL,
    "decimal": KqlType.DECIMAL,
    "string": KqlType.STRING,
}

_OPERATOR_END = ("|", ";", ")")


class Parser:
    """Parses one KQL text. Use `parse_query`."""

    OPERATORS: ClassVar[dict[str, Callable[[Parser, int], ast.Operator]]] = {}

    def __init__(self, text: str, source_name: str = "<query>") -> None:
        self.text = text
        self.source_name = source_name
        self.tokens = tokenize(text, source_name)
        self.i = 0

    # -- token helpers -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.type is not TokenType.EOF:
            self.i += 1
        return token

    def error(self, message: str, token: Token | None = None) -> KqlSyntaxError:
        token = token or self.tok
        return KqlSyntaxError(message, position_of(self.text, token.offset, self.source_name))

    def invalid(self, message: str, token: Token | None = None) -> KqlSemanticError:
        """Well-formed KQL that cannot mean anything, which Kusto reports after parsing."""
        token = token or self.tok
        return KqlSemanticError(message, position_of(self.text, token.offset, self.source_name))

    def unsupported(self, construct: str, offset: int, detail: str = "") -> UnsupportedKqlError:
        return UnsupportedKqlError(
            construct, position_of(self.text, offset, self.source_name), detail
        )

    def describe(self, token: Token) -> str:
        return "the end of the query" if token.type is TokenType.EOF else repr(token.text)

    def expect_op(self, symbol: str, context: str = "") -> Token:
        if not self.tok.is_op(symbol):
            where = f" {context}" if context else ""
            raise self.error(f"expected '{symbol}'{where}, found {self.describe(self.tok)}")
        return self.advance()

    def accept_op(self, symbol: str) -> bool:
        if self.tok.is_op(symbol):
            self.advance()
            return True
        return False

    def accept_word(self, *words: str) -> bool:
        if self.tok.is_word(*words):
            self.advance()
            return True
        return False

    def expect_word(self, word: str, context: str = "") -> Token:
        if not self.tok.is_word(word):
            where = f" {context}" if context else ""
            raise self.error(f"expected '{word}'{where}, found {self.describe(self.tok)}")
        return self.advance()

    def expect_name(self, what: str = "a name") -> str:
        token = self.tok
        if token.type is not TokenType.IDENTIFIER:
            raise self.error(f"expected {what}, found {self.describe(token)}")
        self.advance()
        return str(token.value)

    def at_end(self) -> bool:
        return self.tok.type is TokenType.EOF

    def at_operator_end(self) -> bool:
        return self.tok.type is TokenType.EOF or self.tok.is_op(*_OPERATOR_END)

    # -- statements ----------------------------------------------------------------------------

    def parse_query(self) -> ast.Query:
        lets: list[ast.Let] = []
        body: ast.Tabular | None = None
        while self.tok.type is not TokenType.EOF:
            if self.accept_op(";"):
                continue
            if self.tok.is_word("let"):
                lets.append(self.parse_let())
            elif self.tok.is_word("set", "declare", "alias", "restrict", "pattern"):
                raise self.unsupported(f"the '{self.tok.text}' statement", self.tok.offset)
            else:
                if body is not None:
                    raise self.error("a query has one tabular expression; found a second one")
                body = self.parse_tabular()
            if not self.tok.is_op(";") and not self.at_end():
                raise self.error(f"expected ';' or '|', found {self.describe(self.tok)}")
        if body is None:
            raise self.error("the query has no tabular expression to run")
        return ast.Query(tuple(lets), body)

    def parse_let(self) -> ast.Let:
        start = self.expect_word("let").offset
        name = self.expect_name("a name after 'let'")
        self.expect_op("=", f"after 'let {name}'")
        value: ast.Expr | ast.Tabular | ast.Function
        if (self.tok.is_op("(") and self._looks_like_function_definition()) or (
            self.tok.is_word("view") and self.peek().is_op("(")
        ):
            value = table_operators.parse_function(self)
        else:
            value = self.parse_tabular_or_scalar()
        return ast.Let(name, value, offset=start)

    def _looks_like_function_definition(self) -> bool:
        depth, j = 0, self.i
        while j < len(self.tokens):
            t = self.tokens[j]
            if t.is_op("("):
                depth += 1
            elif t.is_op(")"):
                depth -= 1
                if depth == 0:
                    return self.tokens[j + 1].is_op("{")
            elif t.type is TokenType.EOF:
                return False
            j += 1
        return False

    def parse_tabular_or_scalar(self) -> ast.Expr | ast.Tabular:
        if self._starts_tabular_source():
            return self.parse_tabular()
        start = self.i
        expr = self.parse_expr()
        if self.tok.is_op("|"):
            self.i = start
            return self.parse_tabular()
        return expr

    def _starts_tabular_source(self) -> bool:
        t = self.tok
        if t.is_word("datatable", "print", "range", "union", "materialize", "externaldata"):
            return self.peek().type is not TokenType.OPERATOR or self.peek().is_op("(")
        if t.is_word("search"):
            after = self.peek()
            return after.type is TokenType.STRING or after.is_word("in", "kind")
        return False

    # -- tabular expressions -------------------------------------------------------------------

    def parse_tabular(self) -> ast.Tabular:
        start = self.tok.offset
        source = self.parse_source()
        operators: list[ast.Operator] = []
        while self.accept_op("|"):
            operators.append(self.parse_operator())
        if not operators:
            return source
        return ast.Pipeline(source, tuple(operators), offset=start)

    def parse_source(self) -> ast.Tabular:
        token = self.tok
        if token.is_op("("):
            self.advance()
            inner = self.parse_tabular()
            self.expect_op(")", "to close the tabular expression")
            return inner
        if token.is_word("datatable"):
            return self.parse_datatable()
        if token.is_word("print"):
            self.advance()
            return ast.Print(self.parse_assignments(), offset=token.offset)
        if token.type is not TokenType.IDENTIFIER:
            raise self.error(f"expected a table name, found {self.describe(token)}")
        if token.text in table_operators.SOURCES and not self.peek().is_op("|", ",", ")", ";"):
            return table_operators.SOURCES[token.text](self)
        if token.text == "search":
            return search_operator.parse_search_source(self)
        if token.text == "find":
            return search_operator.parse_find_source(self)
        self.advance()
        if self.tok.is_op("("):
            args, named = self.parse_call_args()
            return ast.TableRef(str(token.value), args, named, offset=token.offset)
        return ast.TableRef(str(token.value), offset=token.offset)

    def parse_datatable(self) -> ast.DataTable:
        start = self.advance().offset
        columns = self.parse_schema("datatable")
        values = self.parse_bracketed_exprs("the datatable values")
        return ast.DataTable(columns, values, offset=start)

    def parse_schema(self, owner: str) -> tuple[tuple[str, KqlType], ...]:
        """`(Name: type, ...)` after `datatable` or `externaldata`."""
        self.expect_op("(", f"after '{owner}'")
        columns: list[tuple[str, KqlType]] = []
        while not self.tok.is_op(")"):
            name = self.expect_name("a column name")
            self.expect_op(":", f"after column '{name}'")
            columns.append((name, self.parse_type_name()))
            if not self.accept_op(","):
                break
        self.expect_op(")", f"to close the {owner} schema")
        return tuple(columns)

    def parse_bracketed_exprs(self, what: str) -> tuple[ast.Expr, ...]:
        """`[expr, ...]`: the values of a datatable, the addresses of externaldata."""
        self.expect_op("[", f"before {what}")
        values: list[ast.Expr] = []
        while not self.tok.is_op("]"):
            values.append(self.parse_expr())
            if not self.accept_op(","):
                break
        self.expect_op("]", f"to close {what}")
        return tuple(values)

    def parse_type_name(self) -> KqlType:
        token = self.tok
        name = self.expect_name("a type name")
        try:
            return KqlType.from_name(name)
        except ValueError:
            raise self.error(f"unknown type {name!r}", token) from None

    def parse_operator(self) -> ast.Operator:
        token = self.tok
        if token.type is not TokenType.IDENTIFIER:
            raise self.error(f"expected a tabular operator after '|', found {self.describe(token)}")
        word = token.text
        handler = self.OPERATORS.get(word)
        if handler is not None:
            self.advance()
            return handler(self, token.offset)
        if word in KNOWN_UNSUPPORTED_OPERATORS:
            raise self.unsupported(f"the '{word}' operator", token.offset)
        raise self.error(f"unknown tabular operator {word!r}")

    def _parse_where(self, offset: int) -> ast.Operator:
        predicate = self.parse_expr()
        if self.tok.is_op("="):  # parses in Kusto as a named value, which is not a bool
            raise self.invalid("'where' needs a bool; '=' names a value, compare with '=='")
        return ast.Where(predicate, offset=offset)

    def _parse_extend(self, offset: int) -> ast.Operator:
        return ast.Extend(self.parse_assignments(tuples=True), offset=offset)

    def _parse_project(self, offset: int) -> ast.Operator:
        return ast.Project(self.parse_assignments(tuples=True), offset=offset)

    def _parse_project_away(self, offset: int) -> ast.Operator:
        return ast.ProjectAway(self.parse_name_patterns(), offset=offset)

    def _parse_project_keep(self, offset: int) -> ast.Operator:
        return ast.ProjectKeep(self.parse_name_patterns(), offset=offset)

    def _parse_project_reorder(self, offset: int) -> ast.Operator:
        patterns: list[str] = []
        orders: list[str | None] = []
        while True:
            patterns.append(self.parse_name_pattern())
            order = None
            if self.tok.is_word("asc", "desc"):
                order = self.advance().text
            elif (
                self.tok.is_word("granny")
                and self.peek().is_op("-")
                and self.peek(2).is_word("asc", "desc")
            ):
                self.advance()
                self.advance()
                order = "granny-" + self.advance().text
            orders.append(order)
            if not self.accept_op(","):
                return ast.ProjectReorder(tuple(patterns), tuple(orders), offset=offset)

    def _parse_project_rename(self, offset: int) -> ast.Operator:
        renames: list[tuple[str, str]] = []
        while True:
            new = self.expect_name("a new column name")
            self.expect_op("=", f"after '{new}' in project-rename")
            old = self.expect_name("the column to rename")
            if not (self.tok.is_op(",") or self.at_operator_end()):
                raise self.invalid("project-rename takes a column name, not an expression")
            renames.append((new, old))
            if not self.accept_op(","):
                return ast.ProjectRename(tuple(renames), offset=offset)

    def _parse_take(self, offset: int) -> ast.Operator:
        return ast.Take(self.parse_expr(), offset=offset)

    def _parse_sort(self, offset: int) -> ast.Operator:
        self.expect_word("by", "after 'sort'")
        keys = [self.parse_sort_key()]
        while self.accept_op(","):
            keys.append(self.parse_sort_key())
        return ast.Sort(tuple(keys), offset=offset)

    def _parse_top(self, offset: int) -> ast.Operator:
        count = self.parse_expr()
        self.expect_word("by", "after the count of 'top'")
        return ast.Top(count, self.parse_sort_key(), offset=offset)

    def parse_sort_key(self) -> ast.SortKey:
        expr = self.parse_expr()
        descending = True
        if self.accept_word("asc"):
            descending = False
        elif self.accept_word("desc"):
            descending = True
        nulls_first: bool | None = None
        if self.accept_word("nulls"):
            if self.accept_word("first"):
                nulls_first = True
            elif self.accept_word("last"):
                nulls_first = False
            else:
                raise self.error("expected 'first' or 'last' after 'nulls'")
        return ast.SortKey(expr, descending, nulls_first)

    def _parse_count(self, offset: int) -> ast.Operator:
        return ast.Count(offset=offset)

    def _parse_getschema(self, offset: int) -> ast.Operator:
        return ast.GetSchema(offset=offset)

    def _parse_distinct(self, offset: int) -> ast.Operator:
        if self.tok.is_op("*"):
            star = self.advance()
            return ast.Distinct((ast.Star(offset=star.offset),), offset=offset)
        items = [self.parse_expr()]
        while self.accept_op(","):
            items.append(self.parse_expr())
        return ast.Distinct(tuple(items), offset=offset)

    def _parse_summarize(self, offset: int) -> ast.Operator:
        self.skip_hints()
        aggregates: tuple[ast.Assignment, ...] = ()
        if not self.tok.is_word("by") and not self.at_operator_end():
            aggregates = self.parse_assignments(tuples=True)
        by: tuple[ast.Assignment, ...] = ()
        if self.accept_word("by"):
            by = self.parse_assignments()
        if not aggregates and not by:
            raise self.error("summarize needs an aggregation or a 'by' clause")
        return ast.Summarize(aggregates, by, offset=offset)

    def skip_hints(self) -> None:
        """Drop `hint.strategy=shuffle` style options: they never change a result."""
        while self.tok.type is TokenType.IDENTIFIER and self.tok.text == "hint":
            self.advance()
            self.expect_op(".", "after 'hint'")
            self.expect_name("a hint name")
            self.expect_op("=", "after the hint name")
            self.parse_primary()

    # -- lists inside operators ----------------------------------------------------------------

    def parse_assignments(self, tuples: bool = False) -> tuple[ast.Assignment, ...]:
        """A list of `[Name =] expr`; with `tuples`, also `(A, B) = expr` (extend, project,
        summarize)."""
        items = [self.parse_assignment(tuples)]
        while self.accept_op(","):
            items.append(self.parse_assignment(tuples))
        return tuple(items)

    def parse_assignment(self, tuples: bool = False) -> ast.Assignment:
        token = self.tok
        if token.is_op("(") and self._looks_like_name_tuple():
            if not tuples:
                raise self.unsupported(
                    "assigning to several names at once ((a, b) = ...) here", token.offset
                )
            self.advance()
            names = [self.expect_name()]
            while self.accept_op(","):
                names.append(self.expect_name())
            self.expect_op(")")
            self.expect_op("=")
            expr = self.parse_expr()
            return ast.Assignment(None, expr, tuple(names), offset=token.offset)
        if token.type is TokenType.IDENTIFIER and self.peek().is_op("="):
            self.advance()
            self.advance()
            return ast.Assignment(str(token.value), self.parse_expr(), offset=token.offset)
        return ast.Assignment(None, self.parse_expr(), offset=token.offset)

    def _looks_like_name_tuple(self) -> bool:
        j = self.i + 1
        while self.tokens[j].type is TokenType.IDENTIFIER and self.tokens[j + 1].is_op(","):
            j += 2
        return (
            self.tokens[j].type is TokenType.IDENTIFIER
            and self.tokens[j + 1].is_op(")")
            and self.tokens[j + 2].is_op("=")
        )

    def parse_name_patterns(self) -> tuple[str, ...]:
        patterns = [self.parse_name_pattern()]
        while self.accept_op(","):
            patterns.append(self.parse_name_pattern())
        return tuple(patterns)

    def parse_name_pattern(self) -> str:
        """A column name or a wildcard pattern such as `Event*` or `*Id`: adjacent tokens only."""
        start = self.tok
        parts: list[str] = []
        end = start.offset
        while (self.tok.type is TokenType.IDENTIFIER or self.tok.is_op("*")) and (
            not parts or self.tok.offset == end
        ):
            token = self.advance()
            parts.append(str(token.value))
            end = token.offset + len(token.text)
        if not parts:
            raise self.error(f"expected a column name, found {self.describe(start)}", start)
        return "".join(parts)

    # -- scalar expressions --------------------------------------------------------------------

    def parse_expr(self) -> ast.Expr:
        return self.parse_or()

    def parse_or(self) -> ast.Expr:
        left = self.parse_and()
        while self.tok.is_word("or"):
            token = self.advance()
            left = ast.Binary("or", left, self.parse_and(), offset=token.offset)
        return left

    def parse_and(self) -> ast.Expr:
        left = self.parse_comparison()
        while self.tok.is_word("and"):
            token = self.advance()
            left = ast.Binary("and", left, self.parse_comparison(), offset=token.offset)
        return left

    def parse_comparison(self) -> ast.Expr:
        left = self.parse_additive()
        token = self.tok
        if token.type is TokenType.OPERATOR and token.text in COMPARISONS:
            self.advance()
            op = "!=" if token.text == "<>" else token.text
            return ast.Binary(op, left, self.parse_additive(), offset=token.offset)
        words = (*STRING_OPERATORS, *LEGACY_STRING_OPERATORS, *LIST_OPERATORS)
        if not token.is_word(*words, "between", "!between", "matches"):
            return left
        self.advance()
        op = LEGACY_STRING_OPERATORS.get(token.text, token.text)
        if op in ("between", "!between"):
            return self.parse_between(left, negated=op == "!between", offset=token.offset)
        if op == "matches":
            self.expect_word("regex", "after 'matches'")
            return ast.Binary("matches regex", left, self.parse_additive(), offset=token.offset)
        if op in ("like", "notlike"):
            raise self.unsupported(f"the '{op}' operator", token.offset)
        if op in LIST_OPERATORS:
            return ast.InList(op, left, self.parse_list_operand(op), offset=token.offset)
        return ast.Binary(op, left, self.parse_additive(), offset=token.offset)

    def parse_between(self, value: ast.Expr, negated: bool, offset: int) -> ast.Expr:
        self.expect_op("(", "after 'between'")
        low = self.parse_additive()
        self.expect_op("..", "between the bounds of 'between'")
        high = self.parse_additive()
        self.expect_op(")", "to close 'between'")
        return ast.Between(value, low, high, negated, offset=offset)

    def parse_list_operand(self, op: str) -> tuple[ast.Expr, ...]:
        if not self.tok.is_op("("):
            # `x in SomeLet` / `x has_any (SomeLet)`: a single name or expression.
            return (self.parse_additive(),)
        self.advance()
        if self.tok.is_op("("):
            # Double parentheses hold a tabular expression: x in ((T | project y)).
            start = self.i
            self.advance()
            tabular = self.parse_tabular()
            if self.tok.is_op(")") and self.peek().is_op(")"):
                self.advance()
                self.advance()
                return (ast.TabularSubquery(tabular, offset=self.tokens[start].offset),)
            self.i = start
        items: list[ast.Expr] = []
        while not self.tok.is_op(")"):
            items.append(self.parse_tabular_operand())
            if not self.accept_op(","):
                break
        self.expect_op(")", f"to close the list of '{op}'")
        return tuple(items)

    def parse_tabular_operand(self) -> ast.Expr:
        if self._starts_tabular_source():
            offset = self.tok.offset
            return ast.TabularSubquery(self.parse_tabular(), offset=offset)
        start = self.i
        expr = self.parse_expr()
        if self.tok.is_op("|"):
            self.i = start
            offset = self.tok.offset
            return ast.TabularSubquery(self.parse_tabular(), offset=offset)
        return expr

    def parse_additive(self) -> ast.Expr:
        left = self.parse_multiplicative()
        while self.tok.is_op("+", "-"):
            token = self.advance()
            left = ast.Binary(token.text, left, self.parse_multiplicative(), offset=token.offset)
        return left

    def parse_multiplicative(self) -> ast.Expr:
        left = self.parse_unary()
        while self.tok.is_op("*", "/", "%"):
            token = self.advance()
            left = ast.Binary(token.text, left, self.parse_unary(), offset=token.offset)
        return left

    def parse_unary(self) -> ast.Expr:
        if self.tok.is_op("-", "+"):
            token = self.advance()
            operand = self.parse_unary()
            value = operand.value if isinstance(operand, ast.Literal) else None
            if token.text == "-" and isinstance(value, int | float) and not isinstance(value, bool):
                assert isinstance(operand, ast.Literal)
                return ast.Literal(-value, operand.type, offset=token.offset)
            return ast.Unary(token.text, operand, offset=token.offset)
        return self.parse_postfix()

    def parse_postfix(self) -> ast.Expr:
        expr = self.parse_primary()
        while True:
            if self.tok.is_op(".") and self.peek().is_op("["):
                self.advance()  # `bag.[0]` and `bag.["key"]` index as `bag[0]` does
            elif self.tok.is_op(".") and self.peek().type in (TokenType.IDENTIFIER,):
                token = self.advance()
                key = self.advance()
                expr = ast.Member(expr, str(key.value), offset=token.offset)
            elif self.tok.is_op("["):
                token = self.advance()
                index = self.parse_expr()
                self.expect_op("]", "to close the index")
                expr = ast.Index(expr, index, offset=token.offset)
            else:
                return expr

    def parse_primary(self) -> ast.Expr:
        token = self.tok
        if token.type is TokenType.STRING:
            self.advance()
            value = str(token.value)
            while self.tok.type is TokenType.STRING:  # adjacent literals concatenate
                value += str(self.advance().value)
            return ast.Literal(value, KqlType.STRING, offset=token.offset)
        if token.type is TokenType.INT:
            self.advance()
            return ast.Literal(token.value, KqlType.LONG, offset=token.offset)
        if token.type is TokenType.REAL:
            self.advance()
            return ast.Literal(token.value, KqlType.REAL, offset=token.offset)
        if token.type is TokenType.TIMESPAN:
            self.advance()
            return ast.Literal(token.value, KqlType.TIMESPAN, offset=token.offset)
        if token.is_op("("):
            self.advance()
            inner = self.parse_tabular_operand()
            self.expect_op(")", "to close the parenthesis")
            return inner
        if token.is_op("*"):
            self.advance()
            return ast.Star(offset=token.offset)
        if token.type is TokenType.IDENTIFIER:
            return self.parse_word()
        raise self.error(f"expected an expression, found {self.describe(token)}")

    def parse_word(self) -> ast.Expr:
        if self.tok.text in ("and", "or"):  # a logical operator where a value must be
            raise self.error(f"expected an expression, found '{self.tok.text}'")
        token = self.advance()
        word = str(token.value)
        is_call = self.tok.is_op("(") and not token.text.startswith("[")
        if word in BOOL_WORDS and not is_call:
            return ast.Literal(BOOL_WORDS[word], KqlType.BOOL, offset=token.offset)
        if not is_call:
            return ast.Name(word, offset=token.offset)
        if word in ("datetime", "date"):
            return self.parse_raw_literal(token, KqlType.DATETIME)
        if word in ("timespan", "time"):
            return self.parse_raw_literal(token, KqlType.TIMESPAN)
        if word == "guid":
            return self.parse_guid_literal(token)
        if word == "dynamic":
            return self.parse_dynamic_literal(token)
        if word in _TYPED_LITERALS and self._typed_literal_follows():
            return self.parse_typed_literal(token, _TYPED_LITERALS[word])
        if word == "typeof":
            return self.parse_typeof(token)
        args, named = self.parse_call_args()
        return ast.Call(word, args, named, offset=token.offset)

    def parse_typeof(self, token: Token) -> ast.Expr:
        self.expect_op("(", "after 'typeof'")
        kql_type = self.parse_type_name()
        self.expect_op(")", "to close 'typeof('")
        return ast.TypeOf(kql_type, offset=token.offset)

    def _typed_literal_follows(self) -> bool:
        ahead = 2 if self.peek().is_op("-", "+") else 1  # a signed number: long(-3)
        inner = self.peek(ahead)
        if ahead == 2 and inner.type not in (TokenType.INT, TokenType.REAL):
            return False
        return self.peek(ahead + 1).is_op(")") and inner.type in (
            TokenType.IDENTIFIER,
            TokenType.INT,
            TokenType.REAL,
            TokenType.STRING,
        )

    def parse_call_args(self) -> tuple[tuple[ast.Expr, ...], tuple[tuple[str, ast.Expr], ...]]:
        self.expect_op("(")
        args: list[ast.Expr] = []
        named: list[tuple[str, ast.Expr]] = []
        while not self.tok.is_op(")"):
            if self.tok.type is TokenType.IDENTIFIER and self.peek().is_op("="):
                name = str(self.advance().value)
                self.advance()
                named.append((name, self.parse_tabular_operand()))
            else:
                args.append(self.parse_tabular_operand())
            if not self.accept_op(","):
                break
        self.expect_op(")", "to close the argument list")
        return tuple(args), tuple(named)

    def _raw_parenthesised(self) -> tuple[str, int]:
        """The raw source text between '(' and its ')', for literals that are not tokens."""
        open_token = self.expect_op("(")
        close = self.text.find(")", open_token.offset + 1)
        if close < 0:
            raise self.error("unterminated literal: missing ')'", open_token)
        while self.tok.type is not TokenType.EOF and self.tok.offset < close:
            self.advance()
        self.expect_op(")")
        return self.text[open_token.offset + 1 : close].strip(), open_token.offset + 1

    def parse_raw_literal(self, token: Token, kql_type: KqlType) -> ast.Expr:
        raw, _ = self._raw_parenthesised()
        if raw == "null":
            return ast.Literal(None, kql_type, offset=token.offset)
        if raw == "" and kql_type is KqlType.DATETIME:
            return ast.Call("now", (), offset=token.offset)  # datetime() is the current time
        value: Any = parse_datetime(raw) if kql_type is KqlType.DATETIME else parse_timespan(raw)
        if value is None:  # Kusto's parser takes any text here; the value is checked later
            raise self.invalid(f"invalid {kql_type.value} literal {raw!r}", token)
        return ast.Literal(value, kql_type, offset=token.offset)

    def parse_guid_literal(self, token: Token) -> ast.Literal:
        """`guid(74be27de-1e4e-49d9-b579-fe0b331d3642)`, unquoted, or `guid(null)`."""
        raw, _ = self._raw_parenthesised()
        if raw == "null":
            return ast.Literal(None, KqlType.GUID, offset=token.offset)
        if not _GUID.fullmatch(raw):
            raise self.invalid(f"invalid guid literal {raw!r}", token)
        return ast.Literal(raw.lower(), KqlType.GUID, offset=token.offset)

    def parse_typed_literal(self, token: Token, kql_type: KqlType) -> ast.Literal:
        self.expect_op("(")
        negative = self.tok.is_op("-")
        if self.tok.is_op("-", "+"):
            self.advance()
        inner = self.advance()
        self.expect_op(")")
        if inner.type is TokenType.IDENTIFIER and inner.text == "null":
            return ast.Literal(None, kql_type, offset=token.offset)
        value: Any = -inner.value if negative else inner.value  # type: ignore[operator]
        try:
            if kql_type is KqlType.BOOL:
                value = BOOL_WORDS[inner.text]
            elif kql_type in (KqlType.INT, KqlType.LONG):
                value = int(str(inner.value), 0) if inner.type is TokenType.STRING else int(value)
            elif kql_type in (KqlType.REAL, KqlType.DECIMAL):
                value = float(value)
            elif kql_type in (KqlType.GUID, KqlType.STRING):
                value = str(inner.text if inner.type is not TokenType.STRING else inner.value)
        except (KeyError, TypeError, ValueError):
            raise self.error(f"invalid {kql_type.value} literal {inner.text!r}", inner) from None
        return ast.Literal(value, kql_type, offset=token.offset)

    def parse_dynamic_literal(self, token: Token) -> ast.Literal:
        self.expect_op("(")
        value = self.parse_json_value()
        self.expect_op(")", "to close dynamic(...)")
        return ast.Literal(value, KqlType.DYNAMIC, offset=token.offset)

    def parse_json_value(self) -> Any:
        token = self.tok
        if token.is_op("["):
            self.advance()
            items: list[Any] = []
            while not self.tok.is_op("]"):
                items.append(self.parse_json_value())
                if not self.accept_op(","):
                    break
            self.expect_op("]", "to close the array")
            return items
        if token.is_op("{"):
            self.advance()
            bag: dict[str, Any] = {}
            while not self.tok.is_op("}"):
                key = self.advance()
                if key.type not in (TokenType.STRING, TokenType.IDENTIFIER):
                    raise self.error("expected a property name", key)
                self.expect_op(":", "after a property name")
                bag[str(key.value)] = self.parse_json_value()
                if not self.accept_op(","):
                    break
            self.expect_op("}", "to close the property bag")
            return bag
        if token.is_word("null"):
            self.advance()
            return None
        if token.type is TokenType.IDENTIFIER and token.text.startswith("["):
            # The tokenizer reads `["a"]` as a quoted name; in a dynamic literal it is an array.
            self.advance()
            return [token.value]
        expr = self.parse_unary()
        if isinstance(expr, ast.Literal) and expr.type is not KqlType.DYNAMIC:
            if expr.type is KqlType.DATETIME or expr.type is KqlType.TIMESPAN:
                raise self.unsupported(
                    "datetime and timespan values inside dynamic literals", token.offset
                )
            return expr.value
        raise self.error("expected a constant inside dynamic(...)", token)


Parser.OPERATORS = {
    "where": Parser._parse_where,
    "filter": Parser._parse_where,
    "extend": Parser._parse_extend,
    "project": Parser._parse_project,
    "project-away": Parser._parse_project_away,
    "project-keep": Parser._parse_project_keep,
    "project-rename": Parser._parse_project_rename,
    "project-reorder": Parser._parse_project_reorder,
    "take": Parser._parse_take,
    "limit": Parser._parse_take,
    "sort": Parser._parse_sort,
    "order": Parser._parse_sort,
    "top": Parser._parse_top,
    "count": Parser._parse_count,
    "getschema": Parser._parse_getschema,
    "distinct": Parser._parse_distinct,
    "summarize": Parser._parse_summarize,
    "make-series": series_operator.parse_make_series,
    "search": search_operator.parse_search,
    **dynamic_operators.OPERATORS,
    **table_operators.OPERATORS,
}


def parse_query(text: str, source_name: str = "<query>") -> ast.Query:
    """Parse KQL text into a `Query`.

    >>> parse_query('T | where x has "a"').body.operators[0]  # doctest: +ELLIPSIS
    Where(predicate=Binary(op='has', ...))

    Raises:
        KqlSyntaxError: the text is not KQL; the error carries line, column and a caret.
        UnsupportedKqlError: the text uses a construct kqlhunt cannot run yet, named in the error.
    """
    return Parser(text, source_name).parse_query()
