"""Ingest: parse log files once into a workspace, in parallel, in bounded memory.

Worker processes take files in groups of consecutive files (one large file alone), hash them,
parse those whose content the workspace does not hold yet, and hand back each group's rows as
Arrow tables with the event key column. The main process drops events already stored (by event
key), buffers the rows and writes Parquet parts whenever a table's buffer reaches
`batch_rows`. At most `2 * workers` groups wait at once, so memory is bounded by the group
size, the largest file and the batch size, not by the input.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain, islice
from multiprocessing.synchronize import Event
from pathlib import Path

import pyarrow as pa

from kqlhunt.normalize.base import Row
from kqlhunt.normalize.detect import LogFormat
from kqlhunt.normalize.ingest import RowCollector, iter_files, read_file
from kqlhunt.normalize.model import IngestStats, Skipped
from kqlhunt.normalize.schema import TABLE_NAME
from kqlhunt.normalize.tables import KEY_COLUMN, TABLE_SCHEMAS, Columns, arrow_table
from kqlhunt.types import KqlType
from kqlhunt.workspace.store import Source, Workspace

logger = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 100_000
# Once the buffered rows of all tables take this much memory, the largest buffer is written
# (wide rows with long command lines and event data reach it before `batch_rows`): this bounds
# the writer's memory, besides the one batch being written.
BATCH_BYTES = 256 << 20
_HASH_BUFFER = 1 << 20

# Each table's columns as stored: the event key column last.
STORED_SCHEMAS: dict[str, dict[str, KqlType]] = {
    name: {**columns, KEY_COLUMN: KqlType.LONG} for name, columns in TABLE_SCHEMAS.items()
}

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


# Small files are handed to a parser process in groups of about this much input (a large file
# goes alone): one task per small file would cost more in messages and in building Arrow
# arrays (a fixed cost per column) than in parsing.
TASK_BYTES = 8 << 20
TASK_FILES = 64

Parsed = tuple[IngestStats, dict[str, Columns]]

# What `_Run.select` keeps of a group: per table the positions of the rows kept (None: all
# rows), and per table the rows kept from each file.
Selection = tuple[dict[str, list[int]] | None, dict[str, list[int]]]


@dataclass
class FileResult:
    """One file as a parser process hands it back.

    Attributes:
        path: the file.
        sha256: its content hash; "" when it could not be read (see `error`).
        size: its size in bytes.
        stats: its counts; None when it was not parsed (unreadable, or content known before).
        rows: per table, where the file's rows are in the group's tables: (offset, count).
        error: why the file could not be read.
    """

    path: Path
    sha256: str
    size: int = 0
    stats: IngestStats | None = None
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    error: str = ""


@dataclass
class GroupResult:
    """A group of files as a parser process hands it back: each file's result, and the rows
    of all of them per table as Arrow (with the event key column), in file order."""

    files: list[FileResult]
    tables: dict[str, pa.Table]


def parse_file(path: str, log_format: LogFormat | None, display: str | None = None) -> Parsed:
    """Parse one file into the columns of each non-empty table, with the event key column;
    reports name it `display` (its path by default)."""
    stats = IngestStats()
    collector = RowCollector(dedupe=True)

    def emit(rows: list[tuple[str, Row]]) -> None:
        if _stop is not None and _stop.is_set():
            raise _Stopped
        collector.add(rows, stats)

    def repeated(asim: Row) -> bool:
        if _stop is not None and _stop.is_set():
            raise _Stopped
        return collector.repeated(asim, stats)

    read_file(
        Path(path),
        stats,
        emit,
        log_format=log_format,
        display=display,
        repeated=repeated,
    )
    return stats, collector.columns()


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


def parse_files(
    paths: list[Path],
    log_format: LogFormat | None,
    known: frozenset[str] | None,
    names: list[Path] | None = None,
) -> GroupResult:
    """Hash and parse a group of files; runs in a parser process.

    Args:
        paths: the files, in input order.
        log_format: read every file in this format instead of detecting it.
        known: hashes of content already stored; such files (and repeats within the group) are
            hashed, not parsed. None parses every file.
        names: the name of each file in results and reports (the path it was given as, when
            `paths` are made absolute for another machine); `paths` by default.
    """
    results = []
    hashed: set[str] = set()
    columns: dict[str, list[Columns]] = {}
    offsets: dict[str, int] = {}
    for path, shown in zip(paths, names or paths, strict=True):
        try:
            sha = file_sha256(path)
            size = path.stat().st_size
        except OSError as exc:
            results.append(FileResult(shown, "", error=f"cannot read the file: {exc}"))
            continue
        if known is not None and (sha in known or sha in hashed):
            results.append(FileResult(shown, sha, size))
            continue
        hashed.add(sha)
        stats, tables = parse_file(str(path), log_format, str(shown))
        result = FileResult(shown, sha, size, stats)
        for name, data in tables.items():
            columns.setdefault(name, []).append(data)
            result.rows[name] = (offsets.get(name, 0), data.count)
            offsets[name] = offsets.get(name, 0) + data.count
        results.append(result)
    arrow = {name: arrow_table(STORED_SCHEMAS[name], parts) for name, parts in columns.items()}
    return GroupResult(results, arrow)


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
        batch_rows: rows a table buffers before they are written as Parquet parts (one per
            day); the largest buffer is written earlier when all hold `BATCH_BYTES`.
        progress: called after each file.

    Returns:
        The workspace, the counts of this run, and how many files were considered.
    """
    workspace = Workspace(root, create=True)
    workspace.remove_interrupted_parts()
    run = _Run(workspace, batch_rows, dedupe, progress)
    snapshot = frozenset(run.stored_files) if dedupe else None
    for group in _results(iter_files(paths, run.listing), log_format, workers, snapshot):
        run.add(group)

    run.writer.flush()
    return run.finish(run.writer.written)


