"""Sysmon event 1 (process creation) to ASIM, as Microsoft's Sysmon parsers map it.

Follows `ASimProcessEventCreateMicrosoftSysmon(WindowsEvent)` 0.3.2/0.4.1: the key/value
reading of the event data, GUIDs without braces, `Hashes` split per algorithm, and
`Hash`/`HashType` chosen SHA256 > SHA1 > IMPHASH > MD5. Sysmon's "parent" is ASIM's acting
process; `ParentProcess*` stays empty. The logon id stays as Sysmon writes it (hex text).
"""

from __future__ import annotations

from kqlhunt.normalize import schema as f
from kqlhunt.normalize.base import Row, base_row, put_hashes
from kqlhunt.normalize.model import WinEvent
from kqlhunt.normalize.values import strip_braces, text

PRODUCT = "Sysmon"
ORIGINAL_TYPE = "1"
USERNAME_TYPE = "Windows"

# Sysmon data name -> ASIM field, copied as text.
_COPIED: dict[str, str] = {
    "Image": f.TARGET_PROCESS_NAME,
    "ProcessId": f.TARGET_PROCESS_ID,
    "CommandLine": f.TARGET_PROCESS_COMMAND_LINE,
    "CurrentDirectory": f.TARGET_PROCESS_CURRENT_DIRECTORY,
    "IntegrityLevel": f.TARGET_PROCESS_INTEGRITY_LEVEL,
    "FileVersion": f.TARGET_PROCESS_FILE_VERSION,
    "Description": f.TARGET_PROCESS_FILE_DESCRIPTION,
    "Product": f.TARGET_PROCESS_FILE_PRODUCT,
    "Company": f.TARGET_PROCESS_FILE_COMPANY,
    "OriginalFileName": f.TARGET_PROCESS_FILENAME,
    "LogonId": f.TARGET_USER_SESSION_ID,
    "ParentProcessId": f.ACTING_PROCESS_ID,
    "ParentCommandLine": f.ACTING_PROCESS_COMMAND_LINE,
    "ParentImage": f.ACTING_PROCESS_NAME,
}

# Sysmon data name -> ASIM field, GUID braces removed.
_GUIDS: dict[str, str] = {
    "ProcessGuid": f.TARGET_PROCESS_GUID,
    "ParentProcessGuid": f.ACTING_PROCESS_GUID,
    "LogonGuid": f.TARGET_USER_SESSION_GUID,
}

# Algorithm in `Hashes` -> ASIM field, in the order `Hash` prefers them.
_HASH_FIELDS: dict[str, str] = {
    "SHA256": f.TARGET_PROCESS_SHA256,
    "SHA1": f.TARGET_PROCESS_SHA1,
    "IMPHASH": f.TARGET_PROCESS_IMPHASH,
    "MD5": f.TARGET_PROCESS_MD5,
}


def map_sysmon_create(event: WinEvent) -> Row:
    """Normalize one Sysmon event 1 into an `imProcessCreate` row.

    Args:
        event: a Sysmon process-creation event from any reader.

    Returns:
        The row, holding only the fields that have a value.
    """
    data = event.data
    row = base_row(event, PRODUCT, ORIGINAL_TYPE)

    for source, target in _COPIED.items():
        value = data.get(source)
        if type(value) is not str:  # most values are text already; `text` is a call per field
            value = text(value)
        if value:
            row[target] = value
    for source, target in _GUIDS.items():
        value = strip_braces(data.get(source))
        if value:
            row[target] = value

    target_user = text(data.get("User"))
    if target_user:
        row[f.TARGET_USERNAME] = target_user
        row[f.TARGET_USERNAME_TYPE] = USERNAME_TYPE
    actor = text(data.get("ParentUser"))
    if actor:
        row[f.ACTOR_USERNAME] = actor
        row[f.ACTOR_USERNAME_TYPE] = USERNAME_TYPE

    put_hashes(row, parse_hashes(text(data.get("Hashes"))), _HASH_FIELDS)

    row[f.USER] = target_user
    row[f.PROCESS] = row.get(f.TARGET_PROCESS_NAME, "")
    row[f.COMMAND_LINE] = row.get(f.TARGET_PROCESS_COMMAND_LINE, "")
    return row


def parse_hashes(hashes: str) -> dict[str, str]:
    """Split Sysmon's `MD5=...,SHA256=...,IMPHASH=...` into algorithm -> value.

    Args:
        hashes: the `Hashes` data value.

    Returns:
        Upper-case algorithm names to their hash; malformed parts are left out.
    """
    found: dict[str, str] = {}
    for part in hashes.split(","):
        algorithm, sep, value = part.partition("=")
        if sep and value.strip():
            found[algorithm.strip().upper()] = value.strip()
    return found
