"""Scheduled replay: run rules as Sentinel would, window by window, with trigger, suppression,
event grouping and incident grouping."""

from __future__ import annotations

from kqlhunt.schedule.incidents import Incident, group_incidents
from kqlhunt.schedule.replay import ReplayOutcome, Run, replay, replay_rule, schedule_of
from kqlhunt.schedule.windows import Window, run_windows, triggered

__all__ = [
    "Incident",
    "ReplayOutcome",
    "Run",
    "Window",
    "group_incidents",
    "replay",
    "replay_rule",
    "run_windows",
    "schedule_of",
    "triggered",
]
