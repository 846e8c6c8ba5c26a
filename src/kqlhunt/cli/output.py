"""Terminal and machine output of the CLI: result tables, the hunt summary, errors."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kqlhunt.alerts.model import json_value
from kqlhunt.errors import KqlHuntError, UnsupportedKqlError
from kqlhunt.hunt import RuleOutcome
from kqlhunt.normalize import IngestStats
from kqlhunt.result import QueryResult, Timespan

# How many skipped records the summary lists one by one before it only counts them.
SKIPPED_SHOWN = 10


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
        table.add_column(column.name, overflow="fold")
    for row in result.rows:
        table.add_row(*(Text(cell_text(v)) for v in row))
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
    line = (
        f"Read {stats.files_read} file{_s(stats.files_read)}"
        f" ({stats.files_failed} unreadable, {stats.files_ignored} not logs),"
        f" {stats.events_read} event{_s(stats.events_read)},"
        f" {stats.process_events} process creation{_s(stats.process_events)};"
        f" skipped {len(stats.skipped)} record{_s(len(stats.skipped))}."
    )
    console.print(Text(line))
    for skipped in stats.skipped[:SKIPPED_SHOWN]:
        console.print(
            Text(f"  skipped {skipped.path}: {skipped.position}: {skipped.reason}", style="yellow")
        )
    if len(stats.skipped) > SKIPPED_SHOWN:
        console.print(
            Text(f"  ... and {len(stats.skipped) - SKIPPED_SHOWN} more (use -v to list all)")
        )


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


def _s(count: int) -> str:
    return "" if count == 1 else "s"
