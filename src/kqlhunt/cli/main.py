"""The `kqlhunt` command.

Exit codes:
    0  the run completed and raised no alert (for `query`: the query ran)
    1  the run completed and raised at least one alert
    2  usage error, or nothing could run (no rule loaded, no log file could be read, the query
       failed)
    3  the run completed but some rule files or rule queries failed (alerts may still exist)
    130  interrupted (Ctrl-C)
    141  the reader of the output went away (a closed pipe, as in `| head -1`)
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click
from rich.console import Console
from rich.logging import RichHandler

from kqlhunt import __version__
from kqlhunt.catalog import TableData
from kqlhunt.cli.output import (
    print_error,
    print_ingest_summary,
    print_rule_summary,
    print_unfilled_summary,
    print_workspace_summary,
    write_result,
)
from kqlhunt.cli.streams import QuietExitGroup
from kqlhunt.compiler import compile_query
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlHuntError
from kqlhunt.hunt import RuleOutcome, hunt, unfilled_reads
from kqlhunt.kql.literals import parse_datetime
from kqlhunt.kql.parser import parse_query
from kqlhunt.normalize import (
    FORMAT_NAMES,
    IngestStats,
    LogFormat,
    LogRead,
    read_logs,
)
from kqlhunt.normalize.tables import table_schemas
from kqlhunt.report.console import make_console
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.samples import sample_logs

if TYPE_CHECKING:
    from kqlhunt.rules.model import AnalyticRule
    from kqlhunt.tuning import ExclusionCount, Tuning
    from kqlhunt.workspace import IngestReport

EXIT_OK, EXIT_ALERTS, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3

log = logging.getLogger("kqlhunt")


def _stderr() -> Console:
    return make_console(stderr=True, soft_wrap=True)


def _now(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise click.BadParameter(f"not a datetime: {value!r}", param_hint="--now")
    return parsed


def _read(paths: tuple[Path, ...], err: Console, log_format: str | None = None) -> LogRead:
    fmt = FORMAT_NAMES[log_format] if log_format else None
    return _summarized(paths, read_logs(paths, log_format=fmt, dedupe=True), err)


def _summarized(paths: tuple[Path, ...], logs: LogRead, err: Console) -> LogRead:
    """Print what reading the logs counted; stop when logs were given and none could be read."""
    stats = logs.stats
    print_ingest_summary(err, stats)
    if paths and _nothing_read(stats):
        met = stats.files_read + stats.files_failed + stats.files_ignored + stats.files_duplicate
        found = f"none of the {met} files found" if met else "no file found"
        err.print(
            f"error: {found} under the paths given is a log that could be read; nothing was run.",
            style="red",
        )
        sys.exit(EXIT_USAGE)
    return logs


def _nothing_read(stats: IngestStats) -> bool:
    """Whether no event was read and every file met was unreadable, not a log, or a log whose
    every record was skipped. An empty file, or a log without records, was read (as nothing)."""
    if stats.events_read:
        return False
    # Each unreadable file has one skipped entry of its own; the other files named in skipped
    # entries were recognised as logs, but their records were all broken.
    broken = len({skipped.path for skipped in stats.skipped}) - stats.files_failed
    return stats.files_read <= broken


def _tables(
    paths: tuple[Path, ...], workspace: Path | None, log_format: str | None, err: Console
) -> list[TableData]:
    """The tables to run over: the workspace's, with any raw paths read in memory beside them
    (their events in the same tables, events already in the workspace left out)."""
    if workspace is None:
        return list(_read(paths, err, log_format).tables.values())
    from kqlhunt.workspace import Workspace, WorkspaceError

    try:
        stored = Workspace(workspace)
    except WorkspaceError as error:
        raise click.BadParameter(str(error), param_hint="--workspace") from error
    counts = ", ".join(f"{n} {name}" for name, n in stored.manifest.tables.items() if n)
    err.print(f"Workspace {workspace}: {counts or 'no rows'}.")
    if not paths:
        return list(stored.tables().values())
    fmt = FORMAT_NAMES[log_format] if log_format else None
    return list(_summarized(paths, stored.tables_with(paths, log_format=fmt), err).tables.values())


_workspace_option = click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run over the tables of this workspace (see `kqlhunt ingest`).",
)
_log_format_option = click.option(
    "--log-format",
    type=click.Choice(sorted(FORMAT_NAMES)),
    help="Read every log file in this format instead of telling it from the content.",
)
_watchlists_option = click.option(
    "--watchlists",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of watchlist CSV files, read by queries as _GetWatchlist('<file name>').",
)


def _holds_rules_only(path: Path) -> bool:
    """Whether a folder given as logs holds rule files and nothing that could be a log: a
    second rule folder given after `--rules`, which takes one path per use."""
    if not path.is_dir():
        return False
    from kqlhunt.normalize.ingest import is_log_candidate
    from kqlhunt.rules.loader import RULE_SUFFIXES

    rules = False
    for file in path.rglob("*"):  # stops at the first file that may be a log
        if file.is_file() and not file.name.startswith("."):  # as hunting passes them over
            if is_log_candidate(file):
                return False
            rules = rules or file.suffix.lower() in RULE_SUFFIXES
    return rules


def _watchlist_tables(folder: Path | None) -> list[TableData]:
    if folder is None:
        return []
    from kqlhunt.tuning import WatchlistError, load_watchlists

    try:
        return load_watchlists(folder)
    except WatchlistError as error:
        raise click.BadParameter(str(error), param_hint="--watchlists") from error


@click.group(cls=QuietExitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kqlhunt")
@click.option("-v", "--verbose", count=True, help="Log more: -v info, -vv debug (compiled SQL).")
def main(verbose: int) -> None:
    """Run Microsoft Sentinel KQL rules over endpoint logs, without a workspace."""
    _log_at(verbose)


def _log_at(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = RichHandler(console=_stderr(), show_path=False, show_time=False)
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)


def _verbose_after_command(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """`-v` given after the command name counts with any given before it."""
    if value:
        _log_at(ctx.find_root().params.get("verbose", 0) + value)


def _check_now(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Reject a bad --now before any log is read."""
    _now(value)
    return value


