"""Reading log files and directories into `imProcessCreate` and the vendor tables."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kqlhunt.catalog import TableData
from kqlhunt.errors import NormalizationError
from kqlhunt.normalize.archive import gzip_member, zip_members
from kqlhunt.normalize.base import Row
from kqlhunt.normalize.csv_reader import read_csv
from kqlhunt.normalize.detect import LogFormat, detect_format, read_text
from kqlhunt.normalize.evtx_reader import read_evtx
from kqlhunt.normalize.json_reader import read_json
from kqlhunt.normalize.linux import map_auditd_execve, map_linux_sysmon_create
from kqlhunt.normalize.mde import map_device_process
from kqlhunt.normalize.model import (
    IngestStats,
    LogRead,
    RecordStream,
    Skipped,
    SourceKind,
    WinEvent,
)
from kqlhunt.normalize.schema import EVENT_PRODUCT, TABLE_NAME
from kqlhunt.normalize.security import map_security_4688
from kqlhunt.normalize.sysmon import map_sysmon_create
from kqlhunt.normalize.tables import (
    KEY_COLUMN,
    TABLE_SCHEMAS,
    ColumnBuilder,
    Columns,
    arrow_table,
    event_key,
    with_aliases,
)
from kqlhunt.normalize.text_reader import read_text_log
from kqlhunt.normalize.vendor import vendor_row
from kqlhunt.normalize.xml_reader import has_events, read_xml

logger = logging.getLogger(__name__)

UNRECOGNISED = "unrecognised format"

MAPPERS: dict[SourceKind, Callable[[WinEvent], Row]] = {
    SourceKind.SYSMON_CREATE: map_sysmon_create,
    SourceKind.SECURITY_4688: map_security_4688,
    SourceKind.LINUX_SYSMON_CREATE: map_linux_sysmon_create,
    SourceKind.MDE_PROCESS: map_device_process,
    SourceKind.AUDITD_EXECVE: map_auditd_execve,
}

FORMAT_NAMES: dict[str, LogFormat] = {
    **{fmt.value: fmt for fmt in LogFormat},
    "ndjson": LogFormat.JSON,
    "syslog": LogFormat.TEXT,
    "auditd": LogFormat.TEXT,
    "gz": LogFormat.GZIP,
}
"""The names `--format` accepts, to read files in one format instead of detecting it."""

# Archives inside archives are read this deep, no deeper.
MAX_ARCHIVE_DEPTH = 3


def normalize_event(
    event: WinEvent, repeated: Callable[[Row], bool] | None = None
) -> list[tuple[str, Row]] | None:
    """The rows one process event becomes: its `imProcessCreate` row, and its vendor-table row
    when the source is one of the Sentinel tables.

    Args:
        event: the process event.
        repeated: told the `imProcessCreate` row first; when it says the event is a repeat
            (to be dropped), the vendor row is not made and None is returned.

    Raises:
        Exception: whatever a mapper raises on an odd event (the caller skips the event).
    """
    asim = MAPPERS[event.kind](event)
    if repeated is not None and repeated(asim):
        return None
    rows = [(TABLE_NAME, asim)]
    vendor = vendor_row(event, asim)
    if vendor is not None:
        rows.append(vendor)
    return rows


class RowCollector:
    """Rows per table, gathered column by column, each with its event key; with `dedupe`, an
    event already seen (in this collector, or in `seen`) is dropped and counted.

    Args:
        dedupe: drop repeated events.
        seen: keys of events kept earlier (e.g. already in a workspace); updated as rows come.
    """

    def __init__(self, dedupe: bool = False, seen: set[int] | None = None) -> None:
        self.dedupe = dedupe
        self.seen: set[int] = seen if seen is not None else set()
        self.rows = _builders()
        self.keys: dict[str, list[int]] = {name: [] for name in TABLE_SCHEMAS}
        # The key `repeated` computed last, with its row: `add` of that row reuses it.
        self._last_key: tuple[Row, int] | None = None

    def __len__(self) -> int:
        return self.rows[TABLE_NAME].count

    def repeated(self, asim: Row, stats: IngestStats) -> bool:
        """Whether an event, by its `imProcessCreate` row, is one to drop as a repeat (counted
        here); asked before the event's other rows are made, which a repeat never needs."""
        if not self.dedupe:
            return False
        key = event_key(asim)
        self._last_key = (asim, key)
        if key in self.seen:
            stats.events_duplicate += 1
            return True
        return False

    def add(self, rows: list[tuple[str, Row]], stats: IngestStats) -> None:
        """Keep the rows of one event (unless it is a repeat), and count them."""
        asim = rows[0][1]
        last = self._last_key
        key = last[1] if last is not None and last[0] is asim else event_key(asim)
        self._last_key = None
        if self.dedupe:
            if key in self.seen:
                stats.events_duplicate += 1
                return
            self.seen.add(key)
        for table, row in rows:
            self.rows[table].add(row)
            self.keys[table].append(key)
            stats.per_table[table] = stats.per_table.get(table, 0) + 1
        product = str(rows[0][1].get(EVENT_PRODUCT, ""))
        stats.per_product[product] = stats.per_product.get(product, 0) + 1
        stats.process_events += 1

    def tables(self) -> list[TableData]:
        """Every table (empty ones too), built from the rows kept."""
        return [
            TableData(name, dict(columns), arrow_table(columns, [self.rows[name].build()]))
            for name, columns in TABLE_SCHEMAS.items()
        ]

    def columns(self) -> dict[str, Columns]:
        """The non-empty tables column by column, each with the event key column."""
        built: dict[str, Columns] = {}
        for name, builder in self.rows.items():
            if builder.count:
                keys: list[object] = list(self.keys[name])
                built[name] = builder.build()
                built[name].values[KEY_COLUMN] = keys
        return built

    def clear(self) -> None:
        self.rows = _builders()
        for name in TABLE_SCHEMAS:
            self.keys[name] = []


