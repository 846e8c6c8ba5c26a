"""`kqlhunt parity`: how kqlhunt compares with Microsoft's own KQL parser on a rule corpus.

Exit codes: 0 full acceptance parity and no failing process-event query, 1 otherwise, 2 when
the analyzer cannot run or no rule loads.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from kqlhunt.report.console import make_console
from kqlhunt.rules.loader import load_rules

# The parity check is imported when the command runs: every other command starts faster
# without it.
if TYPE_CHECKING:
    from kqlhunt.parity.report import ParityReport

_ANALYZER_HELP = (
    "Folder whose node_modules holds Microsoft's parser (`npm install "
    "@kusto/language-service-next` there); default $KQLHUNT_ANALYZER, else the current folder."
)


@click.command("parity")
@click.argument("rules", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--analyzer", type=click.Path(file_okay=False, path_type=Path), help=_ANALYZER_HELP)
@click.option("--details/--no-details", default=True, help="List every disagreement and failure.")
def parity_command(rules: tuple[Path, ...], analyzer: Path | None, details: bool) -> None:
    """Compare kqlhunt with Microsoft's KQL analyzer on every rule query: acceptance, result
    columns, and which process-event and ASIM queries run on an empty workspace."""
    from kqlhunt.parity.oracle import OracleUnavailableError
    from kqlhunt.parity.report import parity_report

    err = make_console(stderr=True)
    folder = analyzer or Path(os.environ.get("KQLHUNT_ANALYZER", "."))
    loaded = load_rules(rules)
    if not loaded.rules:
        err.print(f"error: no rule query loaded from {', '.join(map(str, rules))}")
        sys.exit(2)
    try:
        report = parity_report(loaded.rules, folder)
    except OracleUnavailableError as error:
        err.print(f"error: {error}")
        sys.exit(2)
    out = make_console(soft_wrap=True)
    out.print(figures_table(report, len(loaded.errors)))
    gaps = report.gaps()
    if gaps:
        table = Table(title="Named gaps stopping process-event and ASIM queries")
        table.add_column("gap")
        table.add_column("queries", justify="right")
        for gap, count in gaps.most_common():
            table.add_row(gap, str(count))
        out.print(table)
    problems = report.problems()
    if details:
        for query_id, kind, detail in problems:
            click.echo(f"{query_id} [{kind}]: {detail.splitlines()[0]}")
    agrees, total = report.figures()["acceptance agrees with the analyzer"]
    failing = any(kind in ("parse", "run") for _, kind, _ in problems)
    sys.exit(0 if agrees == total and not failing else 1)


def figures_table(report: ParityReport, unloaded: int) -> Table:
    title = f"{len(report.verdicts)} rule queries"
    if unloaded:
        title += f" ({unloaded} rule files not loaded)"
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("queries", justify="right")
    table.add_column("of", justify="right")
    table.add_column("share", justify="right")
    for name, (count, total) in report.figures().items():
        share = f"{100 * count / total:.1f}%" if total else "-"
        table.add_row(name, str(count), str(total), share)
    return table
