"""Durations as rule files write them: Sentinel's `5m`, `1h`, `14d`, or ISO 8601 `PT1H`."""

from __future__ import annotations

import re
from datetime import timedelta

_SHORT = re.compile(r"^(\d+)\s*([smhd])$")
_SHORT_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_ISO = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_duration(text: str) -> timedelta | None:
    """A duration from `5m`, `1h`, `14d`, `30s` or ISO 8601 (`PT5H`, `P1D`, `PT1H30M`).

    Returns:
        The duration, or None when the text is neither form.

    Example:
        >>> parse_duration("PT1H30M")
        datetime.timedelta(seconds=5400)
    """
    text = text.strip()
    short = _SHORT.match(text)
    if short is not None:
        return timedelta(**{_SHORT_UNITS[short.group(2)]: int(short.group(1))})
    iso = _ISO.match(text.upper())
    if iso is None or not any(iso.groupdict().values()) or text.upper().endswith("T"):
        return None
    parts = {k: int(v) for k, v in iso.groupdict().items() if v is not None}
    return timedelta(**parts)


def format_duration(value: timedelta) -> str:
    """The shortest Sentinel form of a duration: `14d`, `5h`, `30m`, `45s`."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
