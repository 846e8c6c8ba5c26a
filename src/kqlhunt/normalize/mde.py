"""Microsoft Defender for Endpoint process creations (`DeviceProcessEvents`) to ASIM.

Follows `ASimProcessEventMicrosoft365D` (the later 0.1.2 text that resolves the device FQDN):
`FolderPath` is the target process name (a full path) and `FileName` its file part, the
`InitiatingProcess*` columns are the acting process, `InitiatingProcessParent*` the parent,
`User` is the target user or else the actor, `Hash` is the best of SHA256 > SHA1 > MD5.

Rows come as exported from Advanced Hunting (CSV or JSON, `Timestamp` first) or from the
Sentinel table, and also in the sensor's internal column names (`CreatedProcess*`,
`InitiatingProcessImage*`, `ComputerDnsName`, ...) that some exports carry; those are renamed to
the `DeviceProcessEvents` names first (`INTERNAL_NAMES`).
"""

from __future__ import annotations

from collections.abc import Mapping

from kqlhunt.normalize import schema as f
from kqlhunt.normalize.base import DEVICE_PROCESS_EVENTS_TABLE, Row, additional_fields, put_hashes
from kqlhunt.normalize.model import SourceKind, WinEvent
from kqlhunt.normalize.values import file_name, parse_time, split_fqdn, text, user_type

PRODUCT = "M365 Defender for Endpoint"

# Sensor-internal column -> DeviceProcessEvents column (the internal schema of the
# msticpy test data; the names line up with the documented table one by one).
INTERNAL_NAMES: dict[str, str] = {
    "CreatedProcessName": "FileName",
    "CreatedProcessFilePath": "FolderPath",
    "CreatedProcessCommandLine": "ProcessCommandLine",
    "CreatedProcessId": "ProcessId",
    "CreatedProcessCreationTime": "ProcessCreationTime",
    "CreatedProcessIntegrityLevel": "ProcessIntegrityLevel",
    "CreatedProcessTokenElevationType": "ProcessTokenElevation",
    "CreatedProcessAccountSid": "AccountSid",
    "CreatedProcessAccountName": "AccountName",
    "CreatedProcessAccountDomainName": "AccountDomain",
    "CreatedProcessAccountUpn": "AccountUpn",
    "CreatedProcessAccountAzureADId": "AccountObjectId",
    "CreatedProcessFileMd5": "MD5",
    "CreatedProcessFileSha1": "SHA1",
    "CreatedProcessFileSha256": "SHA256",
    "CreatedProcessFileSize": "FileSize",
    "CreatedProcessVersionInfoCompanyName": "ProcessVersionInfoCompanyName",
    "CreatedProcessVersionInfoProductName": "ProcessVersionInfoProductName",
    "CreatedProcessVersionInfoProductVersion": "ProcessVersionInfoProductVersion",
    "CreatedProcessVersionInfoInternalFileName": "ProcessVersionInfoInternalFileName",
    "CreatedProcessVersionInfoOriginalFileName": "ProcessVersionInfoOriginalFileName",
    "CreatedProcessVersionInfoFileDescription": "ProcessVersionInfoFileDescription",
    "InitiatingProcessImageMd5": "InitiatingProcessMD5",
    "InitiatingProcessImageSha1": "InitiatingProcessSHA1",
    "InitiatingProcessImageSha256": "InitiatingProcessSHA256",
    "InitiatingProcessImageFileSizeInBytes": "InitiatingProcessFileSize",
    "InitiatingProcessAccountDomainName": "InitiatingProcessAccountDomain",
    "InitiatingProcessAccountAzureADId": "InitiatingProcessAccountObjectId",
    "InitiatingProcessName": "InitiatingProcessFileName",
    "Process_CommandLine": "InitiatingProcessCommandLine",
    "InitiatingProcessParentProcessId": "InitiatingProcessParentId",
    "InitiatingProcessParentProcessName": "InitiatingProcessParentFileName",
    "InitiatingProcessTokenElevationType": "InitiatingProcessTokenElevation",
    "ComputerDnsName": "DeviceName",
    "MachineId": "DeviceId",
    "ReportIndex": "ReportId",
}

# Columns that mark a row as a process row of either naming.
DPE_MARKERS = ("ProcessCommandLine", "InitiatingProcessFileName")
INTERNAL_MARKERS = ("CreatedProcessCommandLine", "CreatedProcessName")


def is_device_process_row(columns: Mapping[str, object]) -> bool:
    """Whether a row (or CSV header) has the columns of a Defender process row, either naming."""
    return all(c in columns for c in DPE_MARKERS) or all(c in columns for c in INTERNAL_MARKERS)


