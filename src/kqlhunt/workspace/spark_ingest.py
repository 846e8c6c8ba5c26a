"""Ingest on Apache Spark: the input files parsed by Spark tasks, into the workspace that a
local ingest of the same files writes.

The driver lists the files, makes the same groups of consecutive files as the local ingest, and
gives each Spark task a run of consecutive groups. Two jobs read one persisted RDD of parsed
groups:

1. Parse: each task hashes and parses its groups with kqlhunt's readers, as a local parser
   process does (`parse_files`: content the workspace holds is hashed, not parsed). The parsed
   groups stay on the executors (in memory, spilled to their disks); each file's result and the
   event key columns come back to the driver.
2. Write: the driver takes the groups in input order through the local ingest's bookkeeping
   (`_Run.select`): files stored already or repeated are passed over, events stored already or
   met earlier are left out, and everything is counted. What each group keeps is broadcast, and
   each task writes its kept rows as Parquet parts under the workspace with `Workspace.write`
   (the same layout, types and compression), named after this run and the task. The driver then
   records the run in the manifest, which makes the parts part of the workspace.

So every table holds the rows a local ingest stores (cut into other parts), and the manifest,
the skipped records and the summary are the same. The workspace must be on storage that the
driver and every executor see at the same path (a shared filesystem, as for Spark's own Parquet
output), and the executors' Python must have kqlhunt installed.

The driver holds what the local ingest's main process holds: one result per file and the event
keys of the input and of the workspace.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from kqlhunt.errors import BackendError
from kqlhunt.normalize.detect import LogFormat
from kqlhunt.normalize.ingest import iter_files
from kqlhunt.normalize.tables import KEY_COLUMN, TABLE_SCHEMAS
from kqlhunt.workspace.ingest import (
    DEFAULT_BATCH_ROWS,
    GroupResult,
    IngestReport,
    Selection,
    _BufferedWriter,
    _groups,
    _Run,
    buffer_kept,
    parse_files,
)
from kqlhunt.workspace.store import Workspace

logger = logging.getLogger(__name__)

# A task parses consecutive groups of about this much input at most; the input is cut into one
# task per core at least, when it has groups enough.
TASK_BYTES = 256 << 20

# A Spark task's share of the input: consecutive groups of files, each with its position in
# the input; a file as (its absolute path, the path it was given as).
Task = list[tuple[int, list[tuple[Path, Path]]]]
# What a task wrote: its run name (`<run>-<task>a<attempt>`), how many parts, the time range.
Written = tuple[str, int, dict[str, str | None]]

# The last line of a Python traceback: `ValueError: ...`.
PYTHON_ERROR = re.compile(r"[A-Za-z_][\w.]*(Error|Exception): ")

NO_KQLHUNT = (
    "the executors' Python cannot import kqlhunt: install kqlhunt on every executor and name "
    "that interpreter in PYSPARK_PYTHON"
)
NOT_SHARED = (
    "the executors do not see the workspace: it must be on storage that the driver and every "
    "executor reach at the same path"
)


def ingest_spark(
    paths: Iterable[Path | str],
    root: Path | str,
    *,
    log_format: LogFormat | None = None,
    dedupe: bool = True,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    master: str | None = None,
    config: dict[str, str] | None = None,
) -> IngestReport:
    """Parse log files into the workspace at `root` (created when missing) on Spark.

    Args:
        paths: files or folders, as `ingest` takes them; listed by the driver.
        root: the workspace folder, at the same path on the driver and every executor.
        log_format: read every file in this format instead of detecting it.
        dedupe: pass over files whose content is already in the workspace and drop events
            already stored, as `ingest` does.
        batch_rows: rows of a table a task buffers before it writes them as Parquet parts.
        master: the Spark master URL; by default `KQLHUNT_SPARK_MASTER`, else `local[*]`.
        config: `spark.*` settings for the session, when this call creates it.

    Returns:
        The workspace, the counts of this run, and how many files were considered: those a
        local ingest of the same files gives.

    Raises:
        BackendError: PySpark is missing, or a Spark job failed (for instance, when the
            executors cannot import kqlhunt).
    """
    workspace = Workspace(Path(root).resolve(), create=True)
    workspace.remove_interrupted_parts()
    run = _Run(workspace, batch_rows, dedupe, None)
    files = list(iter_files(paths, run.listing))
    if not files:
        return run.finish({})

    from kqlhunt.backends.spark import spark_session

    context = spark_session(master, config).sparkContext  # says when PySpark is missing
    from pyspark import StorageLevel

    tasks = _tasks(list(_groups(iter(files))), context.defaultParallelism)
    logger.info("ingest on Spark: %d files in %d tasks", len(files), len(tasks))
    known = context.broadcast(frozenset(run.stored_files) if dedupe else None)
    parsed = context.parallelize(tasks, len(tasks)).flatMap(
        partial(_parse, log_format=log_format, known=known)
    )
    parsed.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        context.setJobDescription("kqlhunt ingest: parse")
        summaries: list[tuple[int, GroupResult]] = _collect(parsed.map(_keys_only))
        selections = {index: run.select(group) for index, group in sorted(summaries, key=_first)}
        chosen = context.broadcast(selections)
        write = partial(
            _write, chosen=chosen, root=str(workspace.root), run=workspace.run, rows=batch_rows
        )
        context.setJobDescription("kqlhunt ingest: write")
        written: list[Written] = _collect(parsed.mapPartitions(write))
        chosen.destroy()
    finally:
        context.setJobDescription(None)
        parsed.unpersist()
        known.destroy()

    _remove_failed_attempts(workspace, {task for task, _, _ in written})
    for _, parts, span in written:
        workspace.record_parts(parts)
        workspace.manifest.widen_time(_instant(span.get("start")), _instant(span.get("end")))
    return run.finish(_rows_kept(selections.values()))


def _tasks(groups: list[list[Path]], cores: int) -> list[Task]:
    """Runs of consecutive groups of about equal input, one per task: one task per core at
    least when there are groups enough, and about `TASK_BYTES` of input at most. Tasks read
    files by their absolute paths, and report them by the paths given."""
    sizes = [_size(group) for group in groups]
    total = sum(sizes)
    count = min(len(groups), max(cores, math.ceil(total / TASK_BYTES)))
    tasks: list[Task] = []
    task: Task = []
    done = 0
    for index, (group, size) in enumerate(zip(groups, sizes, strict=True)):
        goal = total * (len(tasks) + 1) / count  # the input done when this task ends
        # A task ends where its end falls nearest its goal.
        if task and len(tasks) < count - 1 and done + size - goal > goal - done:
            tasks.append(task)
            task = []
        task.append((index, [(path.absolute(), path) for path in group]))
        done += size
    if task:
        tasks.append(task)
    return tasks


def _size(group: list[Path]) -> int:
    size = 0
    for path in group:
        with contextlib.suppress(OSError):  # reported when the file is hashed
            size += path.stat().st_size
    return size


def _parse(
    task: Task, log_format: LogFormat | None, known: Any
) -> Iterator[tuple[int, GroupResult]]:
    """In a Spark task: hash and parse each group of the task (`known`: the broadcast hashes
    of the content stored already, as `parse_files` takes them)."""
    for index, group in task:
        paths, names = [path for path, _ in group], [name for _, name in group]
        yield index, parse_files(paths, log_format, known.value, names)


def _keys_only(item: tuple[int, GroupResult]) -> tuple[int, GroupResult]:
    """A parsed group as the driver needs it: the file results and the event key columns."""
    index, group = item
    keys = {name: table.select([KEY_COLUMN]) for name, table in group.tables.items()}
    return index, GroupResult(group.files, keys)


def _write(
    groups: Iterable[tuple[int, GroupResult]], chosen: Any, root: str, run: str, rows: int
) -> Iterator[Written]:
    """In a Spark task: write the rows its groups keep (`chosen`: the broadcast selection of
    each group) as Parquet parts of the workspace, buffering `rows` rows of a table at most.

    The parts are named after the run, the task and the attempt, so that an attempt that failed
    cannot be mistaken for the one that completed (see `_remove_failed_attempts`).
    """
    from pyspark import TaskContext

    context = TaskContext.get()
    assert context is not None  # this runs in a Spark task
    name = f"{run}-{context.partitionId():05d}a{context.attemptNumber()}"
    workspace = Workspace(root, run=name)
    writer = _BufferedWriter(workspace, rows)
    selections: dict[int, Selection] = chosen.value
    for index, group in groups:
        buffer_kept(writer, group, selections[index])
    writer.flush()
    yield name, workspace.parts_written, dict(workspace.manifest.time_range)


def _remove_failed_attempts(workspace: Workspace, completed: set[str]) -> None:
    """Delete the parts of this run that no completed task attempt wrote."""
    prefix = f"part-{workspace.run}-"
    for part in (workspace.root / "tables").glob(f"table=*/day=*/{prefix}*.parquet"):
        task = part.name.removeprefix(prefix).split("-", 1)[0]
        if f"{workspace.run}-{task}" not in completed:
            logger.debug("removing %s, written by a failed task attempt", part)
            part.unlink()


def _rows_kept(selections: Iterable[Selection]) -> dict[str, int]:
    """Rows kept per table, of the tables that keep any, as the local writer counts them."""
    rows = dict.fromkeys(TABLE_SCHEMAS, 0)
    for _, counts in selections:
        for name, per_file in counts.items():
            rows[name] += sum(per_file)
    return {name: count for name, count in rows.items() if count}


def _first(item: tuple[int, GroupResult]) -> int:
    return item[0]


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _collect(rdd: Any) -> Any:
    """Run a job and bring its results to the driver; a failed job is a `BackendError`."""
    try:
        return rdd.collect()
    except Exception as error:  # py4j and Spark job errors have no common base
        raise BackendError(f"Spark failed to ingest: {_reason(str(error))}") from error


def _reason(report: str) -> str:
    """The gist of a failed job's report (a Java stack trace around the Python one)."""
    if "No module named 'kqlhunt'" in report:
        return NO_KQLHUNT
    if "is not a kqlhunt workspace" in report:
        return NOT_SHARED
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    python = [line for line in lines if PYTHON_ERROR.match(line)]
    return python[-1] if python else (lines[0] if lines else "unknown error")
