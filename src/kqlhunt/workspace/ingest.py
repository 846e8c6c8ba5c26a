"""Ingest: parse log files once into a workspace, in parallel, in bounded memory.

Files are hashed first; a file whose content the workspace already holds is passed over.
Worker processes parse files (one file at a time each) and hand back Arrow tables; the main
process drops events already stored (by event key), buffers rows and writes a Parquet part
whenever a table's buffer reaches `batch_rows`. At most `2 * workers` parsed files wait at
once, so memory is bounded by the largest files and the batch size, not by the input.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from multiprocessing.synchronize import Event
from pathlib import Path

import pyarrow as pa

from kqlhunt.catalog import TableData
from kqlhunt.normalize.base import Row
from kqlhunt.normalize.detect import LogFormat
from kqlhunt.normalize.ingest import RowCollector, iter_files, read_file
from kqlhunt.normalize.model import IngestStats, Skipped
from kqlhunt.normalize.schema import TABLE_NAME
from kqlhunt.normalize.tables import KEY_COLUMN, TABLE_SCHEMAS
from kqlhunt.workspace.store import Source, Workspace

logger = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 100_000
_HASH_BUFFER = 1 << 20

# Called after each file: (file name, events read so far, process events kept so far).
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What one ingest did.

    Of the files and events `stats` counts as duplicates, `files_in_workspace` and
    `events_in_workspace` were stored by an earlier ingest; the others repeat a file or event
    met earlier in this same input.
    """

    workspace: Workspace
    stats: IngestStats
    files: int
    files_in_workspace: int = 0
    events_in_workspace: int = 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BUFFER):
            digest.update(block)
    return digest.hexdigest()


Parsed = tuple[IngestStats, dict[str, list[dict[str, object]]], dict[str, list[int]]]


def parse_file(path: str, log_format: LogFormat | None) -> Parsed:
    """Parse one file into rows and event keys per table. Runs in a worker process; Arrow
    tables are built in batches by the writer, not per file (small files would pay for it)."""
    stats = IngestStats()
    collector = RowCollector(dedupe=True)

    def emit(rows: list[tuple[str, Row]]) -> None:
        if _stop is not None and _stop.is_set():
            raise _Stopped
        collector.add(rows, stats)

    read_file(Path(path), stats, emit, log_format=log_format)
    return stats, collector.rows, collector.keys


# In a worker process: set by the main process when it no longer wants the results.
_stop: Event | None = None


class _Stopped(BaseException):
    """Ends a worker's file early. Not an `Exception`, which readers record as a damaged file
    and pass over."""


def _init_worker(stop: Event) -> None:
    """Run in each worker: Ctrl-C reaches every process of the job, and the main process
    alone decides what it means; it sets `stop` to end the files being parsed."""
    global _stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stop = stop


def ingest(
    paths: Iterable[Path | str],
    root: Path | str,
    *,
    log_format: LogFormat | None = None,
    workers: int = 2,
    dedupe: bool = True,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Progress | None = None,
) -> IngestReport:
    """Parse log files into the workspace at `root` (created when missing).

    Args:
        paths: files or folders, as `read_logs` takes them.
        root: the workspace folder.
        log_format: read every file in this format instead of detecting it.
        workers: parser processes; 1 parses in this process.
        dedupe: pass over files whose content is already in the workspace and drop events
            already stored. Without it every file is read and every event kept.
        batch_rows: rows a table buffers before they are written as one Parquet part.
        progress: called after each file.

    Returns:
        The workspace, the counts of this run, and how many files were considered.
    """
    workspace = Workspace(root, create=True)
    workspace.remove_interrupted_parts()
    manifest = workspace.manifest
    stats = IngestStats()
    report = IngestReport(workspace, stats, 0)
    stored_files = manifest.known_hashes() if dedupe else set()
    known = set(stored_files)
    stored = workspace.stored_keys() if dedupe else set()
    seen: set[int] = set()
    writer = _BufferedWriter(workspace, batch_rows)

    todo: list[tuple[Path, Source]] = []
    for path in iter_files(paths, stats):
        try:
            sha = file_sha256(path)
        except OSError as exc:
            stats.files_failed += 1
            stats.skipped.append(_skip(str(path), f"cannot read the file: {exc}"))
            continue
        if dedupe and sha in known:
            stats.files_duplicate += 1
            report.files_in_workspace += int(sha in stored_files)
            continue
        known.add(sha)
        now = datetime.now(timezone.utc).isoformat()
        todo.append((path, Source(str(path), sha, path.stat().st_size, now)))

    for (_path, source), (file_stats, rows, keys) in zip(
        todo, _parsed(todo, log_format, workers), strict=True
    ):
        fresh, in_workspace = _fresh(keys.get(TABLE_NAME, []), stored, seen, dedupe, file_stats)
        report.events_in_workspace += in_workspace
        for name in rows:
            writer.add(name, rows[name], keys[name], fresh)
        source.events = file_stats.events_read
        source.process_events = file_stats.process_events
        manifest.sources.append(source)
        stats.merge(file_stats)
        if progress is not None:
            progress(source.path, stats.events_read, stats.process_events)

    writer.flush()
    stats.per_table = dict(writer.written)
    manifest.add_stats(stats)
    workspace.save()
    report.files = len(todo)
    return report


