"""Watchlists from a folder of CSV files, with the columns Sentinel's `_GetWatchlist` returns.

Each `NAME.csv` becomes the table `watchlist:NAME`, which a query reads as
`_GetWatchlist('NAME')`. Columns, as Sentinel returns them: `SearchKey` (the value of the
watchlist's search key column), the CSV's own columns, then `_DTItemId` (a stable id per item),
`LastUpdatedTimeUTC` (the file's modification time) and `WatchlistAlias`. All values are strings,
as in Sentinel, except `LastUpdatedTimeUTC`.

The search key column is named in a first-line comment `# SearchKey: column`, else it is the
first column.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "TrustedAdmins.csv").write_text("# SearchKey: Account\\nName,Account\\n"
...     "Rahim Khan,CONTOSO\\\\adm-rkhan\\n")
>>> table, = load_watchlists(folder)
>>> table.name, list(table.columns)[:3], table.data.column("SearchKey").to_pylist()
('watchlist:TrustedAdmins', ['SearchKey', 'Name', 'Account'], ['CONTOSO\\\\adm-rkhan'])
"""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path

from kqlhunt.catalog import TableData
from kqlhunt.compiler.tabular import WATCHLIST_PREFIX
from kqlhunt.errors import KqlHuntError
from kqlhunt.types import KqlType

# Columns Sentinel adds to every watchlist item.
ITEM_ID, UPDATED, ALIAS, SEARCH_KEY = (
    "_DTItemId",
    "LastUpdatedTimeUTC",
    "WatchlistAlias",
    "SearchKey",
)

_SEARCH_KEY_COMMENT = re.compile(r"^\s*#\s*SearchKey\s*:\s*(.+?)\s*$", re.IGNORECASE)
# Namespace of the item ids: the same file content always gives the same ids.
_ITEM_NAMESPACE = uuid.UUID("5b0f4a52-3c2e-4e0c-9a55-0d2b1f6f7a11")


class WatchlistError(KqlHuntError):
    """A watchlist file that cannot be read: its path and what is wrong."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def load_watchlists(folder: str | os.PathLike[str]) -> list[TableData]:
    """Every `*.csv` file directly in `folder` as a watchlist table, in name order.

    Raises:
        WatchlistError: `folder` is not a folder, or a file is not a usable CSV.
    """
    root = Path(folder)
    if not root.is_dir():
        raise WatchlistError(root, "not a folder of watchlist CSV files")
    files = sorted(p for p in root.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    return [load_watchlist(path) for path in files]


def load_watchlist(path: str | os.PathLike[str], alias: str | None = None) -> TableData:
    """One CSV file as the table `watchlist:<alias>`; the alias is the file's stem by default."""
    path = Path(path)
    alias = alias or path.stem
    try:
        text = path.read_text(encoding="utf-8-sig")
        updated = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    except (OSError, UnicodeDecodeError) as error:
        raise WatchlistError(path, f"cannot read the file: {error}") from error

    lines = text.splitlines(keepends=True)
    search_key = None
    if lines and (found := _SEARCH_KEY_COMMENT.match(lines[0])):
        search_key = found.group(1).strip().strip("'\"")
        lines = lines[1:]
    reader = csv.reader(io.StringIO("".join(lines)))
    try:
        header = [name.strip() for name in next(reader)]
        records = [row for row in reader if any(cell.strip() for cell in row)]
    except StopIteration:
        raise WatchlistError(path, "the file has no header row") from None
    except csv.Error as error:
        raise WatchlistError(path, f"line {reader.line_num}: {error}") from error

    if not header or any(not name for name in header):
        raise WatchlistError(path, "every column of the header row needs a name")
    if len(set(header)) != len(header):
        raise WatchlistError(path, "the header row names a column twice")
    search_key = search_key or header[0]
    if search_key not in header:
        raise WatchlistError(
            path, f"the SearchKey column {search_key!r} is not one of {', '.join(header)}"
        )

    own = [name for name in header if name not in (SEARCH_KEY, ITEM_ID, UPDATED, ALIAS)]
    columns = {SEARCH_KEY: KqlType.STRING, **dict.fromkeys(own, KqlType.STRING)}
    columns |= {ITEM_ID: KqlType.STRING, UPDATED: KqlType.DATETIME, ALIAS: KqlType.STRING}
    rows: list[dict[str, object]] = []
    for number, record in enumerate(records, start=1):
        if len(record) > len(header):
            raise WatchlistError(path, f"item {number} has more cells than the header row")
        item: dict[str, object] = dict(zip(header, (cell.strip() for cell in record), strict=False))
        key = "\x1f".join([alias, str(number), *record])
        item |= {
            SEARCH_KEY: item.get(search_key, ""),
            ITEM_ID: str(uuid.uuid5(_ITEM_NAMESPACE, key)),
            UPDATED: updated,
            ALIAS: alias,
        }
        rows.append(item)
    return TableData.from_rows(WATCHLIST_PREFIX + alias, columns, rows)
