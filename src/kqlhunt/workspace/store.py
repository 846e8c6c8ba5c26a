"""A workspace on disk: normalized tables as Parquet, partitioned by table and day, and a
manifest.

Layout::

    DIR/manifest.json
    DIR/tables/table=<name>/day=<YYYY-MM-DD>/part-<run>-<n>.parquet
    DIR/tables/table=<name>/day=<YYYY-MM-DD>/part-<run>-<task>-<n>.parquet   (ingest on Spark)

Each Parquet file holds the table's columns (Arrow types of `kqlhunt.catalog`) plus the event
key column `_kqlhunt_key`, which appending uses to leave out events already stored. Rows
without a time go to `day=unknown`. A file written before its table gained columns lacks them,
and readers give them Kusto's empty value (`TableData.file_columns`, `TableData.read_files`), so
adding columns to a table leaves the format version as it is.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlHuntError
from kqlhunt.normalize.detect import LogFormat
from kqlhunt.normalize.ingest import read_logs
from kqlhunt.normalize.model import IngestStats, LogRead
from kqlhunt.normalize.schema import TABLE_NAME, TIME_GENERATED
from kqlhunt.normalize.tables import KEY_COLUMN, TABLE_SCHEMAS, with_aliases

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
NO_DAY = "unknown"
WRITER_THREADS = max(1, min(4, os.cpu_count() or 1))


class WorkspaceError(KqlHuntError):
    """The folder is not a workspace, or its manifest cannot be read."""


@dataclass
class Source:
    """One ingested file: where it was, its content hash, and what it gave."""

    path: str
    sha256: str
    size: int
    ingested: str
    events: int = 0
    process_events: int = 0


@dataclass
class Manifest:
    """What a workspace holds: sources, rows per table, the time range, what was skipped."""

    version: int = FORMAT_VERSION
    sources: list[Source] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    time_range: dict[str, str | None] = field(default_factory=lambda: {"start": None, "end": None})
    skipped: list[dict[str, str]] = field(default_factory=list)
    events_duplicate: int = 0
    files_duplicate: int = 0
    # Ingest runs that completed; Parquet parts of any other run are left over from an
    # interrupted ingest and are neither read nor kept.
    runs: list[str] = field(default_factory=list)

    def known_hashes(self) -> set[str]:
        return {source.sha256 for source in self.sources}

    def widen_time(self, start: datetime | None, end: datetime | None) -> None:
        for key, value, pick in (("start", start, min), ("end", end, max)):
            if value is None:
                continue
            text = value.astimezone(timezone.utc).isoformat()
            current = self.time_range.get(key)
            self.time_range[key] = text if current is None else pick(current, text)

    def add_stats(self, stats: IngestStats) -> None:
        for name, count in stats.per_table.items():
            self.tables[name] = self.tables.get(name, 0) + count
        self.skipped.extend(
            {"path": s.path, "position": s.position, "reason": s.reason} for s in stats.skipped
        )
        self.events_duplicate += stats.events_duplicate
        self.files_duplicate += stats.files_duplicate


class Workspace:
    """A workspace folder: read its tables, or append Parquet batches to it.

    Args:
        root: the folder; created (with an empty manifest) by `create=True`.
        create: make the folder when it does not exist yet.
        run: the name of the ingest run the parts written here belong to, `<run>-<writer>` when
            several writers (Spark tasks) write parts of one run; a new run by default.

    Raises:
        WorkspaceError: the folder is not a workspace (and `create` is False).
    """

    def __init__(self, root: Path | str, *, create: bool = False, run: str | None = None) -> None:
        self.root = Path(root)
        self.run = run or uuid.uuid4().hex[:12]
        self._parts = 0
        manifest = self.root / MANIFEST
        if manifest.exists():
            self.manifest = _load_manifest(manifest)
        elif create:
            self.root.mkdir(parents=True, exist_ok=True)
            self.manifest = Manifest()
            self.save()
        else:
            raise WorkspaceError(f"{self.root} is not a kqlhunt workspace (no {MANIFEST})")

    def _parts_of(self, name: str) -> list[Path]:
        folder = self.root / "tables" / f"table={name}"
        return sorted(folder.glob("day=*/*.parquet"))

    def _completed(self, part: Path) -> bool:
        run = part.name.split("-")[1] if part.name.count("-") >= 2 else ""
        return run in self.manifest.runs

    def remove_interrupted_parts(self) -> int:
        """Delete the parts an interrupted ingest left behind; returns how many."""
        removed = 0
        for name in TABLE_SCHEMAS:
            for part in self._parts_of(name):
                if not self._completed(part):
                    part.unlink()
                    removed += 1
        return removed

    def table_files(self, name: str) -> list[str]:
        """The Parquet files of one table, in a stable order."""
        return [str(p) for p in self._parts_of(name) if self._completed(p)]

    def tables(self) -> dict[str, TableData]:
        """Every table (and the ASIM aliases), backed by the workspace's Parquet files."""
        tables = []
        for name, columns in TABLE_SCHEMAS.items():
            files = self.table_files(name)
            if files:
                rows = self.manifest.tables.get(name, 0)
                tables.append(TableData.from_parquet(name, columns, files, rows))
            else:
                tables.append(TableData.empty(name, columns))
        return with_aliases(tables)

    def tables_with(
        self, paths: Iterable[Path | str], *, log_format: LogFormat | None = None
    ) -> LogRead:
        """Every table with the rows of raw logs read in memory beside the workspace's, as
        ingesting them would add them: an event already stored (same key) or read twice is
        left out of every table and counted in `stats.events_duplicate`.

        Returns:
            The merged tables (and the ASIM aliases), and the counts of reading `paths`.
        """
        read = read_logs(paths, log_format=log_format, dedupe=True, stored=self.stored_keys())
        stored = self.tables()
        merged = [_concat(stored[name], read.tables[name]) for name in TABLE_SCHEMAS]
        return LogRead(tables=with_aliases(merged), stats=read.stats)

    def stored_keys(self) -> set[int]:
        """The event keys already stored (of `imProcessCreate`, which every event has a row in)."""
        keys: set[int] = set()
        for path in self.table_files(TABLE_NAME):
            column = pq.read_table(path, columns=[KEY_COLUMN]).column(KEY_COLUMN)
            keys.update(column.to_pylist())
        return keys

    def write(self, name: str, data: pa.Table) -> None:
        """Append rows of one table (with the key column), one file per day they fall on."""
        if data.num_rows == 0:
            return
        if name == TABLE_NAME:
            bounds = pc.min_max(data.column(TIME_GENERATED)).as_py()
            self.manifest.widen_time(bounds["min"], bounds["max"])
        codecs = _codecs(data)
        jobs = []
        for day, rows in _by_day(data):
            folder = self.root / "tables" / f"table={name}" / f"day={day}"
            folder.mkdir(parents=True, exist_ok=True)
            self._parts += 1
            jobs.append((rows, folder / f"part-{self.run}-{self._parts:05d}.parquet"))
        if len(jobs) == 1:
            _write_part(data, *jobs[0], codecs)
            return
        # Writing a part costs mostly fixed work per column; Arrow does it without the GIL, so
        # the parts of many days are written side by side.
        with ThreadPoolExecutor(max_workers=WRITER_THREADS) as pool:
            for done in [pool.submit(_write_part, data, *job, codecs) for job in jobs]:
                done.result()

    @property
    def parts_written(self) -> int:
        """How many Parquet parts `write` wrote."""
        return self._parts

    def record_parts(self, count: int) -> None:
        """Count parts of this run that other writers wrote (under `run` names that start with
        this run's), so that `save` makes them part of the workspace."""
        self._parts += count

    def save(self) -> None:
        """Write the manifest (atomically: a temporary file renamed over the old one)."""
        if self._parts and self.run not in self.manifest.runs:
            self.manifest.runs.append(self.run)  # this run's parts are now part of the data
        target = self.root / MANIFEST
        temporary = target.with_suffix(".tmp")
        body: dict[str, Any] = asdict(self.manifest)
        temporary.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(temporary, target)


