"""EVTX files, read with the `evtx` package (Rust-backed) through `records_json()`.

A damaged chunk or record raises from the record iterator; the iterator then carries on with
the next chunk, so each failure becomes one `Skipped` entry and the good records are kept.
A file cut short is noticed from its size: chunks are 64 KiB after a 4 KiB header.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import evtx

from kqlhunt.errors import NormalizationError
from kqlhunt.normalize.event_json import event_from_evtx_json
from kqlhunt.normalize.model import RecordStream, Skipped

logger = logging.getLogger(__name__)

EVTX_MAGIC = b"ElfFile\x00"
HEADER_SIZE = 4096
CHUNK_SIZE = 65536

# A corrupt file could in principle fail on every record; stop listing failures after this.
MAX_ERRORS_PER_FILE = 1000

# In the compact JSON of `records_json()` a process event must contain one of these: its
# EventID written bare (`"EventID":1,`) or as element text when the element has attributes
# (`"#text":1,`). Records without any are other events and are not decoded.
_PROCESS_EVENT_HINTS = tuple(
    f'"{key}":{eid}{end}' for key in ("EventID", "#text") for eid in (1, 4688) for end in ",}"
)

_CHUNK_NUMBER = re.compile(r"chunk number (\d+)")
_RECORD_NUMBER = re.compile(r"record number (\d+)")


def read_evtx(path: Path, name: str | None = None) -> RecordStream:
    """Yield the records of an EVTX file: process events, None for other events, Skipped.

    Args:
        path: the EVTX file.
        name: the file's name in reports (an archive member's); `path` when None.

    Yields:
        A `WinEvent` per Sysmon 1 / 4688 record, None per other record, a `Skipped` per
        chunk or record that does not parse.

    Raises:
        NormalizationError: the file header cannot be read.
    """
    label = name or str(path)
    try:
        parser = evtx.PyEvtxParser(str(path))
    except (OSError, RuntimeError) as exc:
        raise NormalizationError(label, "byte 0", f"not a readable EVTX file: {exc}") from exc

    last_record = 0
    errors = 0
    for item in _records(parser.records_json()):
        if isinstance(item, Exception):
            errors += 1
            yield Skipped(label, _error_position(str(item), last_record), _reason(item))
            if errors >= MAX_ERRORS_PER_FILE:
                logger.warning("%s: stopped after %d parse errors", path, errors)
                return
            continue

        record_id = int(item.get("event_record_id") or 0)
        last_record = record_id or last_record
        data = item.get("data")
        if isinstance(data, str) and not any(hint in data for hint in _PROCESS_EVENT_HINTS):
            yield None
            continue
        position = f"record {record_id}"
        try:
            record = json.loads(data)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            yield Skipped(label, position, f"record data is not JSON: {exc}")
            continue
        yield event_from_evtx_json(record, position, item.get("timestamp"))

    truncated = _truncation(path, label)
    if truncated is not None:
        yield truncated


def _records(iterator: Iterator[Any]) -> Iterator[dict[str, Any] | Exception]:
    """The iterator's records, with each error it raises passed along as a value."""
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except (RuntimeError, OSError, ValueError) as exc:
            yield exc
            continue
        if isinstance(record, dict):
            yield record


def _error_position(message: str, last_record: int) -> str:
    chunk = _CHUNK_NUMBER.search(message)
    if chunk:
        return f"chunk {chunk.group(1)}"
    record = _RECORD_NUMBER.search(message)
    if record:
        return f"record {record.group(1)}"
    return f"after record {last_record}"


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _truncation(path: Path, label: str) -> Skipped | None:
    """A Skipped entry for an incomplete last chunk, when the file size shows one."""
    size = path.stat().st_size
    partial = (size - HEADER_SIZE) % CHUNK_SIZE if size > HEADER_SIZE else 0
    if not partial:
        return None
    chunk = (size - HEADER_SIZE) // CHUNK_SIZE
    return Skipped(
        label,
        f"chunk {chunk}",
        f"file truncated: last chunk has {partial} of {CHUNK_SIZE} bytes",
    )
