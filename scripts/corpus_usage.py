"""Count what the public Sentinel rules use, and what stops each one from compiling.

Every rule query is tokenized with kqlhunt's own tokenizer; the script counts tabular operators
(the word after `|`), scalar functions and aggregations (a word before `(`), each as the number
of rules that use it. Each query is then compiled: `imProcessCreate` has its real schema, and any
other table is given a synthesized schema holding every identifier of the query (see
`synthesized_tables`). A rule compiles fully, is blocked by a named unsupported construct, or
fails for another reason (syntax, types against the synthesized schema).

Regenerate docs/corpus-usage.md with:

    .venv/bin/python scripts/corpus_usage.py ../shared/corpus/sentinel-rules > docs/corpus-usage.md
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kqlhunt.compiler import compile_query
from kqlhunt.compiler.aggregates import AGGREGATES
from kqlhunt.compiler.functions import AGGREGATE_NAMES as AGGREGATION_NAMES
from kqlhunt.compiler.functions import FUNCTIONS
from kqlhunt.errors import KqlError, KqlSyntaxError, UnsupportedKqlError
from kqlhunt.kql.parser import KNOWN_UNSUPPORTED_OPERATORS, Parser
from kqlhunt.kql.tokens import Token, TokenType, tokenize
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.rules import load_rules
from kqlhunt.types import KqlType

# Words before `(` that are not functions: literal constructors, keywords, operator syntax.
_NOT_FUNCTIONS = frozenset(
    {
        "datetime",
        "date",
        "timespan",
        "time",
        "dynamic",
        "bool",
        "boolean",
        "int",
        "long",
        "real",
        "double",
        "decimal",
        "string",
        "guid",
        "in",
        "has_any",
        "has_all",
        "between",
        "datatable",
        "on",
        "by",
        "and",
        "or",
        "typeof",
        "view",
        "with",
        "kind",
        "table",
        "true",
        "false",
        "union",
        "has",
        "contains",
        "hassuffix",
        "hasprefix",
        "startswith",
        "endswith",
    }
)

# Join and union options spelled `kind=inner (`: the word is an option value, not a call.
_OPTION_VALUES = frozenset(
    {
        "inner",
        "innerunique",
        "leftouter",
        "rightouter",
        "fullouter",
        "leftanti",
        "rightanti",
        "leftsemi",
        "rightsemi",
        "anti",
        "leftantisemi",
        "rightantisemi",
        "outer",
        "broadcast",
        "shuffle",
    }
)

_DATETIME_NAME = re.compile(r"(Time|Timestamp|DateTime|Date)$|^TimeGenerated$")
_INT_NAMES = frozenset({"EventID", "EventCount"})


@dataclass
class Usage:
    rules: int = 0
    compiled: int = 0
    syntax_errors: int = 0
    other_errors: int = 0
    operators: Counter[str] = field(default_factory=Counter)
    functions: Counter[str] = field(default_factory=Counter)
    aggregations: Counter[str] = field(default_factory=Counter)
    blockers: Counter[str] = field(default_factory=Counter)
    other_reasons: Counter[str] = field(default_factory=Counter)


def _words(tokens: list[Token]) -> Iterable[tuple[int, Token]]:
    for i, token in enumerate(tokens):
        if token.type is TokenType.IDENTIFIER:
            yield i, token


def count_tokens(tokens: list[Token]) -> tuple[set[str], set[str], set[str]]:
    """The tabular operators, scalar functions and aggregations one query uses."""
    operators: set[str] = set()
    functions: set[str] = set()
    aggregations: set[str] = set()
    lets = {
        tokens[i + 1].text for i, t in _words(tokens) if t.text == "let" and i + 1 < len(tokens)
    }
    for i, token in _words(tokens):
        previous = tokens[i - 1] if i else None
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if previous is not None and previous.is_op("|"):
            operators.add(token.text)
            continue
        if following is None or not following.is_op("("):
            continue
        if previous is not None and previous.is_op("."):
            continue  # a method-like member call, e.g. a `$left.x` spelling
        name = token.text
        if name in _NOT_FUNCTIONS or name in lets:
            continue
        if name in _OPTION_VALUES and previous is not None and previous.is_op("="):
            continue
        (aggregations if name in AGGREGATION_NAMES else functions).add(name)
    return operators, functions, aggregations


def _column_type(name: str) -> KqlType:
    if name in _INT_NAMES:
        return KqlType.INT
    if _DATETIME_NAME.search(name):
        return KqlType.DATETIME
    return KqlType.STRING


def synthesized_tables(tokens: list[Token]) -> dict[str, dict[str, KqlType]]:
    """Schemas under which a query can compile: every identifier of the query that is not a
    `let` name or a function is a column (datetime, int or string by its name), and every
    identifier may be a table with those columns; `imProcessCreate` keeps its real schema."""
    lets = {
        tokens[i + 1].text for i, t in _words(tokens) if t.text == "let" and i + 1 < len(tokens)
    }
    names: dict[str, None] = {}
    for i, token in _words(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.text in lets or (following is not None and following.is_op("(")):
            continue
        names[token.text] = None
    columns = {name: _column_type(name) for name in names}
    tables = {name: columns for name in names}
    tables[TABLE_NAME] = dict(IM_PROCESS_CREATE)
    return tables


def survey(paths: list[Path]) -> Usage:
    usage = Usage()
    now = datetime(2024, 3, 1, tzinfo=timezone.utc)
    for rule in load_rules(paths):
        usage.rules += 1
        try:
            tokens = tokenize(rule.query, rule.path)
        except KqlSyntaxError:
            usage.syntax_errors += 1
            usage.other_reasons["syntax error (tokenizer)"] += 1
            continue
        operators, functions, aggregations = count_tokens(tokens)
        usage.operators.update(operators)
        usage.functions.update(functions)
        usage.aggregations.update(aggregations)
        try:
            compile_query(rule.query, synthesized_tables(tokens), now=now, source_name=rule.path)
        except UnsupportedKqlError as error:
            usage.blockers[error.construct] += 1
        except KqlSyntaxError:
            usage.syntax_errors += 1
            usage.other_reasons["syntax error"] += 1
        except KqlError as error:
            usage.other_errors += 1
            usage.other_reasons[_reason(error.message)] += 1
        else:
            usage.compiled += 1
    return usage


def _reason(message: str) -> str:
    """A message with its names and numbers blanked, so that like errors count together."""
    text = re.sub(r"'[^']*'", "'…'", message)
    return re.sub(r"\d+", "N", text)


def _status_operator(name: str) -> str:
    if name in Parser.OPERATORS:
        return "supported"
    if name in KNOWN_UNSUPPORTED_OPERATORS:
        return "explicit error"
    return "unknown"


def _status_function(name: str) -> str:
    return "supported" if name in FUNCTIONS else "explicit error"


def _status_aggregation(name: str) -> str:
    return "supported" if name in AGGREGATES or name in ("arg_max", "arg_min") else "explicit error"


def _table(title: str, counts: Counter[str], status: object, rules: int) -> list[str]:
    lines = [f"## {title}", "", "| name | rules | share | status |", "|---|---:|---:|---|"]
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        state = status(name) if callable(status) else ""
        lines.append(f"| `{name}` | {n} | {100 * n / rules:.1f}% | {state} |")
    return [*lines, ""]


def render(usage: Usage, source: str) -> str:
    rules = max(usage.rules, 1)
    blocked = sum(usage.blockers.values())
    lines = [
        "# What the public Sentinel rules use",
        "",
        "Generated by `scripts/corpus_usage.py`; do not edit. Regenerate with:",
        "",
        "    .venv/bin/python scripts/corpus_usage.py ../shared/corpus/sentinel-rules"
        " > docs/corpus-usage.md",
        "",
        f"Source: `{source}`, {usage.rules} rule queries. Counts are numbers of rules.",
        "",
        "Each query is compiled with kqlhunt. `imProcessCreate` has its real schema; any other",
        "table gets a synthesized one in which every identifier of the query is a column",
        "(datetime when its name ends in Time/Date/Timestamp, int for EventID, else string).",
        "So 'compiles' means kqlhunt has every construct the query uses; type errors against",
        "the synthesized schemas are counted apart.",
        "",
        "| outcome | rules | share |",
        "|---|---:|---:|",
        f"| compiles | {usage.compiled} | {100 * usage.compiled / rules:.1f}% |",
        f"| blocked by an unsupported construct | {blocked} | {100 * blocked / rules:.1f}% |",
        f"| syntax error | {usage.syntax_errors} | {100 * usage.syntax_errors / rules:.1f}% |",
        f"| other error | {usage.other_errors} | {100 * usage.other_errors / rules:.1f}% |",
        "",
        "## What blocks a rule (its first unsupported construct)",
        "",
        "| construct | rules |",
        "|---|---:|",
    ]
    for name, n in sorted(usage.blockers.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {name} | {n} |")
    lines += ["", "## Other failures", "", "| reason | rules |", "|---|---:|"]
    for name, n in sorted(usage.other_reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:40]:
        lines.append(f"| {name.replace('|', '¦')} | {n} |")
    lines.append("")
    lines += _table("Tabular operators", usage.operators, _status_operator, rules)
    lines += _table("Scalar functions", usage.functions, _status_function, rules)
    lines += _table("Aggregations", usage.aggregations, _status_aggregation, rules)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="rule files or folders")
    args = parser.parse_args(argv)
    usage = survey(args.paths)
    source = " ".join(p.name for p in args.paths)
    sys.stdout.write(render(usage, source))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
