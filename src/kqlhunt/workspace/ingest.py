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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from kqlhunt.normalize.detect import LogFormat
from kqlhunt.normalize.ingest import RowCollector, iter_files, read_file
from kqlhunt.normalize.model import IngestStats, Skipped
from kqlhunt.normalize.schema import TABLE_NAME
from kqlhunt.normalize.tables import KEY_COLUMN
from kqlhunt.workspace.store import Source, Workspace

logger = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 100_000
_HASH_BUFFER = 1 << 20

# Called after each file: (file name, events read so far, process events kept so far).
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What one ingest did."""

    workspace: Workspace
    stats: IngestStats
    files: int


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BUFFER):
            digest.update(block)
    return digest.hexdigest()


def parse_file(path: str, log_format: LogFormat | None) -> tuple[IngestStats, dict[str, pa.Table]]:
    """Parse one file into Arrow tables (with event keys). Runs in a worker process."""
    stats = IngestStats()
    collector = RowCollector(dedupe=True)
    read_file(Path(path), stats, lambda rows: collector.add(rows, stats), log_format=log_format)
    return stats, collector.arrow_with_keys()


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
    manifest = workspace.manifest
    stats = IngestStats()
    known = manifest.known_hashes() if dedupe else set()
    seen = workspace.stored_keys() if dedupe else set()
    writer = _BufferedWriter(workspace, batch_rows)

    todo: list[tuple[Path, Source]] = []
    for path in iter_files(paths, stats):
        try:
            sha = file_sha256(path)
        except OSError as exc:
            stats.files_failed += 1
            stats.skipped.append(_skip(str(path), f"cannot read the file: {exc}"))
            continue
        if sha in known:
            stats.files_duplicate += 1
            continue
        known.add(sha)
        now = datetime.now(timezone.utc).isoformat()
        todo.append((path, Source(str(path), sha, path.stat().st_size, now)))

    for (_path, source), (file_stats, tables) in zip(
        todo, _parsed(todo, log_format, workers), strict=True
    ):
        kept = _accept(tables, seen, dedupe, file_stats)
        for name, table in kept.items():
            writer.add(name, table)
        source.events = file_stats.events_read
        source.process_events = kept[TABLE_NAME].num_rows if TABLE_NAME in kept else 0
        manifest.sources.append(source)
        stats.merge(file_stats)
        if progress is not None:
            progress(source.path, stats.events_read, stats.process_events)

    writer.flush()
    manifest.add_stats(stats)
    workspace.save()
    return IngestReport(workspace, stats, len(todo))


def _parsed(
    todo: list[tuple[Path, Source]], log_format: LogFormat | None, workers: int
) -> Iterator[tuple[IngestStats, dict[str, pa.Table]]]:
    """Parse results in input order, at most `2 * workers` files ahead."""
    if workers <= 1 or len(todo) <= 1:
        for path, _source in todo:
            yield parse_file(str(path), log_format)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[tuple[IngestStats, dict[str, pa.Table]]]] = deque()
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


def _accept(
    tables: dict[str, pa.Table], seen: set[int], dedupe: bool, stats: IngestStats
) -> dict[str, pa.Table]:
    """The rows of events not stored yet; the counts of `stats` follow what is kept."""
    union = tables.get(TABLE_NAME)
    if not dedupe or union is None:
        return tables
    fresh: set[int] = set()
    for key in union.column(KEY_COLUMN).to_pylist():
        if key not in seen:
            fresh.add(key)
    dropped = union.num_rows - len(fresh)
    seen.update(fresh)
    if not dropped:
        return tables
    stats.events_duplicate += dropped
    stats.process_events -= dropped
    kept: dict[str, pa.Table] = {}
    for name, table in tables.items():
        mask = pa.array([k in fresh for k in table.column(KEY_COLUMN).to_pylist()])
        kept[name] = table.filter(mask)
        stats.per_table[name] = kept[name].num_rows
    stats.per_product = {}
    return kept


class _BufferedWriter:
    """Rows per table, written as a Parquet part once `batch_rows` have gathered."""

    def __init__(self, workspace: Workspace, batch_rows: int) -> None:
        self.workspace = workspace
        self.batch_rows = batch_rows
        self.buffers: dict[str, list[pa.Table]] = {}
        self.sizes: dict[str, int] = {}

    def add(self, name: str, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self.buffers.setdefault(name, []).append(table)
        self.sizes[name] = self.sizes.get(name, 0) + table.num_rows
        if self.sizes[name] >= self.batch_rows:
            self._write(name)

    def flush(self) -> None:
        for name in list(self.buffers):
            self._write(name)

    def _write(self, name: str) -> None:
        parts = self.buffers.pop(name, [])
        self.sizes.pop(name, None)
        if parts:
            self.workspace.write(name, pa.concat_tables(parts))


def _skip(path: str, reason: str) -> Skipped:
    return Skipped(path, "byte 0", reason)