def is_process_created(row: Mapping[str, object]) -> bool:
    """Whether a Defender row is a process creation: an Advanced Hunting export may mix tables
    (`DeviceEvents`, `IdentityQueryEvents`, ...) that share some process columns."""
    action = text(row.get("ActionType"))
    if action and action != "ProcessCreated":
        return False
    return bool(text(row.get("FileName") or row.get("CreatedProcessName")))


def to_device_process_events(row: Mapping[str, object]) -> dict[str, object]:
    """A Defender row with the sensor-internal names renamed to `DeviceProcessEvents` ones.

    The internal initiating-process path is a folder; the table's `InitiatingProcessFolderPath`
    is the full path of the image, so the file name is joined on. The internal parent name is
    a device path; the table has its file name only. A row already in the table's names is
    returned as it is.
    """
    if not any(name in row for name in INTERNAL_MARKERS):
        return dict(row)
    renamed: dict[str, object] = {}
    for name, value in row.items():
        renamed[INTERNAL_NAMES.get(name, name)] = value
    folder = text(row.get("InitiatingProcessImageFilePath"))
    image = text(row.get("InitiatingProcessName"))
    if folder and image:
        renamed["InitiatingProcessFolderPath"] = f"{folder.rstrip(chr(92))}\\{image}"
    parent = text(row.get("InitiatingProcessParentProcessName"))
    if parent:
        renamed["InitiatingProcessParentFileName"] = file_name(parent)
    time = row.get("ReportTime") or row.get("CreatedProcessCreationTime")
    renamed.setdefault("Timestamp", time)
    renamed.setdefault("ActionType", "ProcessCreated")
    return renamed


def event_from_device_row(row: Mapping[str, object], position: str) -> WinEvent | None:
    """A `WinEvent` for one Defender process row (either naming); None for other rows."""
    if not is_process_created(row):
        return None
    columns = to_device_process_events(row)
    time = parse_time(text(columns.get("Timestamp") or columns.get("TimeGenerated")))
    return WinEvent(
        kind=SourceKind.MDE_PROCESS,
        position=position,
        computer=text(columns.get("DeviceName")),
        record_id=text(columns.get("ReportId")),
        time=time,
        data=columns,
        table=DEVICE_PROCESS_EVENTS_TABLE,
        dvc_id=text(columns.get("DeviceId")),
        raw=columns,
    )


# DeviceProcessEvents column -> ASIM field, copied as text.
_COPIED: dict[str, str] = {
    "FolderPath": f.TARGET_PROCESS_NAME,
    "FileName": f.TARGET_PROCESS_FILENAME,
    "ProcessId": f.TARGET_PROCESS_ID,
    "ProcessCommandLine": f.TARGET_PROCESS_COMMAND_LINE,
    "ProcessIntegrityLevel": f.TARGET_PROCESS_INTEGRITY_LEVEL,
    "ProcessTokenElevation": f.TARGET_PROCESS_TOKEN_ELEVATION,
    "ProcessVersionInfoCompanyName": f.TARGET_PROCESS_FILE_COMPANY,
    "ProcessVersionInfoProductName": f.TARGET_PROCESS_FILE_PRODUCT,
    "ProcessVersionInfoProductVersion": f.TARGET_PROCESS_FILE_VERSION,
    "ProcessVersionInfoInternalFileName": f.TARGET_PROCESS_FILE_INTERNAL_NAME,
    "ProcessVersionInfoOriginalFileName": f.TARGET_PROCESS_FILE_ORIGINAL_NAME,
    "ProcessVersionInfoFileDescription": f.TARGET_PROCESS_FILE_DESCRIPTION,
    "InitiatingProcessFolderPath": f.ACTING_PROCESS_NAME,
    "InitiatingProcessFileName": f.ACTING_PROCESS_FILENAME,
    "InitiatingProcessId": f.ACTING_PROCESS_ID,
    "InitiatingProcessCommandLine": f.ACTING_PROCESS_COMMAND_LINE,
    "InitiatingProcessIntegrityLevel": f.ACTING_PROCESS_INTEGRITY_LEVEL,
    "InitiatingProcessTokenElevation": f.ACTING_PROCESS_TOKEN_ELEVATION,
    "InitiatingProcessMD5": f.ACTING_PROCESS_MD5,
    "InitiatingProcessSHA1": f.ACTING_PROCESS_SHA1,
    "InitiatingProcessSHA256": f.ACTING_PROCESS_SHA256,
    "InitiatingProcessParentId": f.PARENT_PROCESS_ID,
    "InitiatingProcessParentFileName": f.PARENT_PROCESS_NAME,
    "AccountSid": f.TARGET_USER_ID,
    "LogonId": f.TARGET_USER_SESSION_ID,
    "InitiatingProcessAccountSid": f.ACTOR_USER_ID,
    "InitiatingProcessLogonId": f.ACTOR_SESSION_ID,
    "ReportId": f.EVENT_ORIGINAL_UID,
}