def _parsed(
    todo: list[tuple[Path, Source]], log_format: LogFormat | None, workers: int
) -> Iterator[Parsed]:
    """Parse results in input order, at most `2 * workers` files ahead.

    The workers leave Ctrl-C to this process. When the results stop being read (Ctrl-C, an
    error, the generator closed) the workers stop at the next event of the files in hand, and
    the pool is shut down as the generator ends.
    """
    if workers <= 1 or len(todo) <= 1:
        for path, _source in todo:
            yield parse_file(str(path), log_format)
        return
    stop = multiprocessing.Event()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(stop,))
    try:
        pending: deque[Future[Parsed]] = deque()
        queue = iter(todo)
        for path, _source in queue:
            pending.append(pool.submit(parse_file, str(path), log_format))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().result()
            for path, _source in queue:
                pending.append(pool.submit(parse_file, str(path), log_format))
                break
            yield result
    finally:
        stop.set()  # nothing is left to parse when every result was read
        pool.shutdown(cancel_futures=True)


def _fresh(
    keys: list[int], stored: set[int], seen: set[int], dedupe: bool, stats: IngestStats
) -> tuple[set[int] | None, int]:
    """The keys of events neither `stored` by earlier ingests nor `seen` in this one (None:
    keep everything), and how many were stored; counts follow what is kept."""
    if not dedupe:
        return None, 0
    fresh = {key for key in keys if key not in stored and key not in seen}
    seen.update(fresh)
    dropped = len(keys) - len(fresh)
    if not dropped:
        return fresh, 0
    stats.events_duplicate += dropped
    stats.process_events -= dropped
    stats.per_product = {}
    stats.per_table = {}
    return fresh, sum(key in stored for key in keys)


class _BufferedWriter:
    """Rows per table, written as a Parquet part once `batch_rows` have gathered."""

    def __init__(self, workspace: Workspace, batch_rows: int) -> None:
        self.workspace = workspace
        self.batch_rows = batch_rows
        self.rows: dict[str, list[dict[str, object]]] = {}
        self.keys: dict[str, list[int]] = {}
        self.written: dict[str, int] = {}

    def add(
        self, name: str, rows: list[dict[str, object]], keys: list[int], fresh: set[int] | None
    ) -> None:
        buffer = self.rows.setdefault(name, [])
        buffer_keys = self.keys.setdefault(name, [])
        for row, key in zip(rows, keys, strict=True):
            if fresh is None or key in fresh:
                buffer.append(row)
                buffer_keys.append(key)
        if len(buffer) >= self.batch_rows:
            self._write(name)

    def flush(self) -> None:
        for name in list(self.rows):
            self._write(name)

    def _write(self, name: str) -> None:
        rows, keys = self.rows.pop(name, []), self.keys.pop(name, [])
        if not rows:
            return
        data = TableData.from_rows(name, TABLE_SCHEMAS[name], rows).data
        data = data.append_column(KEY_COLUMN, pa.array(keys, type=pa.int64()))
        self.workspace.write(name, data)
        self.written[name] = self.written.get(name, 0) + len(rows)


def _skip(path: str, reason: str) -> Skipped:
    return Skipped(path, "byte 0", reason)
