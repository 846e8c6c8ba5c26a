"""The tuning part of a hunt's summary: what each exclusion removed, and which had expired."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from kqlhunt.tuning.exclusions import ExclusionCount


def print_tuning_summary(console: Console, path: str, counts: Sequence[ExclusionCount]) -> None:
    """One line per exclusion: the results it removed, or that it expired and was ignored."""
    removed = sum(c.removed for c in counts)
    console.print(
        Text(f"Tuning {path}: {len(counts)} exclusion{_s(len(counts))}, removed {removed}.")
    )
    for count in counts:
        exclusion = count.exclusion
        if count.expired:
            line = f"  expired {exclusion.expires}, ignored: {exclusion.label}"
            console.print(Text(line, style="yellow"))
        else:
            console.print(Text(f"  removed {count.removed}: {exclusion.label}"))


def print_unknown_rules(console: Console, path: str, unknown: Mapping[str, Sequence[Any]]) -> None:
    """A warning per rule id of the tuning file that no loaded rule has: its exclusions can
    remove nothing (a typo, or a rule left out of `--rules`)."""
    for rule_id, exclusions in unknown.items():
        line = (
            f"warning: {path}: no rule loaded has the id {rule_id};"
            f" its {len(exclusions)} exclusion{_s(len(exclusions))} remove"
            f"{'s' if len(exclusions) == 1 else ''} nothing."
        )
        console.print(Text(line, style="yellow"))


def tuning_json(path: str, counts: Sequence[ExclusionCount]) -> dict[str, Any]:
    """The tuning summary as a JSON object: `{"tuning": {"file": ..., "exclusions": [...]}}`."""
    return {"tuning": {"file": path, "exclusions": [c.to_json() for c in counts]}}


def _s(count: int) -> str:
    return "" if count == 1 else "s"
