"""The parity report over a rule corpus: acceptance and result columns beside Microsoft's
analyzer, and how many process-event and ASIM queries compile and run on an empty workspace."""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kqlhunt.compiler import CompiledQuery, compile_query
from kqlhunt.engine import Engine
from kqlhunt.errors import (
    KqlError,
    KqlHuntError,
    KqlSemanticError,
    KqlSyntaxError,
    UnsupportedKqlError,
)
from kqlhunt.normalize.tables import empty_tables, with_aliases
from kqlhunt.parity.compare import PARITY_NOW, Verdict, VerdictKind, analyzer_rejects, compare
from kqlhunt.parity.corpus import (
    LOCAL_SCHEMAS,
    over_asim,
    over_process_events,
    rule_requests,
    tables_read,
)
from kqlhunt.parity.oracle import Answer, Request, analyze
from kqlhunt.rules.model import AnalyticRule

_UNKNOWN_NAME = re.compile(r"unknown column(?: or name)? '([^']+)'")
_UNKNOWN_TABLE = re.compile(r"unknown table '([^']+)'")  # the first; a union names them all


class Outcome(enum.Enum):
    RUNS = "runs with the analyzer's columns"
    RUNS_UNCHECKED = "runs; the analyzer infers no columns to check"
    GAP = "named gap"
    INVALID = "invalid against the schema; the analyzer agrees"
    FAILS = "fails"


@dataclass(frozen=True)
class ScopeResult:
    """What became of one process-event or ASIM query on an empty workspace."""

    outcome: Outcome
    detail: str = ""  # the gap or the failure

    @property
    def runs(self) -> bool:
        return self.outcome in (Outcome.RUNS, Outcome.RUNS_UNCHECKED)


@dataclass
class ParityReport:
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    scope: dict[str, ScopeResult] = field(default_factory=dict)

    def figures(self) -> dict[str, tuple[int, int]]:
        """Name -> (count, out of)."""
        kinds = Counter(v.kind for v in self.verdicts.values())
        compared = kinds[VerdictKind.COLUMNS_AGREE] + kinds[VerdictKind.COLUMNS]
        outcomes = Counter(r.outcome for r in self.scope.values())
        scope = len(self.scope)
        return {
            "acceptance agrees with the analyzer": (
                len(self.verdicts) - kinds[VerdictKind.PARSE],
                len(self.verdicts),
            ),
            "result columns agree, where both infer them": (
                kinds[VerdictKind.COLUMNS_AGREE],
                compared,
            ),
            "process-event and ASIM queries that run on an empty workspace": (
                outcomes[Outcome.RUNS] + outcomes[Outcome.RUNS_UNCHECKED],
                scope,
            ),
            "  of which with the analyzer's result columns": (outcomes[Outcome.RUNS], scope),
            "  stopped by a named gap": (outcomes[Outcome.GAP], scope),
            "  invalid against the schema, as the analyzer also finds": (
                outcomes[Outcome.INVALID],
                scope,
            ),
            "  failing otherwise": (outcomes[Outcome.FAILS], scope),
        }

    def gaps(self) -> Counter[str]:
        """How many in-scope queries each named gap stops."""
        return Counter(r.detail for r in self.scope.values() if r.outcome is Outcome.GAP)

    def problems(self) -> list[tuple[str, str, str]]:
        """(query id, kind, detail) for every disagreement, every in-scope failure ("run") and
        every in-scope query invalid against the schema ("invalid")."""
        found = [
            (qid, v.kind.value, v.problem)
            for qid, v in self.verdicts.items()
            if v.kind in (VerdictKind.PARSE, VerdictKind.COLUMNS)
        ]
        kinds = {Outcome.FAILS: "run", Outcome.INVALID: "invalid"}
        found += [
            (qid, kinds[r.outcome], r.detail) for qid, r in self.scope.items() if r.outcome in kinds
        ]
        return found


