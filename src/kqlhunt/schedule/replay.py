"""Replay scheduled rules as Sentinel would have run them over the data's time range."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kqlhunt.alerts.model import Alert
from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlError, KqlHuntError
from kqlhunt.hunt import RuleOutcome
from kqlhunt.rules.model import AnalyticRule, RuleKind
from kqlhunt.schedule.alerts import run_alerts
from kqlhunt.schedule.incidents import Incident, group_incidents
from kqlhunt.schedule.windows import (
    EventTimes,
    Window,
    run_windows,
    time_range,
    triggered,
    window_table,
)
from kqlhunt.tuning.exclusions import ResultFilter

log = logging.getLogger(__name__)

# NRT rules run every minute over the last minute or so; replayed on this grid.
NRT_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Run:
    """One scheduled run: its window, result count, and what happened."""

    window: Window
    count: int
    triggered: bool
    suppressed: bool
    alerts: int


@dataclass
class ReplayOutcome:
    """What a rule did over the replay: its runs, alerts and incidents, or its error."""

    rule: AnalyticRule
    runs: list[Run] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    error: KqlHuntError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def schedule_of(rule: AnalyticRule) -> tuple[timedelta, timedelta] | None:
    """(frequency, period) of a rule Sentinel runs by itself; None for hunting queries."""
    if rule.kind is RuleKind.NRT:
        return NRT_INTERVAL, NRT_INTERVAL
    if rule.query_frequency is not None and rule.query_period is not None:
        return rule.query_frequency, rule.query_period
    return None


def replay_rule(
    rule: AnalyticRule,
    tables: Iterable[TableData],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    engine: str | None = None,
    result_filter: ResultFilter | None = None,
) -> ReplayOutcome:
    """Run the rule every queryFrequency over the last queryPeriod across the time range.

    Each run sees only the events whose `TimeGenerated` is in its window, with `now()` pinned
    to the window's end. A run raises alerts when its result count passes the trigger; after a
    triggered run, with suppression on, runs inside `suppressionDuration` raise none.

    Runs whose window holds no event are not executed once one such run has returned no row
    and fired nothing: a query over no events is taken to answer the same at every `now()`.
    (A rule whose trigger fires on few rows, `lt` or `eq 0`, still runs every window.)

    Args:
        rule: A scheduled or NRT rule.
        tables: All the data; tables without `TimeGenerated` (watchlists) are seen whole.
        start, end: The range to replay; by default that of the data.
        engine: The backend.
        result_filter: Removes excluded result rows (a tuning file's exclusions) from each
            run's result before the trigger counts it.
    """
    outcome = ReplayOutcome(rule)
    schedule = schedule_of(rule)
    tables = list(tables)
    bounds = time_range(tables)
    if schedule is None or bounds is None:
        return outcome
    frequency, period = schedule
    windows = run_windows(start or bounds[0], end or bounds[1], frequency, period)

    runner = Engine(tables, backend=engine, now=windows[0].end)
    events = EventTimes(tables)
    idle: bool | None = None  # whether a run over no events returns nothing and fires nothing
    suppressed_until: datetime | None = None
    try:
        for window in windows:
            empty = not events.any_within(window)
            if empty and idle:
                outcome.runs.append(Run(window, 0, False, False, 0))
                continue
            runner.add_tables(window_table(t, window) for t in tables)
            runner.now = window.end
            try:
                rows = list(runner.query(rule.query, source_name=rule.path).records())
            except KqlError as error:
                outcome.error = error
                return outcome
            if result_filter is not None:
                rows = result_filter(rows, window.end)
            fired = triggered(rule.trigger_operator, rule.trigger_threshold, len(rows))
            if empty and idle is None:
                idle = not rows and not fired
            suppressed = suppressed_until is not None and window.end < suppressed_until
            alerts = run_alerts(rule, rows, window) if fired and not suppressed else []
            if alerts and rule.suppression_enabled and rule.suppression_duration:
                suppressed_until = window.end + rule.suppression_duration
            outcome.alerts.extend(alerts)
            outcome.runs.append(Run(window, len(rows), fired, fired and suppressed, len(alerts)))
    except KqlHuntError as error:
        outcome.error = error
    finally:
        runner.close()
    outcome.incidents = group_incidents(rule, outcome.alerts, prefix=f"{rule.id[:8]}-")
    return outcome


def replay(
    rules: Iterable[AnalyticRule],
    tables: Iterable[TableData],
    *,
    engine: str | None = None,
    filters: Mapping[str, ResultFilter] | None = None,
) -> list[ReplayOutcome]:
    """Replay every scheduled and NRT rule; hunting queries have no schedule and are skipped.
    `filters` holds each tuned rule's result filter, by rule id."""
    tables = list(tables)
    outcomes = []
    for rule in rules:
        if schedule_of(rule) is None:
            log.info("rule %s has no schedule; not replayed", rule.path)
            continue
        result_filter = (filters or {}).get(rule.id)
        outcomes.append(replay_rule(rule, tables, engine=engine, result_filter=result_filter))
    return outcomes


def replay_outcomes(
    rules: Iterable[AnalyticRule],
    tables: Iterable[TableData],
    *,
    engine: str | None = None,
    filters: Mapping[str, ResultFilter] | None = None,
) -> list[RuleOutcome]:
    """`replay` in the shape of `kqlhunt.hunt.hunt`'s outcomes, for the CLI's summary."""
    return [
        RuleOutcome(o.rule, alerts=o.alerts, error=o.error)
        for o in replay(rules, tables, engine=engine, filters=filters)
    ]
