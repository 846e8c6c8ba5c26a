"""`kqlhunt lint`: check rule files and print findings as `file:line: severity [kind] message`.

Exit codes: 0 no error finding, 1 at least one error finding, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from kqlhunt.report.console import make_console
from kqlhunt.types import KqlType

# The linter is imported when the command runs: every other command starts faster without it.
if TYPE_CHECKING:
    from kqlhunt.lint import LintReport

_STYLES = {"error": "red", "warning": "yellow", "info": "dim"}


@click.command("lint")
@click.argument("rules", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--min-severity",
    type=click.Choice(["info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Show findings of this severity and above (info adds tables not available here).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="One finding per line as text, or as JSON objects.",
)
@click.option("--summary/--no-summary", default=True, help="Counts by kind on stderr.")
@click.option(
    "--watchlists",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of watchlist CSV files, so queries using _GetWatchlist are checked too.",
)
def lint_command(
    rules: tuple[Path, ...], min_severity: str, fmt: str, summary: bool, watchlists: Path | None
) -> None:
    """Check Sentinel rule files (YAML or .kql) against the format, ATT&CK and their query."""
    from kqlhunt.lint import FindingSeverity, lint_paths
    from kqlhunt.lint.query import LOCAL_TABLES

    tables: dict[str, Mapping[str, KqlType]] = dict(LOCAL_TABLES)
    if watchlists is not None:
        from kqlhunt.tuning import WatchlistError, load_watchlists

        try:
            tables |= {t.name: t.columns for t in load_watchlists(watchlists)}
        except WatchlistError as error:
            raise click.BadParameter(str(error), param_hint="--watchlists") from error
    report = lint_paths(rules, tables)
    floor = FindingSeverity(min_severity).rank
    shown = [f for f in report.findings if f.severity.rank >= floor]
    out = make_console(soft_wrap=True)
    for finding in shown:
        if fmt == "jsonl":
            sys.stdout.write(json.dumps(finding.to_json(), ensure_ascii=False) + "\n")
        else:
            out.print(Text(str(finding), style=_STYLES[finding.severity.value]))
    if summary:
        make_console(stderr=True).print(summary_table(report))
    sys.exit(1 if report.errors else 0)


def summary_table(report: LintReport) -> Table:
    """Counts of findings by severity and kind, with the number of files."""
    from kqlhunt.lint import FindingSeverity

    table = Table(title=f"{report.files} rule files", title_justify="left")
    table.add_column("severity")
    table.add_column("kind")
    table.add_column("findings", justify="right")
    table.add_column("files", justify="right")
    files: dict[tuple[str, str], set[str]] = {}
    for finding in report.findings:
        files.setdefault((finding.severity.value, finding.kind), set()).add(finding.path)
    order = sorted(
        report.counts().items(), key=lambda item: (-FindingSeverity(item[0][0]).rank, -item[1])
    )
    for (severity, kind), count in order:
        table.add_row(
            Text(severity, style=_STYLES[severity]),
            kind,
            str(count),
            str(len(files[(severity, kind)])),
        )
    return table
