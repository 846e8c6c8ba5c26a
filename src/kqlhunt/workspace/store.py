"""A workspace on disk: normalized tables as Parquet, partitioned by table and day, and a
manifest.

Layout::

    DIR/manifest.json
    DIR/tables/table=<name>/day=<YYYY-MM-DD>/part-<run>-<n>.parquet

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
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlHuntError
from kqlhunt.normalize.model import IngestStats
from kqlhunt.normalize.schema import TABLE_NAME, TIME_GENERATED
from kqlhunt.normalize.tables import KEY_COLUMN, TABLE_SCHEMAS, with_aliases

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
NO_DAY = "unknown"


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

    Raises:
        WorkspaceError: the folder is not a workspace (and `create` is False).
    """

    def __init__(self, root: Path | str, *, create: bool = False) -> None:
        self.root = Path(root)
        self.run = uuid.uuid4().hex[:12]
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
        days = _days(data)
        for day in pc.unique(days).to_pylist():
            mask = pc.equal(days, day)
            part = data.filter(mask)
            folder = self.root / "tables" / f"table={name}" / f"day={day}"
            folder.mkdir(parents=True, exist_ok=True)
            self._parts += 1
            target = folder / f"part-{self.run}-{self._parts:05d}.parquet"
            pq.write_table(part, target, compression="zstd")
            if name == TABLE_NAME:
                times = part.column(TIME_GENERATED)
                bounds = pc.min_max(times).as_py()
                self.manifest.widen_time(bounds["min"], bounds["max"])

    def save(self) -> None:
        """Write the manifest (atomically: a temporary file renamed over the old one)."""
        if self._parts and self.run not in self.manifest.runs:
            self.manifest.runs.append(self.run)  # this run's parts are now part of the data
        target = self.root / MANIFEST
        temporary = target.with_suffix(".tmp")
        body: dict[str, Any] = asdict(self.manifest)
        temporary.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(temporary, target)


def _days(data: pa.Table) -> pa.Array:
    times = data.column(TIME_GENERATED)
    days = pc.strftime(times, format="%Y-%m-%d")
    return pc.fill_null(days.combine_chunks(), NO_DAY)


def _load_manifest(path: Path) -> Manifest:
    try:
        body = json.loads(path.read_text("utf-8"))
        sources = [Source(**s) for s in body.pop("sources", [])]
        return Manifest(sources=sources, **body)
    except (OSError, ValueError, TypeError) as exc:
        raise WorkspaceError(f"cannot read the workspace manifest {path}: {exc}") from exc