_now_option = click.option(
    "--now",
    metavar="DATETIME",
    callback=_check_now,
    help="Pin now() and ago() to this UTC instant (ISO 8601) for reproducible runs.",
)
_engine_option = click.option(
    "--engine",
    default="duckdb",
    show_default=True,
    type=click.Choice(["duckdb", "spark"]),
    help="Execution backend. Spark needs `pip install 'kqlhunt[spark]'` and Java 17; its master "
    "URL comes from --spark-master, else KQLHUNT_SPARK_MASTER (default local[*]).",
)
_spark_master_option = click.option(
    "--spark-master",
    metavar="URL",
    help="Spark master URL for --engine spark (local[N], spark://host:7077, yarn, k8s://...). "
    "Default: KQLHUNT_SPARK_MASTER, else local[*].",
)


def _spark_settings(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    """--spark-conf KEY=VALUE options as a dict of settings."""
    settings: dict[str, str] = {}
    for value in values:
        key, equals, setting = value.partition("=")
        if not equals or not key.strip().startswith("spark."):
            raise click.BadParameter(f"{value!r} is not KEY=VALUE with a spark.* key")
        settings[key.strip()] = setting
    return settings


_spark_conf_option = click.option(
    "--spark-conf",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_spark_settings,
    help="A Spark setting for --engine spark, as spark-submit's --conf (repeatable): "
    "spark.executor.memory=8g, spark.executor.instances=20, spark.sql.shuffle.partitions=200...",
)


def _check_spark_master(engine: str, spark_master: str | None, spark_conf: dict[str, str]) -> None:
    """--spark-master and --spark-conf belong to --engine spark only."""
    if engine != "spark":
        if spark_master is not None:
            raise click.UsageError("--spark-master needs --engine spark")
        if spark_conf:
            raise click.UsageError("--spark-conf needs --engine spark")


def _use_spark_master(
    engine: str, spark_master: str | None, spark_conf: dict[str, str], err: Console
) -> None:
    """Point the Spark engine of `hunt` and `query` at `spark_master`, with `spark_conf`: the
    session of the process starts now with the settings, and every engine then uses it."""
    _check_spark_master(engine, spark_master, spark_conf)
    if spark_master is not None:
        os.environ["KQLHUNT_SPARK_MASTER"] = spark_master
    if spark_conf:
        from kqlhunt.backends.spark import spark_session

        with _stopped_on(err):
            spark_session(spark_master, spark_conf)


@main.command("hunt")
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Rule file or folder (repeatable). Default: the rules shipped with kqlhunt.",
)
@click.option("--samples", is_flag=True, help="Hunt the sample logs shipped with kqlhunt.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv", "ocsf", "html"]),
    default="table",
    show_default=True,
    help="Alerts as a table with a summary by rule, severity and host; JSON Lines; CSV; OCSF "
    "Detection Findings (JSON Lines); or a self-contained HTML report.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    callback=lambda _context, _parameter, path: _check_output(path),
    help="Write the alerts to this file instead of stdout (for html, the report file).",
)
@_now_option
@_engine_option
@_spark_master_option
@_spark_conf_option
@click.option(
    "--schedule",
    is_flag=True,
    help="Replay scheduled and NRT rules as Sentinel runs them: every queryFrequency over the "
    "last queryPeriod, with trigger, suppression and grouping.",
)
@_workspace_option
@_log_format_option
@_watchlists_option
@click.option(
    "--tuning",
    "tuning_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file of exclusions by rule id (see docs/tuning.md).",
)
@click.argument("logs", nargs=-1, type=click.Path(exists=True, path_type=Path))
def hunt_command(
    rule_paths: tuple[Path, ...],
    samples: bool,
    fmt: str,
    output_path: Path | None,
    now: str | None,
    engine: str,
    spark_master: str | None,
    spark_conf: dict[str, str],
    schedule: bool,
    workspace: Path | None,
    log_format: str | None,
    watchlists: Path | None,
    tuning_path: Path | None,
    logs: tuple[Path, ...],
) -> None:
    """Hunt LOGS (files, folders or archives of logs), or a --workspace, with Sentinel rules."""
    err = _stderr()
    _use_spark_master(engine, spark_master, spark_conf, err)
    if samples:
        logs = (*logs, *sample_logs())
    if not logs and workspace is None:
        raise click.UsageError("give log files or folders to hunt, --workspace, or --samples")

    rules = load_rules(rule_paths or [bundled_rules_dir()])
    for error in rules.errors:
        print_error(err, error, "rule file")
    if not rules.rules:
        err.print("No rule could be loaded.")
        sys.exit(EXIT_USAGE)
    tuning = _tuning(tuning_path, rules.rules, err)
    for path in logs:
        if _holds_rules_only(path):
            err.print(
                f"note: {path} holds rule files and no logs; to hunt with its rules, give it as"
                " --rules (once per folder: --rules A --rules B)",
                markup=False,
                highlight=False,
            )

    tables = _tables(logs, workspace, log_format, err) + _watchlist_tables(watchlists)
    with _stopped_on(err):  # the engine cannot start: no PySpark, no Java, a bad master URL
        if schedule:
            outcomes, tuning_counts = _replay(rules.rules, tables, engine, tuning, _now(now), err)
        else:
            outcomes = hunt(rules, tables, now=_now(now), engine=engine)
            tuning_counts = _apply_tuning(tuning, outcomes, _now(now), err)
    print_rule_summary(err, outcomes)
    print_unfilled_summary(err, unfilled_reads(outcomes, {t.name: t for t in tables}))

    alerts = [alert for outcome in outcomes for alert in outcome.alerts]
    alerts.sort(key=lambda a: (a.time is None, a.time or datetime.min, a.rule_name))
    from kqlhunt.report.output import write_alerts

    with _output(output_path) as stream:
        write_alerts(
            fmt,
            alerts,
            stream,
            outcomes=outcomes,
            tuning_path=tuning.path if tuning is not None else None,
            exclusions=tuning_counts,
        )
    if output_path is not None:
        err.print(f"Wrote {len(alerts)} alert{'' if len(alerts) == 1 else 's'} to {output_path}.")

    failed = bool(rules.errors) or any(not o.ok for o in outcomes)
    if failed and not any(o.ok for o in outcomes):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PARTIAL if failed else EXIT_ALERTS if alerts else EXIT_OK)


