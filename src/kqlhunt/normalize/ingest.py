"""Reading log files and directories into the `imProcessCreate` table."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kqlhunt.catalog import TableData
from kqlhunt.errors import NormalizationError
from kqlhunt.normalize.base import Row
from kqlhunt.normalize.detect import LogFormat, detect_format, read_text
from kqlhunt.normalize.evtx_reader import read_evtx
from kqlhunt.normalize.json_reader import read_json
from kqlhunt.normalize.model import (
    IngestStats,
    LogRead,
    RecordStream,
    Skipped,
    SourceKind,
    WinEvent,
)
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.normalize.security import map_security_4688
from kqlhunt.normalize.sysmon import map_sysmon_create
from kqlhunt.normalize.xml_reader import has_events, read_xml

logger = logging.getLogger(__name__)

UNRECOGNISED = "unrecognised format"

MAPPERS: dict[SourceKind, Callable[[WinEvent], Row]] = {
    SourceKind.SYSMON_CREATE: map_sysmon_create,
    SourceKind.SECURITY_4688: map_security_4688,
}


def read_logs(paths: Iterable[Path | str]) -> LogRead:
    """Read log files and normalize their process-creation events into `imProcessCreate`.

    Reads EVTX, rendered Windows event XML, and JSON (EVTX-parser JSON, flattened collector
    NDJSON, Sentinel `SecurityEvent`/`WindowsEvent`/`Event` exports), telling the format from
    the content. Sysmon event 1 and Security event 4688 become rows; other events are counted.
    A broken record, chunk or file is listed in `stats.skipped` and reading goes on.

    Args:
        paths: files or directories; directories are walked recursively in sorted order,
            skipping hidden files and folders.

    Returns:
        The `imProcessCreate` table (present, with every schema column, even when empty) and
        the counts.

    Example:
        >>> from pathlib import Path
        >>> result = read_logs([Path("no-such-folder")])
        >>> len(result.tables["imProcessCreate"]), result.stats.files_failed
        (0, 1)
    """
    stats = IngestStats()
    rows: list[dict[str, object]] = []
    for path in iter_files(paths, stats):
        _read_file(path, stats, rows)

    table = TableData.from_rows(TABLE_NAME, IM_PROCESS_CREATE, rows)
    logger.info(
        "read %d files (%d failed): %d events, %d process creations, %d skipped",
        stats.files_read, stats.files_failed, stats.events_read, stats.process_events,
        len(stats.skipped),
    )  # fmt: skip
    return LogRead(tables={TABLE_NAME: table}, stats=stats)


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

    A path that does not exist is counted as a failed file. Inside folders, files that are
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
                    if is_log_candidate(candidate):
                        yield candidate
                    else:
                        stats.files_ignored += 1
        elif path.is_file():
            yield path
        else:
            stats.files_failed += 1
            stats.skipped.append(Skipped(str(path), "byte 0", "no such file or directory"))


def _read_file(path: Path, stats: IngestStats, rows: list[dict[str, object]]) -> None:
    name = str(path)
    position = "byte 0"
    try:
        records = _open(path)
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
                    rows.append(MAPPERS[outcome.kind](outcome))
                except Exception as exc:  # one odd event must not end the file
                    logger.debug("%s: %s: cannot normalize", name, position, exc_info=True)
                    stats.skipped.append(Skipped(name, position, f"cannot normalize: {exc!r}"))
                    continue
                stats.process_events += 1
    except NormalizationError as exc:
        stats.files_failed += 1
        stats.skipped.append(Skipped(exc.path, exc.position, exc.reason))
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


def _open(path: Path) -> RecordStream | None:
    """The record stream of a file, or None when its format is not recognised."""
    log_format = detect_format(path)
    if log_format is LogFormat.EVTX:
        return read_evtx(path)
    if log_format is None:
        return None
    content = read_text(path)
    if log_format is LogFormat.XML:
        return read_xml(str(path), content) if has_events(content) else None
    return read_json(str(path), content)