def parity_report(rules: Iterable[AnalyticRule], analyzer: Path) -> ParityReport:
    """Compare kqlhunt with the analyzer installed in `analyzer` on every rule query.

    Raises:
        OracleUnavailableError: Node or the analyzer's package is missing.
    """
    requests = rule_requests(rules)
    answers = analyze(requests, analyzer)
    report = ParityReport()
    engine = Engine(with_aliases(empty_tables().values()).values(), now=PARITY_NOW)
    try:
        for request in requests:
            answer = answers[request.id]
            compiled = _compile(request, engine)
            report.verdicts[request.id] = compare(request, answer, compiled)
            tables = tables_read(request.query)
            if over_process_events(request.query, tables) or over_asim(tables):
                verdict = report.verdicts[request.id]
                missing = sorted(t for t in tables if t not in LOCAL_SCHEMAS)
                report.scope[request.id] = _run(
                    engine, compiled, verdict, answer, missing, request.query
                )
    finally:
        engine.close()
    return report


def _compile(request: Request, engine: Engine) -> CompiledQuery | KqlError:
    try:
        return compile_query(request.query, LOCAL_SCHEMAS, now=PARITY_NOW, probe=engine.probe)
    except KqlError as error:
        return error


# bag_unpack and pivot take their columns from the data: an empty workspace gives them none.
_DATA_SHAPED = re.compile(r"\b(?:bag_unpack|pivot)\s*\(")
_DATA_SHAPED_GAP = "columns made by bag_unpack or pivot from data, which an empty workspace lacks"


def _not_held(table: str) -> str:
    return f"reads table {table}, which kqlhunt does not hold"


def _analyzer_agrees(error: KqlError, answer: Answer) -> bool:
    """Whether the analyzer also finds the query at fault: it rejects the query outright, or it
    too finds no column of the name kqlhunt does not know."""
    if analyzer_rejects(answer):
        return True
    unknown = _UNKNOWN_NAME.search(error.message)
    return unknown is not None and any(f"'{unknown.group(1)}'" in e for e in answer.errors)


def _run(
    engine: Engine,
    compiled: CompiledQuery | KqlError,
    verdict: Verdict,
    answer: Answer,
    missing: list[str],
    query: str,
) -> ScopeResult:
    """What became of one in-scope query; `missing` names the tables it reads that kqlhunt
    does not hold (a fuzzy union drops them, and a column only they have is then unknown)."""
    if isinstance(compiled, UnsupportedKqlError):
        return ScopeResult(Outcome.GAP, compiled.construct)
    if isinstance(compiled, KqlSemanticError) and (
        found := _UNKNOWN_TABLE.search(compiled.message)
    ):
        return ScopeResult(Outcome.GAP, _not_held(found.group(1)))
    if (
        isinstance(compiled, KqlSemanticError)
        and missing
        and _UNKNOWN_NAME.search(compiled.message)
    ):
        return ScopeResult(Outcome.GAP, _not_held(missing[0]))
    if (
        isinstance(compiled, KqlSemanticError)
        and _UNKNOWN_NAME.search(compiled.message)
        and _DATA_SHAPED.search(query)
    ):
        return ScopeResult(Outcome.GAP, _DATA_SHAPED_GAP)
    if isinstance(compiled, KqlSyntaxError) and answer.syntax_errors:
        return ScopeResult(Outcome.INVALID, compiled.message)
    if isinstance(compiled, KqlError) and _analyzer_agrees(compiled, answer):
        return ScopeResult(Outcome.INVALID, compiled.message)
    if isinstance(compiled, KqlError):
        return ScopeResult(Outcome.FAILS, compiled.message)
    try:
        engine.run(compiled)
    except KqlHuntError as error:
        return ScopeResult(Outcome.FAILS, f"compiled, but does not run: {error}")
    if verdict.kind is VerdictKind.COLUMNS:
        return ScopeResult(Outcome.FAILS, f"result columns differ: {verdict.problem}")
    if verdict.kind is VerdictKind.COLUMNS_AGREE:
        return ScopeResult(Outcome.RUNS)
    return ScopeResult(Outcome.RUNS_UNCHECKED)
