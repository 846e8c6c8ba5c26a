"""Small value conversions shared by the readers and the mappers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?",
    re.IGNORECASE,
)

# A FILETIME of zero: what EVTX parsers print for a record that has no usable time.
_NO_TIME_YEAR = 1601


def parse_time(value: object) -> datetime | None:
    """Parse a Windows or Log Analytics timestamp into a tz-aware UTC datetime.

    Accepts `2016-09-20T19:15:40.252929Z`, seven fractional digits (`...08.4200000Z`), a space
    instead of `T`, and explicit offsets. A text without an offset is taken as UTC. The
    FILETIME epoch (year 1601), which marks a missing time, gives None.

    Args:
        value: the timestamp text; anything else gives None.

    Returns:
        The time in UTC, or None when the value is not a timestamp.
    """
    if not isinstance(value, str):
        return None
    if len(value) == 27 and value[26] == "Z" and _is_evtx_time(value):
        try:
            parsed = datetime.fromisoformat(value[:26])
        except ValueError:
            pass  # e.g. hour 24: the general reading below decides
        else:
            return None if parsed.year == _NO_TIME_YEAR else parsed.replace(tzinfo=timezone.utc)
    m = _TIME.match(value.strip())
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = m.groups()
    if int(year) == _NO_TIME_YEAR:
        return None
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micros,
            tzinfo=_offset(offset),
        )  # fmt: skip
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc)


def _is_evtx_time(value: str) -> bool:
    """Whether a 27-character text has the separators of `2016-09-20T19:15:40.252929Z`, the way
    EVTX parsers write every time. `datetime.fromisoformat` reads that in a tenth of the time the
    regular expression takes, and to the same value: its fields are ASCII digits (it refuses
    any other), and these separators leave it no other ISO form (week or ordinal dates, comma
    fractions) to accept."""
    return (
        value[4] == "-"
        and value[7] == "-"
        and value[10] == "T"
        and value[13] == ":"
        and value[16] == ":"
        and value[19] == "."
        and value[20:26].isdigit()  # no offset or other text inside the fraction
    )


def _offset(text: str | None) -> timezone:
    if text is None or text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def text(value: object) -> str:
    """The text of an event data value: "" for null, decimal for numbers, as-is for strings."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def hex_to_decimal(value: object) -> str:
    """Decimal text of a Windows hexadecimal id such as `0x1a2c`; other text is returned as-is.

    Args:
        value: an id as the event carries it (hex text, decimal text or a number).

    Returns:
        The decimal text, or the original text when it is not a number.
    """
    raw = text(value).strip()
    if raw[:2].lower() == "0x":
        try:
            return str(int(raw, 16))
        except ValueError:
            return raw
    return raw


def strip_braces(value: object) -> str:
    """A GUID without the braces Windows puts around it."""
    return text(value).strip().strip("{}")


def file_name(path: str) -> str:
    """The part of a Windows path after its last backslash."""
    return path.rsplit("\\", 1)[-1]


def split_fqdn(computer: str) -> tuple[str, str]:
    """Split `host.domain.tld` into (`host`, `domain.tld`); a bare name or address has no domain.

    Args:
        computer: the device name as the event gives it.

    Returns:
        The host name and the domain ("" when there is none).
    """
    host, dot, domain = computer.partition(".")
    if not dot or not host or not domain or _is_ipv4(computer):
        return computer, ""
    return host, domain


def _is_ipv4(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 4 and all(p.isdigit() for p in parts)


def user_type(name: str) -> str:
    """The ASIM username type of a user name: `DOMAIN\\user` Windows, `a@b` UPN, else Simple."""
    if not name:
        return ""
    if "\\" in name:
        return "Windows"
    if "@" in name:
        return "UPN"
    return "Simple"


def qualified_user(domain: str, name: str) -> str:
    """`DOMAIN\\name`, or the bare name when the domain is empty or `-`."""
    if not name or name == "-":
        return ""
    if not domain or domain == "-":
        return name
    return f"{domain}\\{name}"


def parse_number(value: object) -> int | None:
    """An integer from a number or its decimal/hex text (`12`, `12.0`, `0x1a`); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    raw = text(value).strip()
    if not raw:
        return None
    try:
        if raw[:2].lower() == "0x":
            return int(raw, 16)
        return int(float(raw)) if "." in raw else int(raw)
    except ValueError:
        return None