@contextmanager
def _stopped_on(err: Console) -> Iterator[None]:
    """An error of kqlhunt's inside the block is printed and ends the command with
    EXIT_USAGE (errors of single rules are their outcomes and never reach here)."""
    try:
        yield
    except KqlHuntError as error:
        print_error(err, error)
        sys.exit(EXIT_USAGE)


def _check_output(path: Path | None) -> Path | None:
    """An --output whose folder is missing is refused before the hunt, not after it."""
    if path is not None and not path.parent.is_dir():
        raise click.BadParameter(f"the folder {str(path.parent)!r} does not exist")
    return path


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as stream:
        yield stream


def _tuning(path: Path | None, rules: list[AnalyticRule], err: Console) -> Tuning | None:
    """The tuning file, with a warning for each rule id in it that no loaded rule has."""
    if path is None:
        return None
    from kqlhunt.tuning import TuningError, load_tuning, unknown_rules
    from kqlhunt.tuning.summary import print_unknown_rules

    try:
        tuning = load_tuning(path)
    except TuningError as error:
        raise click.BadParameter(str(error), param_hint="--tuning") from error
    print_unknown_rules(err, tuning.path, unknown_rules(tuning, rules))
    return tuning


def _replay(
    rules: list[AnalyticRule],
    tables: list[TableData],
    engine: str | None,
    tuning: Tuning | None,
    now: datetime | None,
    err: Console,
) -> tuple[list[RuleOutcome], list[ExclusionCount]]:
    """Replay the scheduled rules; exclusions remove results before each run's trigger."""
    from kqlhunt.schedule.replay import replay_outcomes

    if tuning is None:
        return replay_outcomes(rules, tables, engine=engine), []
    from kqlhunt.tuning import in_file_order, result_filters
    from kqlhunt.tuning.summary import print_tuning_summary

    today = (now or datetime.now(timezone.utc)).date()
    filters = result_filters(rules, tuning, today)
    outcomes = replay_outcomes(rules, tables, engine=engine, filters=filters)
    counts = in_file_order(tuning, (c for f in filters.values() for c in f.counts), today)
    print_tuning_summary(err, tuning.path, counts)
    return outcomes, counts