def _concat(stored: TableData, raw: TableData) -> TableData:
    """A workspace table with rows read beside it, in memory."""
    if not stored.files:
        return raw
    return TableData(raw.name, raw.columns, pa.concat_tables([stored.read_files(), raw.data]))


def _write_part(
    data: pa.Table, rows: pa.Array | None, target: Path, codecs: dict[str, str]
) -> None:
    """Write the rows at the positions `rows` (all when None); the copy lives only meanwhile."""
    pq.write_table(data if rows is None else data.take(rows), target, compression=codecs)


def _codecs(data: pa.Table) -> dict[str, str]:
    """The compression of each column: zstd where the rows hold a value, none for a column that
    is all "" or null (most columns of a wide table), whose few bytes zstd cannot shrink but
    whose compressor would cost more than the rest of the column's writing."""
    codecs = {}
    for name, column in zip(data.column_names, data.columns, strict=True):
        if pa.types.is_string(column.type):
            empty = not pc.any(pc.not_equal(column, "")).as_py()
        else:
            empty = column.null_count == len(column)
        codecs[name] = "none" if empty else "zstd"
    return codecs


def _by_day(data: pa.Table) -> list[tuple[str, pa.Array | None]]:
    """The positions of the rows of each day (`unknown` for rows without a time; None: all
    rows), days in the order they first appear and rows in their order (a stable sort)."""
    times = data.column(TIME_GENERATED)
    days = pc.fill_null(pc.strftime(times, format="%Y-%m-%d").combine_chunks(), NO_DAY)
    encoded = pc.dictionary_encode(days)  # codes numbered in order of first appearance
    names = encoded.dictionary.to_pylist()
    if len(names) == 1:
        return [(names[0], None)]
    order = pc.sort_indices(encoded.indices)
    counted = pc.value_counts(encoded.indices)
    values, tallies = counted.field("values").to_pylist(), counted.field("counts").to_pylist()
    counts = dict(zip(values, tallies, strict=True))
    parts = []
    offset = 0
    for code, day in enumerate(names):
        parts.append((day, order.slice(offset, counts[code])))
        offset += counts[code]
    return parts


def _load_manifest(path: Path) -> Manifest:
    try:
        body = json.loads(path.read_text("utf-8"))
        sources = [Source(**s) for s in body.pop("sources", [])]
        return Manifest(sources=sources, **body)
    except (OSError, ValueError, TypeError) as exc:
        raise WorkspaceError(f"cannot read the workspace manifest {path}: {exc}") from exc