def _builders() -> dict[str, ColumnBuilder]:
    return {name: ColumnBuilder(columns) for name, columns in TABLE_SCHEMAS.items()}


def read_logs(
    paths: Iterable[Path | str],
    *,
    log_format: LogFormat | None = None,
    dedupe: bool = False,
    stored: set[int] | None = None,
) -> LogRead:
    """Read log files and normalize their process-creation events.

    Reads EVTX, rendered Windows event XML, JSON (EVTX-parser JSON, flattened collector
    NDJSON, Winlogbeat/ECS, Sentinel and Defender exports), CSV exports, syslog and auditd
    text, and `.zip`/`.gz` archives of those, telling the format from the content unless
    `log_format` names it. Process creations become `imProcessCreate` rows and rows of the
    vendor table they came from (`SecurityEvent`, `Event`, `WindowsEvent`, `Syslog`,
    `DeviceProcessEvents`); other events are counted. A broken record, chunk or file is listed
    in `stats.skipped` and reading goes on.

    Args:
        paths: files or directories; directories are walked recursively in sorted order,
            skipping hidden files and folders.
        log_format: read every file in this format instead of detecting it.
        dedupe: keep one row per event when the same event is read twice (from an EVTX file
            and its JSON rendering, or from overlapping exports).
        stored: with `dedupe`, the keys of events kept already (in a workspace): their rows
            are left out of every table and counted as duplicates.

    Returns:
        Every table (present, with its columns, even when empty), the ASIM aliases of
        `imProcessCreate`, and the counts.

    Example:
        >>> from pathlib import Path
        >>> result = read_logs([Path("no-such-folder")])
        >>> len(result.tables["imProcessCreate"]), result.stats.files_failed
        (0, 1)
    """
    stats = IngestStats()
    collector = RowCollector(dedupe=dedupe, seen=set(stored) if stored is not None else None)
    for path in iter_files(paths, stats):
        read_file(
            path,
            stats,
            lambda rows: collector.add(rows, stats),
            log_format=log_format,
            repeated=lambda asim: collector.repeated(asim, stats),
        )

    logger.info(
        "read %d files (%d failed): %d events, %d process creations, %d skipped",
        stats.files_read, stats.files_failed, stats.events_read, stats.process_events,
        len(stats.skipped),
    )  # fmt: skip
    return LogRead(tables=with_aliases(collector.tables()), stats=stats)


# Inside a folder, files that are plainly not logs are passed over (and counted), not reported
# as unreadable: documentation, rules, scripts, checksums. A file named explicitly is always read.
NOT_LOG_SUFFIXES = frozenset(
    {".md", ".rst", ".yaml", ".yml", ".kql", ".py", ".ps1", ".sh", ".html", ".pdf", ".png", ".jpg"}
)
NOT_LOG_NAMES = ("LICENSE", "COPYING", "README", "SHA256SUMS", "SHA1SUMS", "MD5SUMS", "NOTICE")


def is_log_candidate(path: Path) -> bool:
    """Whether a file met while walking a folder may be a log."""
    if path.suffix.lower() in NOT_LOG_SUFFIXES:
        return False
    return not path.name.upper().startswith(NOT_LOG_NAMES)


