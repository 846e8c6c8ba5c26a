"""Tuning without editing rules: watchlists that queries read with `_GetWatchlist`, and a tuning
file of exclusions applied to each rule's results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from kqlhunt.alerts.model import Alert
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.tuning.exclusions import (
    CONDITIONS,
    Exclusion,
    ExclusionCount,
    ResultFilter,
    Tuning,
    TuningError,
    apply_tuning,
    load_tuning,
)
from kqlhunt.tuning.watchlists import WatchlistError, load_watchlist, load_watchlists


class Outcome(Protocol):
    """What `tune_outcomes` needs of a rule's outcome (`kqlhunt.hunt.RuleOutcome`)."""

    rule: AnalyticRule
    alerts: list[Alert]


def tune_outcomes(outcomes: Sequence[Outcome], tuning: Tuning, today: date) -> list[ExclusionCount]:
    """Apply each rule's exclusions to its alerts, in place.

    Args:
        outcomes: The rule outcomes of a hunt; their `alerts` lists are replaced.
        tuning: The exclusions, by rule id.
        today: The day that decides which exclusions have expired.

    Returns:
        One count per exclusion of the tuning file, in file order; exclusions of rules that did
        not run count nothing.
    """
    counted: list[ExclusionCount] = []
    for outcome in outcomes:
        exclusions = tuning.for_rule(outcome.rule.id)
        if exclusions:
            outcome.alerts, rule_counts = apply_tuning(outcome.alerts, exclusions, today)
            counted += rule_counts
    return in_file_order(tuning, counted, today)


def unknown_rules(tuning: Tuning, rules: Iterable[AnalyticRule]) -> dict[str, list[Exclusion]]:
    """The exclusions of rule ids that none of `rules` has, by the id as the file spells it."""
    known = {rule.id.lower() for rule in rules}
    return {
        group[0].rule_id: group
        for rule_id, group in tuning.exclusions.items()
        if group and rule_id not in known
    }


def result_filters(
    rules: Iterable[AnalyticRule], tuning: Tuning, today: date
) -> dict[str, ResultFilter]:
    """Each tuned rule's exclusions as a filter on its results, by rule id, for a replay."""
    return {
        rule.id: ResultFilter(rule, exclusions, today)
        for rule in rules
        if (exclusions := tuning.for_rule(rule.id))
    }


def in_file_order(
    tuning: Tuning, counted: Iterable[ExclusionCount], today: date
) -> list[ExclusionCount]:
    """One count per exclusion of the tuning file, in file order, adding up the counts of an
    exclusion that applied more than once (several rules share an id)."""
    totals: dict[int, ExclusionCount] = {}
    for count in counted:
        total = totals.setdefault(id(count.exclusion), ExclusionCount(count.exclusion))
        total.removed += count.removed
        total.expired = count.expired
    return [totals.get(id(e)) or ExclusionCount(e, expired=e.expired(today)) for e in tuning]


__all__ = [
    "CONDITIONS",
    "Exclusion",
    "ExclusionCount",
    "ResultFilter",
    "Tuning",
    "TuningError",
    "WatchlistError",
    "apply_tuning",
    "in_file_order",
    "load_tuning",
    "load_watchlist",
    "load_watchlists",
    "result_filters",
    "tune_outcomes",
    "unknown_rules",
]
