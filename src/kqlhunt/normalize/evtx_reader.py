"""EVTX files, read with the `evtx` package (Rust-backed) through `records_json()`.

A damaged chunk or record raises from the record iterator; the iterator then carries on with
the next chunk, so each failure becomes one `Skipped` entry and the good records are kept.
A file cut short is noticed from its size: chunks are 64 KiB after a 4 KiB header.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import evtx

from kqlhunt.errors import NormalizationError
from kqlhunt.normalize.event_json import event_from_evtx_json
from kqlhunt.normalize.json_codec import loads
from kqlhunt.normalize.model import RecordStream, Skipped

logger = logging.getLogger(__name__)

EVTX_MAGIC = b"ElfFile\x00"
HEADER_SIZE = 4096
CHUNK_SIZE = 65536

# A corrupt file could in principle fail on every record; stop listing failures after this.
MAX_ERRORS_PER_FILE = 1000

# In the compact JSON of `records_json()` the first `"EventID":` is System's (System comes
# first, and quotes inside strings are escaped). A process event has it written bare
# (`"EventID":1,`) or as element text when the element has attributes
# (`"EventID":{"#attributes":{"Qualifiers":0},"#text":4688}`). Other records are not decoded:
# finding the key and matching there costs a third of a regular expression search of the whole
# record, and far less than decoding the JSON.
_EVENT_ID_KEY = '"EventID":'
_PROCESS_EVENT_ID = re.compile(r'"EventID":(?:\{(?:[^{}]|\{[^{}]*\})*?"#text":)?(?:1|4688)[,}]')

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

    # The loop runs once per record of every event id: it stays lean, and a record's id is
    # turned into text only when it is reported.
    process_event_id = _PROCESS_EVENT_ID.match
    iterator = parser.records_json()
    last_record = 0
    errors = 0
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except (RuntimeError, OSError, ValueError) as exc:
            errors += 1
            yield Skipped(label, _error_position(str(exc), int(last_record or 0)), _reason(exc))
            if errors >= MAX_ERRORS_PER_FILE:
                logger.warning("%s: stopped after %d parse errors", path, errors)
                return
            continue
        if not isinstance(item, dict):
            continue

        record_id = item.get("event_record_id")
        if record_id:
            last_record = record_id
        data = item.get("data")
        if isinstance(data, str):
            start = data.find(_EVENT_ID_KEY)
            if start < 0 or process_event_id(data, start) is None:
                yield None
                continue
        position = f"record {int(record_id or 0)}"
        try:
            record = loads(data)
        except (TypeError, ValueError) as exc:
            yield Skipped(label, position, f"record data is not JSON: {exc}")
            continue
        yield event_from_evtx_json(record, position, item.get("timestamp"))

    truncated = _truncation(path, label)
    if truncated is not None:
        yield truncated


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