class _Run:
    """The state of one ingest in the main process: what is known, counted and buffered."""

    def __init__(
        self, workspace: Workspace, batch_rows: int, dedupe: bool, progress: Progress | None
    ) -> None:
        self.manifest = workspace.manifest
        self.dedupe = dedupe
        self.progress = progress
        self.listing = IngestStats()
        self.stats = IngestStats()
        self.report = IngestReport(workspace, self.stats, 0)
        self.stored_files = self.manifest.known_hashes() if dedupe else set()
        self.known = set(self.stored_files)
        self.stored = workspace.stored_keys() if dedupe else set()  # by earlier ingests
        self.seen: set[int] = set()  # in this one
        self.writer = _BufferedWriter(workspace, batch_rows)

    def add(self, group: GroupResult) -> None:
        """Take in a group of parsed files (see `select`), then buffer the rows kept per table
        (all of them, in the usual case, as is)."""
        buffer_kept(self.writer, group, self.select(group))

    def select(self, group: GroupResult) -> Selection:
        """Keep or pass over each file of a group in input order, drop the events stored or met
        already, and count what is kept. Only the event key columns of the group's tables are
        read.

        Returns:
            Per table, the positions of the rows kept (None: every row of every table), and
            how many rows each file kept.
        """
        keep: dict[str, list[int]] = {name: [] for name in TABLE_SCHEMAS}  # row positions
        counts: dict[str, list[int]] = {name: [] for name in TABLE_SCHEMAS}  # rows per file
        keys: dict[str, list[int]] = {}
        whole = True
        for result in group.files:
            if not self._accept(result):
                whole = whole and not result.rows
                continue
            assert result.stats is not None  # only known content is left unparsed
            offset, count = result.rows.get(TABLE_NAME, (0, 0))
            if self.dedupe and TABLE_NAME not in keys and count:
                keys = {n: t.column(KEY_COLUMN).to_pylist() for n, t in group.tables.items()}
            listed = keys[TABLE_NAME][offset : offset + count] if self.dedupe and count else []
            fresh, in_workspace = _fresh(listed, self.stored, self.seen, self.dedupe, result.stats)
            self.report.events_in_workspace += in_workspace
            whole = whole and fresh is None
            for name in TABLE_SCHEMAS:
                offset, count = result.rows.get(name, (0, 0))
                if fresh is None:
                    kept = list(range(offset, offset + count))
                else:
                    listed = keys.get(name, [])[offset : offset + count]
                    kept = [offset + i for i, key in enumerate(listed) if key in fresh]
                keep[name].extend(kept)
                counts[name].append(len(kept))
            self._count(result, result.stats)
        return (None if whole else keep), counts

    def finish(self, written: dict[str, int]) -> IngestReport:
        """Record the counts of the run, with the rows `written` per table, in the manifest and
        save it (which makes the run's parts part of the workspace)."""
        stats = self.listing  # files that could not be listed, read, or were known already
        stats.merge(self.stats)
        stats.per_table = dict(written)
        self.report.workspace.manifest.add_stats(stats)
        self.report.workspace.save()
        self.report.stats = stats
        return self.report

    def _accept(self, result: FileResult) -> bool:
        if result.error:
            self.listing.files_failed += 1
            self.listing.skipped.append(_skip(str(result.path), result.error))
            return False
        if self.dedupe and result.sha256 in self.known:
            self.listing.files_duplicate += 1
            self.report.files_in_workspace += int(result.sha256 in self.stored_files)
            return False
        self.known.add(result.sha256)
        return True

    def _count(self, result: FileResult, stats: IngestStats) -> None:
        now = datetime.now(timezone.utc).isoformat()
        source = Source(str(result.path), result.sha256, result.size, now)
        source.events = stats.events_read
        source.process_events = stats.process_events
        self.manifest.sources.append(source)
        self.stats.merge(stats)
        self.report.files += 1
        if self.progress is not None:
            self.progress(source.path, self.stats.events_read, self.stats.process_events)


