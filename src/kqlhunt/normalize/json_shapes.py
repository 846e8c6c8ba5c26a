"""The JSON object shapes Windows events come in, each turned into a `WinEvent`.

* EVTX-parser JSON (`Event.System`, `Event.EventData`, `#attributes`): see `event_json`.
* Microsoft Sentinel table exports, told apart by their `Type` column:
  `SecurityEvent` (4688 data as columns, and sometimes an `EventData` XML text beside them),
  `WindowsEvent` (`EventData` is a JSON text or object), `Event` (`EventData` is XML).
* Flattened collector output such as the OTRF "Mordor" datasets (NXLog through Logstash, or
  later flat exports): `EventID`, `Channel`/`SourceName`, `Hostname`, and the event data names
  at the top level beside the collector's own fields. The event time is `TimeCreated` when
  the export has it; NXLog rows only carry the host's local `EventTime`, so their time is
  Logstash's `@timestamp` (UTC, when the collector received the event, usually within a
  second or two).
* Sentinel `Syslog` rows carrying Sysmon for Linux XML or AUOMS audit lines, and Defender
  `DeviceProcessEvents` rows (Sentinel, or an Advanced Hunting JSON export without `Type`).
* Winlogbeat / Elastic Common Schema documents: the original event data sits under
  `winlog.event_data`, its id, provider and channel under `winlog`, the time in `@timestamp`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from kqlhunt.normalize.auditd import AUDIT_HEADER, execve_event, merge_records
from kqlhunt.normalize.base import (
    DEVICE_PROCESS_EVENTS_TABLE,
    EVENT_TABLE,
    SECURITY_EVENT_TABLE,
    SYSLOG_TABLE,
    WINDOWS_EVENT_TABLE,
    classify,
    default_table,
)
from kqlhunt.normalize.event_json import event_from_evtx_json, is_evtx_json
from kqlhunt.normalize.mde import event_from_device_row, is_device_process_row
from kqlhunt.normalize.model import SourceKind, WinEvent
from kqlhunt.normalize.security import EVENT_DATA_NAMES as SECURITY_4688_NAMES
from kqlhunt.normalize.values import parse_time, text
from kqlhunt.normalize.xml_reader import event_data_from_text, event_from_xml, lenient_xml

# Fields flattened collectors add around the event data (NXLog, Logstash, flat exports).
COLLECTOR_FIELDS = frozenset(
    {
        "@timestamp", "@version", "AccountName", "AccountType", "Category", "Channel",
        "Domain", "EventID", "EventReceivedTime", "EventTime", "EventType",
        "ExecutionProcessID", "Hostname", "Keywords", "Level", "Message", "Opcode",
        "OpcodeValue", "ProviderGuid", "RecordNumber", "Severity", "SeverityValue",
        "SourceModuleName", "SourceModuleType", "SourceName", "Task", "ThreadID",
        "TimeCreated", "UserID", "Version", "host", "port", "tags",
    }
)  # fmt: skip


def event_from_object(record: dict[str, object], position: str) -> WinEvent | None:
    """Turn one decoded JSON object into a `WinEvent`, or None when it is no process event.

    Args:
        record: the JSON object.
        position: where it is in its file, for error reports.

    Returns:
        The event when it is a Sysmon 1 or Security 4688 event in a known shape, else None.

    Raises:
        ValueError: the object is a process event whose event data cannot be decoded.
    """
    if is_evtx_json(record):
        return event_from_evtx_json(record, position)
    table = record.get("Type")
    if isinstance(table, str) and "TimeGenerated" in record:
        return sentinel_row(record, table, position)
    if isinstance(record.get("winlog"), Mapping):
        return _winlogbeat(record, position)
    if is_device_process_row(record):
        return event_from_device_row(record, position)
    if "EventID" in record:
        return _flattened(record, position)
    return None


def sentinel_row(row: Mapping[str, object], table: str, position: str) -> WinEvent | None:
    """The process event of one exported Sentinel row (JSON or CSV), or None.

    Args:
        row: the row, column names to values.
        table: the table it was exported from (`Type`, or inferred from the columns).
        position: where it is, for error reports.

    Raises:
        ValueError: the row is a process event whose event data cannot be decoded.
    """
    if table == SYSLOG_TABLE:
        return _syslog_row(row, position)
    if table == DEVICE_PROCESS_EVENTS_TABLE:
        return event_from_device_row(row, position)
    if table == SECURITY_EVENT_TABLE:
        provider, channel = text(row.get("EventSourceName")), text(row.get("Channel"))
    elif table == WINDOWS_EVENT_TABLE:
        provider, channel = text(row.get("Provider")), text(row.get("Channel"))
    elif table == EVENT_TABLE:
        provider, channel = text(row.get("Source")), text(row.get("EventLog"))
    else:
        return None
    kind = classify(row.get("EventID"), provider, channel)
    if kind is None:
        return None

    return WinEvent(
        kind=kind,
        position=position,
        computer=text(row.get("Computer")),
        record_id=text(row.get("EventRecordId")),
        time=parse_time(row.get("TimeGenerated")),
        data=_sentinel_data(row, table),
        table=table,
        origin_uid=text(row.get("EventOriginId")),
        dvc_ip=text(row.get("HostIP")),
        dvc_id=text(row.get("SourceComputerId")),
        account_type=text(row.get("AccountType")) if table == SECURITY_EVENT_TABLE else "",
        raw=row,
    )


def _syslog_row(row: Mapping[str, object], position: str) -> WinEvent | None:
    """Sysmon for Linux XML or an AUOMS execve line inside a Sentinel `Syslog` row."""
    message = text(row.get("SyslogMessage"))
    time = parse_time(row.get("TimeGenerated"))
    computer = text(row.get("Computer") or row.get("HostName"))
    host_ip = text(row.get("HostIP"))
    start = message.find("<Event")
    if start >= 0:
        element = lenient_xml(message[start:])
        if element is None:
            if "Linux-Sysmon" not in message:
                return None
            raise ValueError("Sysmon XML in SyslogMessage does not parse")
        event = event_from_xml(element, position)
        if event is None or event.kind is not SourceKind.LINUX_SYSMON_CREATE:
            return None
        event.table = SYSLOG_TABLE
        event.time = time or event.time
        event.dvc_ip = host_ip
        event.raw = row
        return event
    header = AUDIT_HEADER.search(message)
    if header is None:
        return None
    record = merge_records([(header.group(1), message[header.end() :])])
    if record is None:
        return None
    stamp = (header.group(2), header.group(3))
    return execve_event(
        record, position, stamp=stamp, computer=computer, time=time, raw=row, dvc_ip=host_ip
    )


def _winlogbeat(record: Mapping[str, object], position: str) -> WinEvent | None:
    """A Winlogbeat (ECS) document: the original event under `winlog`."""
    winlog = record["winlog"]
    assert isinstance(winlog, Mapping)
    kind = classify(
        winlog.get("event_id"), text(winlog.get("provider_name")), text(winlog.get("channel"))
    )
    if kind is None:
        return None
    data = winlog.get("event_data")
    host = record.get("host")
    computer = text(winlog.get("computer_name"))
    if not computer and isinstance(host, Mapping):
        computer = text(host.get("name"))
    return WinEvent(
        kind=kind,
        position=position,
        computer=computer,
        record_id=text(winlog.get("record_id")),
        time=parse_time(record.get("@timestamp")),
        data=data if isinstance(data, Mapping) else {},
        table=default_table(kind),
    )


def _sentinel_data(row: Mapping[str, object], table: str) -> Mapping[str, object]:
    raw = row.get("EventData")
    if table == WINDOWS_EVENT_TABLE:
        if isinstance(raw, Mapping):
            return raw
        try:
            decoded = json.loads(text(raw) or "{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"WindowsEvent EventData is not JSON: {exc}") from exc
        if not isinstance(decoded, dict):
            raise ValueError("WindowsEvent EventData is not a JSON object")
        return decoded
    from_xml = event_data_from_text(raw) if isinstance(raw, str) and raw.strip() else {}
    if from_xml or table != SECURITY_EVENT_TABLE:
        return from_xml
    return {name: row[name] for name in SECURITY_4688_NAMES if name in row}


def _flattened(record: dict[str, object], position: str) -> WinEvent | None:
    provider = text(record.get("SourceName") or record.get("ProviderName"))
    kind = classify(record.get("EventID"), provider, text(record.get("Channel")))
    if kind is None:
        return None

    time = parse_time(record.get("TimeCreated")) or parse_time(record.get("@timestamp"))
    return WinEvent(
        kind=kind,
        position=position,
        computer=text(record.get("Hostname") or record.get("Computer")),
        record_id=text(record.get("RecordNumber") or record.get("EventRecordID")),
        time=time,
        data={k: v for k, v in record.items() if k not in COLLECTOR_FIELDS},
        table=default_table(kind),
    )
