"""The main job: run every rule over normalized logs and collect alerts.

A rule whose query does not parse or compile is reported with its file and position; the other
rules still run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from kqlhunt import prefilter
from kqlhunt.alerts.build import build_alerts
from kqlhunt.alerts.model import Alert
from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlError, KqlHuntError, RuleError, SourcePosition
from kqlhunt.kql.references import tables_read
from kqlhunt.rules.model import AnalyticRule

log = logging.getLogger(__name__)


@dataclass
class RuleOutcome:
    """What one rule did: its alerts, or the error that stopped it, and mapping warnings."""

    rule: AnalyticRule
    alerts: list[Alert] = field(default_factory=list)
    error: KqlHuntError | None = None
    warnings: list[RuleError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def rule_error_position(rule: AnalyticRule, error: KqlError) -> SourcePosition | None:
    """Where a query error sits in the rule file: the query line shifted to the file's line."""
    if error.position is None:
        return None
    p = error.position
    line, column = rule.file_position(p.line, p.column)
    return SourcePosition(line, column or p.column, p.line_text, rule.path)


def run_rule(engine: Engine, rule: AnalyticRule) -> RuleOutcome:
    """Compile and run one rule's query and turn its rows into alerts."""
    try:
        result = engine.query(rule.query, source_name=rule.path)
    except KqlError as error:
        return RuleOutcome(rule, error=error.at(rule_error_position(rule, error)))
    except KqlHuntError as error:
        return RuleOutcome(rule, error=error)
    batch = build_alerts(rule, result)
    return RuleOutcome(rule, alerts=batch.alerts, warnings=batch.warnings)


def unfilled_reads(
    outcomes: Sequence[RuleOutcome], tables: Mapping[str, TableData]
) -> dict[str, list[str]]:
    """The rules that ran without an alert while every table they read is empty: no log given
    fills it (a table kqlhunt knows but no source fills, or one the logs had no event for).
    Such a rule says nothing about the data, which a user must not take for "clean".

    Returns:
        Rule name to the tables it reads, in name order; rules that read a table with rows, or
        no table at all, are left out.
    """
    found: dict[str, list[str]] = {}
    for outcome in outcomes:
        if not outcome.ok or outcome.alerts:
            continue
        read = tables_read(outcome.rule.query, tables) - {"_GetWatchlist"}
        if read and not any(len(tables[name]) for name in read if name in tables):
            found[outcome.rule.name] = sorted(read)
    return found


def hunt(
    rules: Iterable[AnalyticRule],
    tables: Iterable[TableData],
    *,
    now: datetime | None = None,
    engine: str | None = None,
) -> list[RuleOutcome]:
    """Run each rule once over all the data.

    Args:
        rules: The rules to run.
        tables: The normalized tables (`imProcessCreate` and any others).
        now: The instant `now()` and `ago()` see; the wall clock when None.
        engine: The backend to run on.

    Returns:
        One outcome per rule, in the order given.
    """
    rules, tables = list(rules), list(tables)
    runner = Engine(tables, backend=engine, now=now)
    try:
        # One scan for many rules: rules that start by filtering on literals run over the rows
        # that meet their own filters (results are unchanged; see kqlhunt.prefilter).
        narrowing = prefilter.plan([r.query for r in rules], tables) if len(rules) > 1 else None
        if narrowing is None or runner.backend.name != "duckdb":
            return [_run_logged(runner, rule) for rule in rules]
        given = {t.name: t for t in tables}
        outcomes: dict[int, RuleOutcome] = {}
        for rows, indices in _groups(narrowing, given):
            with runner.rows_replaced(rows) if rows is not None else nullcontext():
                for index in indices:
                    outcomes[index] = _run_logged(runner, rules[index])
        return [outcomes[i] for i in range(len(rules))]
    finally:
        runner.close()


def _run_logged(engine: Engine, rule: AnalyticRule) -> RuleOutcome:
    outcome = run_rule(engine, rule)
    if outcome.error is not None:
        log.debug("rule %s failed: %s", rule.path, outcome.error)
    return outcome


def _groups(
    narrowing: prefilter.Narrowing, given: Mapping[str, TableData]
) -> Iterator[tuple[TableData | None, list[int]]]:
    """Rules (by index) grouped by the rows they run over: None for the full tables, first,
    then each set of own rows, made only when its group is due (one set in memory at a time)."""
    full: list[int] = []
    by_rows: dict[tuple[str, bytes], tuple[prefilter.OwnRows, list[int]]] = {}
    for index, own in enumerate(narrowing.own_rows):
        if own is None or (own.mask is None and narrowing.bases[own.table] is given[own.table]):
            full.append(index)
        else:
            by_rows.setdefault((own.table, own.key), (own, []))[1].append(index)
    if full:
        yield None, full
    for own, indices in by_rows.values():
        yield own.of(narrowing.bases[own.table]), indices