def _apply_tuning(
    tuning: Tuning | None, outcomes: list[RuleOutcome], now: datetime | None, err: Console
) -> list[ExclusionCount]:
    """Remove excluded results from the outcomes; print what each exclusion removed."""
    if tuning is None:
        return []
    from kqlhunt.tuning import tune_outcomes
    from kqlhunt.tuning.summary import print_tuning_summary

    today = (now or datetime.now(timezone.utc)).date()
    counts = tune_outcomes(outcomes, tuning, today)
    print_tuning_summary(err, tuning.path, counts)
    return counts


@main.command("query")
@click.argument("kql")
@click.argument("logs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--samples", is_flag=True, help="Also read the sample logs shipped with kqlhunt.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@_now_option
@_engine_option
@_spark_master_option
@_spark_conf_option
@_workspace_option
@_log_format_option
@_watchlists_option
def query_command(
    kql: str,
    logs: tuple[Path, ...],
    samples: bool,
    fmt: str,
    now: str | None,
    engine: str,
    spark_master: str | None,
    spark_conf: dict[str, str],
    workspace: Path | None,
    log_format: str | None,
    watchlists: Path | None,
) -> None:
    """Run one KQL query over LOGS (or a --workspace) and print the result. KQL '-' reads the
    query from stdin."""
    err = _stderr()
    _use_spark_master(engine, spark_master, spark_conf, err)
    if kql == "-":
        kql = sys.stdin.read()
    try:
        parse_query(kql)  # a syntax error is reported before any log is read
    except KqlHuntError as error:
        print_error(err, error)
        sys.exit(EXIT_USAGE)
    if samples:
        logs = (*logs, *sample_logs())
    tables = _tables(logs, workspace, log_format, err) + _watchlist_tables(watchlists)
    with _stopped_on(err):
        runner = Engine(tables, backend=engine, now=_now(now))
        try:
            result = runner.query(kql)
        finally:
            runner.close()
    write_result(result, fmt, make_console(), sys.stdout)
    err.print(f"{len(result)} row{'' if len(result) == 1 else 's'}.")


@main.command("ingest")
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--workspace",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The workspace folder (created when missing; appended to when it exists).",
)
@click.option(
    "--format",
    "log_format",
    type=click.Choice(sorted(FORMAT_NAMES)),
    help="Read every file in this format instead of telling it from the content.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Parser processes of the local engine.",
)
@click.option(
    "--engine",
    default="local",
    show_default=True,
    type=click.Choice(["local", "spark"]),
    help="Where files are parsed: parser processes on this machine, or Spark tasks. Spark needs "
    "`pip install 'kqlhunt[spark]'` and Java 17; on a cluster, kqlhunt on every executor and the "
    "logs and workspace at the same path on every machine (shared storage).",
)
@_spark_master_option
@_spark_conf_option
def ingest_command(
    logs: tuple[Path, ...],
    workspace: Path,
    log_format: str | None,
    workers: int,
    engine: str,
    spark_master: str | None,
    spark_conf: dict[str, str],
) -> None:
    """Parse LOGS once into a workspace: Parquet tables by table and day, and a manifest.

    Files already in the workspace (same content) and events already stored are left out. With
    --engine spark the files are parsed by Spark tasks, which write the same workspace.
    """
    from kqlhunt.workspace import WorkspaceError, ingest

    err = _stderr()
    fmt: LogFormat | None = FORMAT_NAMES[log_format] if log_format else None
    _check_ingest_engine(engine, spark_master, spark_conf)
    try:
        if engine == "spark":
            report = _ingest_spark(logs, workspace, fmt, spark_master, spark_conf, err)
        else:
            with _progress(err) as progress:
                report = ingest(logs, workspace, log_format=fmt, workers=workers, progress=progress)
    except WorkspaceError as error:
        raise click.BadParameter(str(error), param_hint="--workspace") from error
    print_ingest_summary(err, report.stats)
    print_workspace_summary(err, workspace, report)


