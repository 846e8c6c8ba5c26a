"""Decoding the text inside typed literals: `datetime(...)` and `timespan(...)`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from kqlhunt.kql.tokens import TIMESPAN_UNITS

_ISO = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<frac>\d{1,7}))?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
# The "sortable" month-day-year form the docs accept: 12-02-2022.
_US_DATE = re.compile(r"(?P<mo>\d{1,2})[-/](?P<d>\d{1,2})[-/](?P<y>\d{4})(?P<rest>.*)")
_TIMESPAN_CLOCK = re.compile(
    r"(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<frac>\d{1,7}))?)?"
)
_TIMESPAN_WORDS = re.compile(r"(?P<n>[+-]?\d+(?:\.\d+)?)\s*(?P<unit>[A-Za-z]*)")


def parse_datetime(text: str) -> datetime | None:
    """Parse a KQL datetime text (ISO 8601, RFC 822/850); None if it is not one.

    Kusto keeps 100 ns ticks; Python keeps microseconds, so a seventh fractional digit is dropped.
    """
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    if m := _US_DATE.fullmatch(text):
        text = f"{m['y']}-{m['mo']}-{m['d']}{m['rest']}"
    if m := _ISO.fullmatch(text):
        year, month, day = (int(p) for p in m["date"].split("-"))
        frac = (m["frac"] or "").ljust(6, "0")[:6]
        try:
            value = datetime(
                year,
                month,
                day,
                int(m["h"] or 0),
                int(m["m"] or 0),
                int(m["s"] or 0),
                int(frac),
                tzinfo=timezone.utc,
            )
        except ValueError:
            return None
        if m["tz"] and m["tz"] != "Z":
            sign = -1 if m["tz"][0] == "-" else 1
            digits = m["tz"][1:].replace(":", "")
            value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return value
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        return _parse_rfc850(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _parse_rfc850(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%A, %d-%b-%y %H:%M:%S GMT").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_timespan(text: str) -> int | None:
    """Parse the text of `timespan(...)` into ticks: `0.12:34:56.7`, `15 seconds`, `2` (days)."""
    text = text.strip()
    if m := _TIMESPAN_CLOCK.fullmatch(text):
        frac = (m["frac"] or "").ljust(7, "0")
        seconds = int(m["days"] or 0) * 86_400 + int(m["h"]) * 3_600 + int(m["m"]) * 60
        seconds += int(m["s"] or 0)
        ticks = seconds * 10_000_000 + int(frac)
        return -ticks if m["sign"] else ticks
    if m := _TIMESPAN_WORDS.fullmatch(text):
        unit = (m["unit"] or "d").lower()
        if unit not in TIMESPAN_UNITS:
            return None
        return round(float(m["n"]) * TIMESPAN_UNITS[unit])
    return None
