"""Security event 4688 (a new process has been created) to ASIM.

Follows Microsoft's `ASimProcessCreateMicrosoftSecurityEvents` (SecurityEvent) and
`ASimProcessCreateMicrosoftWindowsEvents` (WindowsEvent) parsers:

* process ids are hexadecimal in the event (`0x1a2c`) and become decimal text, and so do the
  logon ids behind `ActorSessionId`/`TargetUserSessionId`, as the schema asks (the WindowsEvent
  parser converts them; the older SecurityEvent parser leaves them hex);
* a subject name of `-` is replaced by the well-known name of its SID (`S-1-5-18` Local System,
  `S-1-0-0` Nobody), type Simple; a target name of `-` means the new process runs as the
  creator, so the target user is the actor; the `S-1-0-0` SID gives no user id;
* `TargetProcessFilename`/`ActingProcessFilename` are the text after the last backslash.

One deliberate difference: `TargetProcessIntegrityLevel` is filled from `MandatoryLabel`
(`S-1-16-8192` -> Medium, ...). Microsoft's parsers look the label up but drop the result, so
their rows have no integrity level for 4688.
"""

from __future__ import annotations

from collections.abc import Mapping

from kqlhunt.normalize import schema as f
from kqlhunt.normalize.base import Row, base_row
from kqlhunt.normalize.model import WinEvent
from kqlhunt.normalize.values import file_name, hex_to_decimal, text

PRODUCT = "Security Events"
ORIGINAL_TYPE = "4688"

_NULL_SID = "S-1-0-0"
_WELL_KNOWN_SIDS: dict[str, str] = {"S-1-5-18": "Local System", _NULL_SID: "Nobody"}

# The event data names of 4688 (version 2); Sentinel's SecurityEvent has them as columns.
EVENT_DATA_NAMES: tuple[str, ...] = (
    "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
    "NewProcessId", "NewProcessName", "TokenElevationType", "ProcessId", "CommandLine",
    "TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId",
    "ParentProcessName", "MandatoryLabel",
)  # fmt: skip

# MandatoryLabel SID -> integrity level, in the words Sysmon uses for the same levels.
INTEGRITY_LEVELS: dict[str, str] = {
    "S-1-16-0": "Untrusted",
    "S-1-16-4096": "Low",
    "S-1-16-8192": "Medium",
    "S-1-16-8448": "MediumPlus",
    "S-1-16-12288": "High",
    "S-1-16-16384": "System",
    "S-1-16-20480": "Protected",
}

# SecurityEvent AccountType -> ASIM user type.
_USER_TYPES: dict[str, str] = {"User": "Regular", "Machine": "Machine"}


def map_security_4688(event: WinEvent) -> Row:
    """Normalize one Security event 4688 into an `imProcessCreate` row.

    Args:
        event: a 4688 event from any reader (EVTX, XML, JSON or a Sentinel export).

    Returns:
        The row, holding only the fields that have a value.
    """
    data = event.data
    row = base_row(event, PRODUCT, ORIGINAL_TYPE)

    _put_users(row, data, event.account_type)

    target_name = text(data.get("NewProcessName"))
    acting_name = text(data.get("ParentProcessName"))
    command_line = text(data.get("CommandLine"))
    _put(row, f.TARGET_PROCESS_NAME, target_name)
    _put(row, f.TARGET_PROCESS_FILENAME, file_name(target_name) if target_name else "")
    _put(row, f.TARGET_PROCESS_ID, hex_to_decimal(data.get("NewProcessId")))
    _put(row, f.TARGET_PROCESS_COMMAND_LINE, command_line)
    _put(row, f.TARGET_PROCESS_TOKEN_ELEVATION, text(data.get("TokenElevationType")))
    label = text(data.get("MandatoryLabel")).strip().upper()
    _put(row, f.TARGET_PROCESS_INTEGRITY_LEVEL, INTEGRITY_LEVELS.get(label, ""))
    _put(row, f.ACTING_PROCESS_NAME, acting_name)
    _put(row, f.ACTING_PROCESS_FILENAME, file_name(acting_name) if acting_name else "")
    _put(row, f.ACTING_PROCESS_ID, hex_to_decimal(data.get("ProcessId")))

    row[f.USER] = row.get(f.TARGET_USERNAME, "")
    row[f.PROCESS] = target_name
    row[f.COMMAND_LINE] = command_line
    return row


def _put_users(row: Row, data: Mapping[str, object], account_type: str) -> None:
    actor_name, actor_type = _username(
        text(data.get("SubjectUserName")),
        text(data.get("SubjectDomainName")),
        text(data.get("SubjectUserSid")),
    )
    actor_id = _user_id(text(data.get("SubjectUserSid")))
    _put(row, f.ACTOR_USERNAME, actor_name)
    _put(row, f.ACTOR_USERNAME_TYPE, actor_type)
    _put(row, f.ACTOR_USER_ID, actor_id)
    _put(row, f.ACTOR_USER_ID_TYPE, "SID" if actor_id else "")
    _put(row, f.ACTOR_SESSION_ID, hex_to_decimal(data.get("SubjectLogonId")))
    _put(row, f.ACTOR_USER_TYPE, _USER_TYPES.get(account_type, ""))

    target_user = text(data.get("TargetUserName"))
    if target_user in ("", "-"):
        target_name, target_type, target_id = actor_name, actor_type, actor_id
    else:
        target_name, target_type = _username(
            target_user, text(data.get("TargetDomainName")), text(data.get("TargetUserSid"))
        )
        target_id = _user_id(text(data.get("TargetUserSid")))
    _put(row, f.TARGET_USERNAME, target_name)
    _put(row, f.TARGET_USERNAME_TYPE, target_type)
    _put(row, f.TARGET_USER_ID, target_id)
    _put(row, f.TARGET_USER_ID_TYPE, "SID" if target_id else "")
    _put(row, f.TARGET_USER_SESSION_ID, hex_to_decimal(data.get("TargetLogonId")))


def _username(name: str, domain: str, sid: str) -> tuple[str, str]:
    """The ASIM user name and its type, from an event's name, domain and SID."""
    if name in ("", "-"):
        well_known = _WELL_KNOWN_SIDS.get(sid, "")
        return well_known, "Simple" if well_known else ""
    if domain in ("", "-"):
        return name, "Simple"
    return f"{domain}\\{name}", "Windows"


def _user_id(sid: str) -> str:
    return "" if sid in ("", "-", _NULL_SID) else sid


def _put(row: Row, name: str, value: str) -> None:
    if value:
        row[name] = value
