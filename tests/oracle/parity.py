"""Comparing kqlhunt with Microsoft's analyzer on one query: acceptance, then result columns.

Run `python -m tests.oracle.parity` for the figures over every conformance and semantics query.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from kqlhunt.parity.compare import Verdict, VerdictKind, compare
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


def judge(request: Request, answer: Answer) -> Verdict:
    """The verdict on one test query, compiled with the tests' pinned clock."""
    return compare(request, answer, now=PINNED_NOW)


def figures(verdicts: dict[str, Verdict]) -> dict[str, int]:
    counts = Counter(v.kind for v in verdicts.values())
    return {
        "queries": len(verdicts),
        "acceptance agrees": len(verdicts) - counts[VerdictKind.PARSE],
        "columns compared": counts[VerdictKind.COLUMNS_AGREE] + counts[VerdictKind.COLUMNS],
        "columns agree": counts[VerdictKind.COLUMNS_AGREE],
    }


def main() -> None:
    batch = requests()
    answers = analyze(batch)
    verdicts = {r.id: judge(r, answers[r.id]) for r in batch}
    for name, value in figures(verdicts).items():
        print(f"{name}: {value}")
    for qid, verdict in verdicts.items():
        if verdict.problem:
            print(f"- {qid} [{verdict.kind.value}]: {verdict.problem}")


if __name__ == "__main__":
    main()
