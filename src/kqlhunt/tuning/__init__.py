"""Tuning without editing rules: watchlists that queries read with `_GetWatchlist`, and a tuning
file of exclusions applied to each rule's results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from kqlhunt.alerts.model import Alert
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.tuning.exclusions import (
    CONDITIONS,
    Exclusion,
    ExclusionCount,
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
    counts: dict[int, ExclusionCount] = {}
    for outcome in outcomes:
        exclusions = tuning.for_rule(outcome.rule.id)
        if not exclusions:
            continue
        outcome.alerts, rule_counts = apply_tuning(outcome.alerts, exclusions, today)
        for count in rule_counts:
            previous = counts.get(id(count.exclusion))
            if previous is not None:
                count.removed += previous.removed
            counts[id(count.exclusion)] = count
    return [counts.get(id(e)) or ExclusionCount(e, expired=e.expired(today)) for e in tuning]


__all__ = [
    "CONDITIONS",
    "Exclusion",
    "ExclusionCount",
    "Tuning",
    "TuningError",
    "WatchlistError",
    "apply_tuning",
    "load_tuning",
    "load_watchlist",
    "load_watchlists",
    "tune_outcomes",
]