def _check_ingest_engine(engine: str, spark_master: str | None, spark_conf: dict[str, str]) -> None:
    """Reject options that belong to the other ingest engine."""
    context = click.get_current_context()
    workers_given = (
        context.get_parameter_source("workers") is click.core.ParameterSource.COMMANDLINE
    )
    if engine == "spark" and workers_given:
        raise click.UsageError(
            "--workers sets the local parser processes; with --engine spark, Spark's executor "
            "cores do the parsing"
        )
    _check_spark_master(engine, spark_master, spark_conf)


def _ingest_spark(
    logs: tuple[Path, ...],
    workspace: Path,
    log_format: LogFormat | None,
    master: str | None,
    config: dict[str, str],
    err: Console,
) -> IngestReport:
    """Ingest on Spark; a failed Spark job ends the command with its reason."""
    from kqlhunt.errors import BackendError
    from kqlhunt.workspace.spark_ingest import ingest_spark

    try:
        return ingest_spark(logs, workspace, log_format=log_format, master=master, config=config)
    except BackendError as error:
        print_error(err, error)
        sys.exit(EXIT_USAGE)


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar of files, events and throughput on a terminal; nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.completed} files"),
        BarColumn(bar_width=None),
        TextColumn("{task.fields[events]} events, {task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("ingest", total=None, events=0, rate=0.0)
        start = time.monotonic()

        def advance(_name: str, events: int, _kept: int) -> None:
            rate = events / max(time.monotonic() - start, 1e-6)
            bar.update(task, advance=1, events=events, rate=rate)

        yield advance


@main.command("compile")
@click.argument("kql")
@click.option(
    "--dialect", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True
)
@_now_option
def compile_command(kql: str, dialect: str, now: str | None) -> None:
    """Show the SQL a KQL query compiles to, against the schemas of every table kqlhunt knows."""
    if kql == "-":
        kql = sys.stdin.read()
    try:
        compiled = compile_query(kql, table_schemas(), now=_now(now))
    except KqlHuntError as error:
        print_error(_stderr(), error)
        sys.exit(EXIT_USAGE)
    click.echo(compiled.sql.sql(dialect=dialect, pretty=True))


from kqlhunt.cli.lint_command import lint_command  # noqa: E402

main.add_command(lint_command)

from kqlhunt.cli.parity_command import parity_command  # noqa: E402

main.add_command(parity_command)


@main.command("support")
@click.option(
    "--tables",
    is_flag=True,
    help="List the tables queries can read instead (`T | getschema` shows a table's columns).",
)
def support_command(tables: bool) -> None:
    """Print which KQL operators and functions kqlhunt runs, as Markdown."""
    if tables:
        from kqlhunt.normalize.tables import table_schemas

        for name, columns in sorted(table_schemas().items(), key=lambda item: item[0].lower()):
            click.echo(f"{name}\t{len(columns)} columns")
        return
    from kqlhunt.support import support_markdown

    click.echo(support_markdown(), nl=False)


# Every command takes -v as well, so that it may follow the command name.
for _command in main.commands.values():
    _command.params.append(
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            callback=_verbose_after_command,
            help="Log more (as kqlhunt -v): -v info, -vv debug.",
        )
    )

if __name__ == "__main__":  # pragma: no cover
    main()
