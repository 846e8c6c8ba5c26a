"""What every process-creation mapper shares: recognising the event, and the common fields."""

from __future__ import annotations

from collections.abc import Mapping

from kqlhunt.normalize import schema as f
from kqlhunt.normalize.json_codec import dumps_compact, dumps_compact_text
from kqlhunt.normalize.model import SourceKind, WinEvent
from kqlhunt.normalize.values import split_fqdn, text

SYSMON_PROVIDER = "Microsoft-Windows-Sysmon"
SYSMON_CHANNEL = "Microsoft-Windows-Sysmon/Operational"
SECURITY_PROVIDER = "Microsoft-Windows-Security-Auditing"
SECURITY_CHANNEL = "Security"
LINUX_SYSMON_PROVIDER = "Linux-Sysmon"

# The Log Analytics tables Microsoft's collectors write these events to.
EVENT_TABLE = "Event"
SECURITY_EVENT_TABLE = "SecurityEvent"
WINDOWS_EVENT_TABLE = "WindowsEvent"
SYSLOG_TABLE = "Syslog"
DEVICE_PROCESS_EVENTS_TABLE = "DeviceProcessEvents"

ROW_CONSTANTS: dict[str, object] = {
    f.EVENT_COUNT: 1,
    f.EVENT_TYPE: "ProcessCreated",
    f.EVENT_RESULT: "Success",
    f.EVENT_VENDOR: "Microsoft",
    f.EVENT_SCHEMA: "ProcessEvent",
    f.EVENT_SCHEMA_VERSION: f.SCHEMA_VERSION,
    f.DVC_OS: "Windows",
}

Row = dict[str, object]


def classify(event_id: object, provider: str, channel: str) -> SourceKind | None:
    """Tell whether a record is a process creation this package normalizes.

    Sysmon event 1 is recognised by its provider or channel; Sysmon for Linux by its own
    provider, `Linux-Sysmon`. Event 4688 is taken from the Security auditing
    provider or the Security channel, or when the source names neither.

    Args:
        event_id: the EventID as the source gives it (int or text).
        provider: the provider (source) name, "" when unknown.
        channel: the channel (event log) name, "" when unknown.

    Returns:
        The kind of process event, or None for any other record.
    """
    eid = text(event_id).strip()
    if eid == "1":
        if provider == SYSMON_PROVIDER or channel == SYSMON_CHANNEL:
            return SourceKind.SYSMON_CREATE
        if provider == LINUX_SYSMON_PROVIDER or channel.startswith(LINUX_SYSMON_PROVIDER):
            return SourceKind.LINUX_SYSMON_CREATE
        return None
    if eid == "4688":
        if provider == SECURITY_PROVIDER or channel == SECURITY_CHANNEL:
            return SourceKind.SECURITY_4688
        if not provider and not channel:
            return SourceKind.SECURITY_4688
    return None


def default_table(kind: SourceKind) -> str:
    """The table a raw (EVTX, XML, flattened JSON) event of this kind would land in."""
    return _DEFAULT_TABLES.get(kind, EVENT_TABLE)


_DEFAULT_TABLES: dict[SourceKind, str] = {
    SourceKind.SECURITY_4688: SECURITY_EVENT_TABLE,
    SourceKind.LINUX_SYSMON_CREATE: SYSLOG_TABLE,
    SourceKind.AUDITD_EXECVE: SYSLOG_TABLE,
    SourceKind.MDE_PROCESS: DEVICE_PROCESS_EVENTS_TABLE,
}


def base_row(event: WinEvent, product: str, original_type: str) -> Row:
    """The fields every process-creation row has: times, constants, device and source data.

    Args:
        event: the source event.
        product: the `EventProduct` value.
        original_type: the `EventOriginalType` value (the source event id).

    Returns:
        A row holding only the fields that have a value.
    """
    row: Row = dict(ROW_CONSTANTS)
    row[f.TYPE] = event.table
    row[f.TIME_GENERATED] = event.time
    row[f.EVENT_START_TIME] = event.time
    row[f.EVENT_END_TIME] = event.time
    row[f.EVENT_PRODUCT] = product
    row[f.EVENT_ORIGINAL_TYPE] = original_type
    row[f.EVENT_ORIGINAL_UID] = event.origin_uid or event.record_id
    row[f.ADDITIONAL_FIELDS] = additional_fields(event.data)
    _put_device(row, event)
    return row


def _put_device(row: Row, event: WinEvent) -> None:
    computer = event.computer.strip()
    host, domain = split_fqdn(computer)
    row[f.DVC_HOSTNAME] = host
    row[f.DVC] = host
    if domain:
        row[f.DVC_DOMAIN] = domain
        row[f.DVC_FQDN] = computer
        row[f.DVC_DOMAIN_TYPE] = "FQDN"
    if event.dvc_ip:
        row[f.DVC_IP_ADDR] = event.dvc_ip
    if event.dvc_id:
        row[f.DVC_ID] = event.dvc_id
        row[f.DVC_ID_TYPE] = "Other"


def additional_fields(data: Mapping[str, object]) -> str:
    """The event's own data as JSON text, scalar values as text so every source agrees."""
    kept: dict[str, object] = {}
    nested = False
    for name, value in data.items():
        if type(value) is not str:
            if isinstance(value, (list, dict)):
                nested = True
            else:
                value = text(value)
        kept[name] = value
    if nested:  # rare: numbers inside lists or objects are written as `json` writes them
        return dumps_compact(kept)
    return dumps_compact_text(kept)  # type: ignore[arg-type]


def put_hashes(row: Row, hashes: Mapping[str, str], fields: Mapping[str, str]) -> None:
    """Set per-algorithm hash fields, then `Hash`/`HashType` from the best one available.

    Args:
        row: the row to fill.
        hashes: algorithm name (upper case, e.g. `SHA256`) to hash value.
        fields: algorithm name to the row field that takes it, in order of preference for
            `Hash` (first wins).
    """
    chosen = ""
    for algorithm, field_name in fields.items():
        value = hashes.get(algorithm, "")
        if not value:
            continue
        row[field_name] = value
        if not chosen:
            chosen = algorithm
            row[f.HASH] = value
            row[f.HASH_TYPE] = algorithm
