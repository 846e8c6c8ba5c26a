"""Terminal and machine output of the CLI: result tables, the hunt summary, errors."""

from __future__ import annotations

import csv
import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kqlhunt.alerts.model import json_value
from kqlhunt.errors import KqlHuntError, UnsupportedKqlError
from kqlhunt.hunt import RuleOutcome
from kqlhunt.normalize import IngestStats, Skipped
from kqlhunt.result import QueryResult, Timespan
from kqlhunt.terminal import shown

if TYPE_CHECKING:
    from kqlhunt.workspace import IngestReport

# How many skipped entries (and empty files) the summary lists one by one before it only
# counts them.
SKIPPED_SHOWN = 10

# How many tables the line about rules over tables no log fills names before it counts them.
UNFILLED_SHOWN = 6


def cell_text(value: Any) -> str:
    """A value as Kusto prints it in a result grid."""
    if value is None:
        return ""
    if isinstance(value, Timespan):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-inf" if value < 0 else "inf")
    rendered = json_value(value)
    if isinstance(rendered, bool):
        return "true" if rendered else "false"
    if isinstance(rendered, list | dict):
        return json.dumps(rendered, ensure_ascii=False)
    return str(rendered)


def result_table(result: QueryResult) -> Table:
    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(shown(column.name), overflow="fold")
    for row in result.rows:
        table.add_row(*(shown(cell_text(v)) for v in row))
    return table


def write_result(result: QueryResult, fmt: str, console: Console, stream: TextIO) -> None:
    if fmt == "table":
        console.print(result_table(result))
        return
    if fmt == "jsonl":
        for record in result.records():
            row = {
                k: json_value(v) if not isinstance(v, Timespan) else str(v)
                for k, v in record.items()
            }
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.writer(stream)
    writer.writerow(result.column_names)
    for values in result.rows:
        writer.writerow([cell_text(v) for v in values])


def error_text(error: KqlHuntError) -> str:
    return str(error)


def print_error(console: Console, error: KqlHuntError, prefix: str = "error") -> None:
    console.print(Text(f"{prefix}: {error_text(error)}", style="red"))


def print_ingest_summary(console: Console, stats: IngestStats) -> None:
    """The files met, split so that the parts add up to them (read, empty, duplicates passed
    over, unreadable, not logs); the events read; what was skipped; then the empty and skipped
    files one by one."""
    empty = len(stats.empty_files)
    duplicate = stats.files_duplicate
    met = stats.files_read + duplicate + stats.files_failed + stats.files_ignored
    line = (
        f"{met} file{_s(met)}: {stats.files_read - empty} read, {empty} empty,"
        f"{f' {duplicate} duplicate{_s(duplicate)},' if duplicate else ''}"
        f" {stats.files_failed} unreadable, {stats.files_ignored} not logs;"
        f" {stats.events_read} event{_s(stats.events_read)},"
        f" {stats.process_events} process creation{_s(stats.process_events)};"
        f" skipped {skipped_counts(stats.skipped)}."
    )
    console.print(Text(line))
    _print_listed(console, [f"  {path} is empty" for path in stats.empty_files], None)
    lines = [f"  skipped {s.path}: {s.position}: {s.reason}" for s in stats.skipped]
    _print_listed(console, lines, "yellow")


def print_workspace_summary(console: Console, path: Path, report: IngestReport) -> None:
    """What an ingest added, and what it left out as already in the workspace or as a
    duplicate within this input."""
    stats = report.stats
    events_repeated = stats.events_duplicate - report.events_in_workspace
    files_repeated = stats.files_duplicate - report.files_in_workspace
    console.print(
        Text(
            f"Workspace {path}: {stats.process_events} new process event{_s(stats.process_events)}"
            f" ({report.events_in_workspace} already in the workspace,"
            f" {events_repeated} duplicate{_s(events_repeated)} within this input);"
            f" {report.files_in_workspace} file{_s(report.files_in_workspace)} already in the"
            f" workspace, {files_repeated} duplicate file{_s(files_repeated)} within this input;"
            f" rows per table: {report.workspace.manifest.tables}."
        )
    )


def skipped_counts(skipped: Sequence[Skipped]) -> str:
    """What was skipped, counted in its own unit: `2 chunks, 1 record, 1 file`.

    A position in bytes is where a whole file (or the rest of it) was given up; an EVTX chunk
    holds many records; any other position (record, line, element) is one record.
    """
    units = Counter(_skipped_unit(s.position) for s in skipped)
    if not units:
        return "nothing"
    return ", ".join(f"{count} {unit}{_s(count)}" for unit, count in units.items())


def _skipped_unit(position: str) -> str:
    where = position.removeprefix("after ").split(" ", 1)[0]
    return {"chunk": "chunk", "byte": "file"}.get(where, "record")


def _print_listed(console: Console, lines: Sequence[str], style: str | None) -> None:
    """The first `SKIPPED_SHOWN` lines, or all of them with -v."""
    limit = len(lines) if logging.getLogger("kqlhunt").isEnabledFor(logging.INFO) else SKIPPED_SHOWN
    for line in lines[:limit]:
        console.print(shown(line, style))
    if len(lines) > limit:
        console.print(Text(f"  ... and {len(lines) - limit} more (kqlhunt -v ... lists all)"))


def print_rule_summary(console: Console, outcomes: Sequence[RuleOutcome]) -> None:
    for outcome in outcomes:
        rule = outcome.rule
        if outcome.error is not None:
            label = (
                "uses unsupported KQL"
                if isinstance(outcome.error, UnsupportedKqlError)
                else "failed"
            )
            console.print(Text(f"Rule {rule.name!r} {label}:", style="red"))
            console.print(Text("  " + error_text(outcome.error).replace("\n", "\n  ")))
            continue
        count = len(outcome.alerts)
        console.print(Text(f"Rule {rule.name!r}: {count} alert{_s(count)}."))
        for warning in outcome.warnings:
            console.print(Text(f"  warning: {warning}", style="yellow"))


def print_unfilled_summary(console: Console, unfilled: dict[str, list[str]]) -> None:
    """One line naming the tables that rules read when no log given fills any of them, the
    tables most read first; with -v, the rules one by one."""
    if not unfilled:
        return
    counts = Counter(table for tables in unfilled.values() for table in tables)
    named = sorted(counts, key=lambda table: (-counts[table], table))
    shown_tables = ", ".join(named[:UNFILLED_SHOWN])
    more = f" and {len(named) - UNFILLED_SHOWN} more" if len(named) > UNFILLED_SHOWN else ""
    rules = len(unfilled)
    console.print(
        Text(
            f"{rules} rule{_s(rules)} read only tables no log fills, so no alert could come"
            f" from {'it' if rules == 1 else 'them'}: {shown_tables}{more}.",
            style="yellow",
        )
    )
    if logging.getLogger("kqlhunt").isEnabledFor(logging.INFO):
        for name, tables in unfilled.items():
            console.print(Text(f"  {name}: {', '.join(tables)}"))


def _s(count: int) -> str:
    return "" if count == 1 else "s"
