"""Reading endpoint logs and normalizing process creations into ASIM `imProcessCreate`, and
into the vendor tables they came from.

Example:
    >>> from pathlib import Path
    >>> from kqlhunt.normalize import read_logs
    >>> result = read_logs([Path("no-such-folder")])
    >>> len(result.tables["imProcessCreate"]), len(result.tables["SecurityEvent"])
    (0, 0)
"""

from __future__ import annotations

from kqlhunt.normalize.detect import LogFormat
from kqlhunt.normalize.ingest import FORMAT_NAMES, read_logs
from kqlhunt.normalize.model import IngestStats, LogRead, Skipped
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME
from kqlhunt.normalize.tables import ASIM_ALIASES, TABLE_SCHEMAS

__all__ = [
    "ASIM_ALIASES",
    "FORMAT_NAMES",
    "IM_PROCESS_CREATE",
    "TABLE_NAME",
    "TABLE_SCHEMAS",
    "IngestStats",
    "LogFormat",
    "LogRead",
    "Skipped",
    "read_logs",
]