def buffer_kept(writer: _BufferedWriter, group: GroupResult, selection: Selection) -> None:
    """Buffer the rows of a group that `selection` (of `_Run.select`) keeps."""
    keep, counts = selection
    for name in TABLE_SCHEMAS:
        data = group.tables.get(name)
        if data is not None and keep is not None:
            data = data.take(pa.array(keep[name], type=pa.int64()))
        writer.add(name, data, counts[name])


def _groups(paths: Iterator[Path]) -> Iterator[list[Path]]:
    """Consecutive files in groups of about `TASK_BYTES` of input or `TASK_FILES` files."""
    group: list[Path] = []
    size = 0
    for path in paths:
        group.append(path)
        with contextlib.suppress(OSError):  # reported when the file is hashed
            size += path.stat().st_size
        if size >= TASK_BYTES or len(group) >= TASK_FILES:
            yield group
            group, size = [], 0
    if group:
        yield group


def _results(
    paths: Iterator[Path],
    log_format: LogFormat | None,
    workers: int,
    known: frozenset[str] | None,
) -> Iterator[GroupResult]:
    """Groups of files hashed and parsed, in input order, at most `2 * workers` ahead.

    The workers leave Ctrl-C to this process. When the results stop being read (Ctrl-C, an
    error, the generator closed) the workers stop at the next event of the files in hand, and
    the pool is shut down as the generator ends.
    """
    first = list(islice(paths, 2))  # a single file is parsed here, without starting workers
    groups = _groups(chain(first, paths))
    if workers <= 1 or len(first) <= 1:
        for group in groups:
            yield parse_files(group, log_format, known)
        return
    stop = multiprocessing.Event()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(stop,))
    try:
        pending: deque[Future[GroupResult]] = deque()
        for group in groups:
            pending.append(pool.submit(parse_files, group, log_format, known))
            while len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
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
        return None, 0
    stats.events_duplicate += dropped
    stats.process_events -= dropped
    stats.per_product = {}
    stats.per_table = {}
    return fresh, sum(key in stored for key in keys)


class _BufferedWriter:
    """Rows per table, written as Parquet parts once `batch_rows` have gathered."""

    def __init__(self, workspace: Workspace, batch_rows: int) -> None:
        self.workspace = workspace
        self.batch_rows = batch_rows
        self.tables: dict[str, list[pa.Table]] = {}
        self.rows: dict[str, int] = {}
        self.sizes: dict[str, int] = {}  # bytes
        self.written: dict[str, int] = {}
        self.background = ThreadPoolExecutor(max_workers=1)
        self.writing: Future[None] | None = None

    def add(self, name: str, data: pa.Table | None, counts: list[int]) -> None:
        """Buffer the rows of consecutive files, `counts` rows from each; a part is written
        after the file whose rows bring the buffer to `batch_rows`."""
        self._buffer(name, None)  # tables are written in the order first met
        if data is None:
            return
        start = taken = 0
        for count in counts:
            taken += count
            if self.rows[name] + taken >= self.batch_rows:
                self._buffer(name, data.slice(start, taken))
                self._write(name)
                self._buffer(name, None)
                start, taken = start + taken, 0
        if taken:
            self._buffer(name, data.slice(start, taken))
        if sum(self.sizes.values()) >= BATCH_BYTES:
            self._write(max(self.sizes, key=lambda table: self.sizes[table]))

    def flush(self) -> None:
        """Write every buffer, and wait until all is written."""
        for name in list(self.rows):
            self._write(name)
        self._wait()
        self.background.shutdown()

    def _buffer(self, name: str, data: pa.Table | None) -> None:
        buffer = self.tables.setdefault(name, [])
        self.rows[name] = self.rows.get(name, 0)
        if data is not None:
            buffer.append(data)
            self.rows[name] += data.num_rows
            self.sizes[name] = self.sizes.get(name, 0) + data.nbytes

    def _write(self, name: str) -> None:
        tables = self.tables.pop(name, [])
        rows = self.rows.pop(name, 0)
        self.sizes.pop(name, None)
        if not rows:
            return
        self._wait()
        data = pa.concat_tables(tables).combine_chunks()  # one copy; the days are taken from it
        del tables  # the parsed groups' tables are freed as the copy is written
        # Parquet is written in the background while parsed files keep coming, one batch at a
        # time (so at most one batch waits besides the buffers, and parts keep their order).
        self.writing = self.background.submit(self.workspace.write, name, data)
        self.written[name] = self.written.get(name, 0) + rows

    def _wait(self) -> None:
        if self.writing is not None:
            self.writing.result()
            self.writing = None


def _skip(path: str, reason: str) -> Skipped:
    return Skipped(path, "byte 0", reason)