def iter_files(paths: Iterable[Path | str], stats: IngestStats) -> Iterator[Path]:
    """The files named by `paths`, directories walked in sorted order without hidden entries.

    A path that does not exist, or that is no regular file (a named pipe, a socket, a device:
    reading one could wait for ever), is counted as a failed file. Inside folders, files that are
    plainly not logs (see `is_log_candidate`) are counted in `stats.files_ignored`.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    candidate = Path(folder, name)
                    if not is_log_candidate(candidate):
                        stats.files_ignored += 1
                    elif _is_special(candidate):
                        stats.files_failed += 1
                        stats.skipped.append(Skipped(str(candidate), "byte 0", NOT_REGULAR))
                    else:
                        yield candidate
        elif path.is_file():
            yield path
        else:
            reason = NOT_REGULAR if path.exists() else "no such file or directory"
            stats.files_failed += 1
            stats.skipped.append(Skipped(str(path), "byte 0", reason))


NOT_REGULAR = "not a regular file (a named pipe, socket or device): save its content to a file"


def _is_special(path: Path) -> bool:
    """Whether `path` exists but is no regular file (a dangling link is left to the reader)."""
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def read_file(
    path: Path,
    stats: IngestStats,
    emit: Callable[[list[tuple[str, Row]]], None],
    *,
    log_format: LogFormat | None = None,
    display: str | None = None,
    depth: int = 0,
    repeated: Callable[[Row], bool] | None = None,
) -> None:
    """Read one file (or archive) and pass the rows of each process event to `emit`.

    Args:
        path: the file.
        stats: the counts to update.
        emit: called with the rows of each process event (see `normalize_event`).
        log_format: the format to read it in; detected from the content when None.
        display: the name used in reports (an archive member's `archive!member`).
        depth: how many archives this file is inside.
        repeated: told each event's `imProcessCreate` row first (see `normalize_event`); an
            event it calls a repeat is not emitted.
    """
    name = display or str(path)
    position = "byte 0"
    try:
        if path.stat().st_size == 0:  # nothing to read, nothing skipped
            stats.empty_files.append(name)
            stats.files_read += 1
            return
        fmt = log_format or detect_format(path)
        if fmt in (LogFormat.ZIP, LogFormat.GZIP):
            _read_archive(path, fmt, stats, emit, name, depth, repeated)
            return
        records = _open(path, name, fmt)
        if records is None:
            stats.files_failed += 1
            stats.skipped.append(Skipped(name, "byte 0", UNRECOGNISED))
            return
        for outcome in records:
            if outcome is None:
                stats.events_read += 1
            elif isinstance(outcome, Skipped):
                stats.skipped.append(outcome)
            else:
                stats.events_read += 1
                position = outcome.position
                try:
                    rows = normalize_event(outcome, repeated)
                except Exception as exc:  # one odd event must not end the file
                    logger.debug("%s: %s: cannot normalize", name, position, exc_info=True)
                    stats.skipped.append(Skipped(name, position, f"cannot normalize: {exc!r}"))
                    continue
                if rows is not None:
                    emit(rows)
    except NormalizationError as exc:
        stats.files_failed += 1
        stats.skipped.append(Skipped(display or exc.path, exc.position, exc.reason))
        return
    except OSError as exc:
        stats.files_failed += 1
        stats.skipped.append(Skipped(name, position, f"cannot read the file: {exc}"))
        return
    except Exception as exc:  # a reader failure ends this file, never the run
        logger.warning("%s: reading stopped after %s", name, position, exc_info=True)
        stats.files_failed += 1
        stats.skipped.append(Skipped(name, f"after {position}", f"read failed: {exc!r}"))
        return
    stats.files_read += 1


def _read_archive(
    path: Path,
    fmt: LogFormat,
    stats: IngestStats,
    emit: Callable[[list[tuple[str, Row]]], None],
    name: str,
    depth: int,
    repeated: Callable[[Row], bool] | None,
) -> None:
    if depth >= MAX_ARCHIVE_DEPTH:
        stats.files_failed += 1
        stats.skipped.append(Skipped(name, "byte 0", "archive nested too deep"))
        return
    members = zip_members(path, name) if fmt is LogFormat.ZIP else gzip_member(path, name)
    for member_name, member, problem in members:
        if problem is not None:
            stats.skipped.append(problem)
        if member is None:
            stats.files_failed += 1
            continue
        read_file(member, stats, emit, display=member_name, depth=depth + 1, repeated=repeated)


def _open(path: Path, name: str, log_format: LogFormat | None) -> RecordStream | None:
    """The record stream of a file, or None when its format is not recognised."""
    if log_format is LogFormat.EVTX:
        return read_evtx(path, name)
    if log_format is None:
        return None
    content = read_text(path)
    if log_format is LogFormat.XML:
        return read_xml(name, content) if has_events(content) else None
    if log_format is LogFormat.CSV:
        return read_csv(name, content)
    if log_format is LogFormat.TEXT:
        return read_text_log(name, content)
    return read_json(name, content)


def iter_events(path: Path, log_format: LogFormat | None = None) -> Iterator[WinEvent]:
    """The process events of one file, before normalization (for tools and tests)."""
    records = _open(path, str(path), log_format or detect_format(path))
    for outcome in records or ():
        if isinstance(outcome, WinEvent):
            yield outcome
