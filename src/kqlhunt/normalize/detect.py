"""Telling a log file's format from its first bytes, and decoding text files.

The content decides, not the extension: EVTX files start with `ElfFile\\0`, rendered XML with
`<`, JSON with `{` or `[` (after a byte-order mark and whitespace). Anything else, gzip
included, is not a format this package reads.
"""

from __future__ import annotations

import codecs
import enum
import logging
from pathlib import Path

from kqlhunt.normalize.evtx_reader import EVTX_MAGIC

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


def detect_format(path: Path) -> LogFormat | None:
    """Tell the format of a log file from its content.

    Args:
        path: the file.

    Returns:
        The format, or None when the content is not EVTX, XML or JSON.

    Raises:
        OSError: the file cannot be read.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(EVTX_MAGIC):
        return LogFormat.EVTX
    first = _decode(head, errors="ignore").lstrip()[:1]
    if first == "<":
        return LogFormat.XML
    if first in ("{", "["):
        return LogFormat.JSON
    return None


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
