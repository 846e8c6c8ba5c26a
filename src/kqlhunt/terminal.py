"""Text from the data, made safe to show on a terminal."""

from __future__ import annotations

import unicodedata

from rich.text import Text


def shown(value: str, style: str | None = None) -> Text:
    """Text from the data (log fields, rule names, paths) as a terminal may show it: control
    and format characters (an ESC that starts an escape sequence, the bidirectional overrides)
    written as escapes such as `\\x1b`, so that a log line cannot move the cursor, recolour
    the screen or reorder what is shown. Tabs, newlines and spaces stay."""
    if all(_plain(c) for c in value):
        return Text(value, style=style or "")
    escaped = "".join(c if _plain(c) else _escape(c) for c in value)
    return Text(escaped, style=style or "")


def _plain(char: str) -> bool:
    if char.isprintable() or char in "\t\n":
        return unicodedata.category(char) != "Cf"
    return unicodedata.category(char) == "Zs"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
