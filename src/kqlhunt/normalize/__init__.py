"""Reading endpoint logs and normalizing process creations into ASIM `imProcessCreate`.

Example:
    >>> from pathlib import Path
    >>> from kqlhunt.normalize import read_logs
    >>> result = read_logs([Path("no-such-folder")])
    >>> sorted(result.tables)
    ['imProcessCreate']
"""

from __future__ import annotations

from kqlhunt.normalize.ingest import read_logs
from kqlhunt.normalize.model import IngestStats, LogRead, Skipped
from kqlhunt.normalize.schema import IM_PROCESS_CREATE, TABLE_NAME

__all__ = ["IM_PROCESS_CREATE", "TABLE_NAME", "IngestStats", "LogRead", "Skipped", "read_logs"]
