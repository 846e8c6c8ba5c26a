"""Telling a log file's format from its first bytes, and decoding text files.

The content decides, not the extension: EVTX files start with `ElfFile\\0`, zip archives with
`PK\\3\\4`, gzip with `\\x1f\\x8b`, rendered XML with `<`, JSON with `{` or `[` (after a byte-order
mark and whitespace), CSV with a header line of column names, and syslog/auditd text with
Sysmon XML or `audit(...)` stamps in its first lines. Anything else is not a format this
package reads.
"""

from __future__ import annotations

import codecs
import csv
import enum
import logging
import re
from pathlib import Path

from kqlhunt.normalize.evtx_reader import EVTX_MAGIC
from kqlhunt.normalize.text_reader import looks_like_text_log

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 4096

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class LogFormat(enum.Enum):
    """A file format `read_logs` can read."""

    EVTX = "evtx"
    XML = "xml"
    JSON = "json"
    CSV = "csv"
    TEXT = "text"
    ZIP = "zip"
    GZIP = "gzip"


ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
_COLUMN_NAME = re.compile(r"^[A-Za-z_@][\w.@ -]*$")


def detect_format(path: Path) -> LogFormat | None:
    """Tell the format of a log file from its content.

    Args:
        path: the file.

    Returns:
        The format, or None when the content is none of `LogFormat`.

    Raises:
        OSError: the file cannot be read.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    return detect_bytes(head)


def detect_bytes(head: bytes) -> LogFormat | None:
    """Tell the format from the first bytes of a file (see `detect_format`)."""
    if head.startswith(EVTX_MAGIC):
        return LogFormat.EVTX
    if head.startswith(ZIP_MAGIC):
        return LogFormat.ZIP
    if head.startswith(GZIP_MAGIC):
        return LogFormat.GZIP
    decoded = _decode(head, errors="ignore").lstrip()
    first = decoded[:1]
    if first == "<":
        return LogFormat.XML
    if first in ("{", "["):
        return LogFormat.JSON
    if _is_csv_header(decoded):
        return LogFormat.CSV
    if looks_like_text_log(decoded):
        return LogFormat.TEXT
    return None


def _is_csv_header(text: str) -> bool:
    """Whether the first line is a CSV header: three or more column names, an unnamed first
    column allowed (the index pandas writes)."""
    line = text.split("\n", 1)[0].rstrip("\r")
    if line.count(",") < 2:
        return False
    try:
        names = next(csv.reader([line]))
    except csv.Error:
        return False
    named = [n for n in names if n]
    return len(named) >= 3 and all(_COLUMN_NAME.match(n) for n in named)


def read_text(path: Path) -> str:
    """The text of a log file: UTF-8 or UTF-16 by byte-order mark, UTF-8 otherwise.

    Bytes that are not UTF-8 are replaced (and logged) rather than failing the file.

    Args:
        path: the file.

    Returns:
        The decoded text, without a byte-order mark.

    Raises:
        OSError: the file cannot be read.
    """
    raw = path.read_bytes()
    try:
        return _decode(raw, errors="strict")
    except UnicodeDecodeError as exc:
        logger.warning("%s: not valid UTF-8 at byte %d; bad bytes replaced", path, exc.start)
        return _decode(raw, errors="replace")


def _decode(raw: bytes, errors: str) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors=errors)
    return raw.decode("utf-8", errors=errors)
