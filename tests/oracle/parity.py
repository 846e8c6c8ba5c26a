"""Comparing kqlhunt with Microsoft's analyzer on one query: acceptance, then result columns.

Run `python -m tests.oracle.parity` for the figures over every conformance and semantics query.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kqlhunt.compiler import compile_query
from kqlhunt.errors import KqlError, KqlSyntaxError, UnsupportedKqlError
from kqlhunt.kql.parser import parse_query
from kqlhunt.types import KqlType
from tests.conftest import CONFORMANCE, PINNED_NOW
from tests.oracle.oracle import Answer, Request, analyze, semantics_queries

KQL_TESTS = Path(__file__).resolve().parents[1] / "kql"

# The table the semantics tests run against (tests.kql.semantics.events).
EVENTS = [
    ("Name", "string"),
    ("N", "long"),
    ("R", "real"),
    ("Flag", "bool"),
    ("When", "datetime"),
]


@dataclass(frozen=True)
class Verdict:
    """How kqlhunt and the analyzer compare on one query; `problem` is empty when they agree."""

    kind: str  # "agree", "columns agree", "parse", "columns", "not compared"
    problem: str = ""


def requests() -> list[Request]:
    found = []
    if CONFORMANCE.is_file():
        for case in json.loads(CONFORMANCE.read_text(encoding="utf-8"))["cases"]:
            tables = {
                name: [(c, t) for c, t in spec["columns"]]
                for name, spec in (case.get("tables") or {}).items()
            }
            found.append(Request(case["id"], case["query"], tables))
    for qid, query in semantics_queries(KQL_TESTS):
        found.append(Request(qid, query, {"Events": EVENTS}))
    return found


def _rejects(answer: Answer) -> bool:
    """The analyzer rejects a query with a syntax error, or with an error that is not about a
    name it was not told of (the semantics tests build some tables the oracle does not see)."""
    unknown_name = "does not refer to any known"
    return bool(answer.syntax_errors) or any(unknown_name not in e for e in answer.errors)


def compare(request: Request, answer: Answer) -> Verdict:
    """Acceptance disagrees when kqlhunt parses what the analyzer finds a syntax error in, or
    refuses as a syntax error what the analyzer finds no fault with. (kqlhunt's parser also
    rejects some things the analyzer reports only as semantic errors, e.g. an unknown join kind:
    both reject.)"""
    try:
        parse_query(request.query, request.id)
        we_accept = True
    except KqlSyntaxError as error:
        we_accept = False
        ours = error.message
    except UnsupportedKqlError:
        we_accept = True  # valid KQL, refused by name
    if (we_accept and answer.syntax_errors) or (not we_accept and not _rejects(answer)):
        oracle_accepts = not answer.syntax_errors
        theirs = "; ".join(answer.syntax_errors)
        return Verdict(
            "parse",
            f"analyzer {'accepts' if oracle_accepts else 'rejects: ' + theirs}, kqlhunt "
            f"{'accepts' if we_accept else 'rejects: ' + ours}",
        )
    if not we_accept or answer.errors or answer.columns is None:
        return Verdict("agree")
    tables = {
        name: {c: KqlType.from_name(t) for c, t in cols} for name, cols in request.tables.items()
    }
    try:
        compiled = compile_query(request.query, tables, now=PINNED_NOW)
    except KqlError:
        return Verdict("not compared")
    ours_columns = [(n, t.value) for n, t in compiled.columns.items()]
    if ours_columns != answer.columns:
        return Verdict("columns", f"analyzer {answer.columns}, kqlhunt {ours_columns}")
    return Verdict("columns agree")


def figures(verdicts: dict[str, Verdict]) -> dict[str, int]:
    counts = Counter(v.kind for v in verdicts.values())
    return {
        "queries": len(verdicts),
        "acceptance agrees": len(verdicts) - counts["parse"],
        "columns compared": counts["columns agree"] + counts["columns"],
        "columns agree": counts["columns agree"],
    }


def main() -> None:
    batch = requests()
    answers = analyze(batch)
    verdicts = {r.id: compare(r, answers[r.id]) for r in batch}
    for name, value in figures(verdicts).items():
        print(f"{name}: {value}")
    for qid, verdict in verdicts.items():
        if verdict.problem:
            print(f"- {qid} [{verdict.kind}]: {verdict.problem}")


if __name__ == "__main__":
    main()