_TIMES: dict[str, str] = {
    "ProcessCreationTime": f.TARGET_PROCESS_CREATION_TIME,
    "InitiatingProcessCreationTime": f.ACTING_PROCESS_CREATION_TIME,
    "InitiatingProcessParentCreationTime": f.PARENT_PROCESS_CREATION_TIME,
}

_HASH_FIELDS: dict[str, str] = {
    "SHA256": f.TARGET_PROCESS_SHA256,
    "SHA1": f.TARGET_PROCESS_SHA1,
    "MD5": f.TARGET_PROCESS_MD5,
}


def map_device_process(event: WinEvent) -> Row:
    """Normalize one `DeviceProcessEvents` row into an `imProcessCreate` row."""
    data = event.data
    row: Row = {
        f.TYPE: DEVICE_PROCESS_EVENTS_TABLE,
        f.TIME_GENERATED: event.time,
        f.EVENT_START_TIME: event.time,
        f.EVENT_END_TIME: event.time,
        f.EVENT_COUNT: 1,
        f.EVENT_TYPE: text(data.get("ActionType")) or "ProcessCreated",
        f.EVENT_RESULT: "Success",
        f.EVENT_VENDOR: "Microsoft",
        f.EVENT_PRODUCT: PRODUCT,
        f.EVENT_SCHEMA: "ProcessEvent",
        f.EVENT_SCHEMA_VERSION: f.SCHEMA_VERSION,
        f.ADDITIONAL_FIELDS: additional_fields(data),
    }
    for source, target in _COPIED.items():
        value = _number_text(data.get(source))
        if value:
            row[target] = value
    for source, target in _TIMES.items():
        time = parse_time(text(data.get(source)))
        if time is not None:
            row[target] = time
    for prefix, field in (("", f.TARGET_USER_ID_TYPE), ("InitiatingProcess", f.ACTOR_USER_ID_TYPE)):
        if text(data.get(f"{prefix}AccountSid")):
            row[field] = "SID"

    _put_user(row, data, "Account", f.TARGET_USERNAME, f.TARGET_USERNAME_TYPE)
    _put_user(row, data, "InitiatingProcessAccount", f.ACTOR_USERNAME, f.ACTOR_USERNAME_TYPE)
    hashes = {name: text(data.get(name)) for name in _HASH_FIELDS}
    put_hashes(row, hashes, _HASH_FIELDS)

    _put_device(row, event)
    extra = text(data.get("AdditionalFields"))
    row[f.DVC_OS] = "Linux" if "ProcessPosixProcessGroupId" in extra else "Windows"
    row[f.USER] = row.get(f.TARGET_USERNAME) or row.get(f.ACTOR_USERNAME, "")
    row[f.PROCESS] = row.get(f.TARGET_PROCESS_NAME, "")
    row[f.COMMAND_LINE] = row.get(f.TARGET_PROCESS_COMMAND_LINE, "")
    return row


def _put_user(row: Row, data: Mapping[str, object], prefix: str, name: str, kind: str) -> None:
    user = text(data.get(f"{prefix}Name"))
    domain = text(data.get(f"{prefix}Domain"))
    if not user:
        return
    row[name] = f"{domain}\\{user}" if domain else user
    row[kind] = user_type(str(row[name]))


def _put_device(row: Row, event: WinEvent) -> None:
    device = event.computer.strip()
    host, domain = split_fqdn(device)
    row[f.DVC_HOSTNAME] = host
    row[f.DVC] = host
    if domain:
        row[f.DVC_DOMAIN] = domain
        row[f.DVC_FQDN] = device
        row[f.DVC_DOMAIN_TYPE] = "FQDN"
    if event.dvc_id:
        row[f.DVC_ID] = event.dvc_id
        row[f.DVC_ID_TYPE] = "MDEid"
    group = text(event.data.get("MachineGroup"))
    if group:
        row[f.DVC_SCOPE] = group


def _number_text(value: object) -> str:
    """Text of a value; a CSV number written as `12.0` loses its `.0`."""
    raw = text(value)
    if raw.endswith(".0") and raw[:-2].isdigit():
        return raw[:-2]
    return raw
