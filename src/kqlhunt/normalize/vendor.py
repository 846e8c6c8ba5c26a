"""The Log Analytics tables the sources are: `SecurityEvent`, `Event`, `WindowsEvent`, `Syslog`,
`DeviceProcessEvents`, with Sentinel's column names and types.

Rules written against those tables (`SecurityEvent | where EventID == 4688 ...`) run on the
same events as the ASIM rules. A row is built the way the collector would have written it:
from the exported row itself when the source is a table export, otherwise from the event (an
EVTX 4688 becomes the `SecurityEvent` row the agent writes: event data as columns, `Account`,
`Activity`, `Process`; a Sysmon event becomes an `Event` row with the `<DataItem>` XML the
legacy agent stores in `EventData`).

Only process-creation events are read into these tables; other events of the same sources
are counted, not kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from xml.sax.saxutils import escape

from kqlhunt.normalize import schema as f
from kqlhunt.normalize.base import (
    DEVICE_PROCESS_EVENTS_TABLE,
    EVENT_TABLE,
    SECURITY_EVENT_TABLE,
    SYSLOG_TABLE,
    SYSMON_CHANNEL,
    SYSMON_PROVIDER,
    WINDOWS_EVENT_TABLE,
    Row,
)
from kqlhunt.normalize.model import SourceKind, WinEvent
from kqlhunt.normalize.security import EVENT_DATA_NAMES as SECURITY_4688_NAMES
from kqlhunt.normalize.values import file_name, parse_number, parse_time, text
from kqlhunt.normalize.vendor_schemas import (
    DEVICE_PROCESS_EVENTS,
    EVENT,
    SECURITY_EVENT,
    SYSLOG,
    WINDOWS_EVENT,
)
from kqlhunt.types import KqlType

VENDOR_TABLES: dict[str, dict[str, KqlType]] = {
    SECURITY_EVENT_TABLE: SECURITY_EVENT,
    EVENT_TABLE: EVENT,
    WINDOWS_EVENT_TABLE: WINDOWS_EVENT,
    SYSLOG_TABLE: SYSLOG,
    DEVICE_PROCESS_EVENTS_TABLE: DEVICE_PROCESS_EVENTS,
}
"""Each vendor table's columns, in order, with their KQL types."""

# `json.dumps` with options builds an encoder per call; one encoder serves every event.
_EVENT_DATA_JSON = json.JSONEncoder(ensure_ascii=False, default=str)

_ACTIVITY_4688 = "4688 - A new process has been created."
_EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def vendor_row(event: WinEvent, asim: Row) -> tuple[str, Row] | None:
    """The vendor-table row of an event: (table name, row), or None for sources with no table.

    Args:
        event: the source event.
        asim: its `imProcessCreate` row (for the values both share).
    """
    table = event.table
    columns = VENDOR_TABLES.get(table)
    if columns is None:
        return None
    row: Row = {}
    if event.raw is not None:
        row.update(_typed(event.raw, columns))
    if table == SECURITY_EVENT_TABLE:
        _security_event(row, event)
    elif table == EVENT_TABLE:
        _event(row, event)
    elif table == WINDOWS_EVENT_TABLE:
        _windows_event(row, event)
    elif table == SYSLOG_TABLE:
        _syslog(row, event)
    if not row.get("TimeGenerated"):
        row["TimeGenerated"] = asim.get(f.TIME_GENERATED)
    row.setdefault("Computer", event.computer)
    row["Type"] = table
    if table == DEVICE_PROCESS_EVENTS_TABLE:
        row.pop("Computer", None)
    return table, row


def _typed(raw: Mapping[str, object], columns: Mapping[str, KqlType]) -> Row:
    """The exported row's values for the table's columns, converted to their types."""
    row: Row = {}
    for name, kql_type in columns.items():
        value = raw.get(name)
        if value is None or value == "":
            continue
        if kql_type is KqlType.DATETIME:
            row[name] = parse_time(text(value))
        elif kql_type in (KqlType.INT, KqlType.LONG):
            row[name] = parse_number(value)
        elif kql_type is KqlType.REAL:
            row[name] = _real(value)
        elif kql_type is KqlType.BOOL:
            row[name] = text(value).lower() in ("true", "1")
        elif kql_type is KqlType.DYNAMIC:
            row[name] = value if isinstance(value, str) else json.dumps(value)
        else:
            row[name] = text(value)
    return row


def _real(value: object) -> float | None:
    try:
        return float(text(value))
    except ValueError:
        return None


def _security_event(row: Row, event: WinEvent) -> None:
    data = event.data
    for name in SECURITY_4688_NAMES:
        if name not in row:
            value = text(data.get(name))
            if value:
                row[name] = value
    row.setdefault("EventID", 4688)
    row.setdefault("Activity", _ACTIVITY_4688)
    row.setdefault("Channel", "Security")
    row.setdefault("EventSourceName", "Microsoft-Windows-Security-Auditing")
    subject = _account(text(data.get("SubjectDomainName")), text(data.get("SubjectUserName")))
    target = _account(text(data.get("TargetDomainName")), text(data.get("TargetUserName")))
    row.setdefault("SubjectAccount", subject)
    row.setdefault("TargetAccount", target)
    row.setdefault("Account", subject)
    if event.account_type:
        row.setdefault("AccountType", event.account_type)
    new_process = text(data.get("NewProcessName"))
    if new_process:
        row.setdefault("Process", file_name(new_process))
    if event.origin_uid:
        row.setdefault("EventOriginId", event.origin_uid)
    if event.dvc_id:
        row.setdefault("SourceComputerId", event.dvc_id)


def _account(domain: str, name: str) -> str:
    if not name or name == "-":
        return ""
    return f"{domain}\\{name}" if domain and domain != "-" else name


def _event(row: Row, event: WinEvent) -> None:
    row.setdefault("Source", SYSMON_PROVIDER)
    row.setdefault("EventLog", SYSMON_CHANNEL)
    row.setdefault("EventID", 1)
    row.setdefault("EventLevel", 4)
    row.setdefault("EventLevelName", "Information")
    row.setdefault("EventCategory", 1)
    row.setdefault("EventData", event_data_xml(event.data))
    user = text(event.data.get("User"))
    if user:
        row.setdefault("UserName", user)


def event_data_xml(data: Mapping[str, object]) -> str:
    """The `<DataItem>` XML the legacy agent stores in `Event.EventData`."""
    return (
        f'<DataItem type="System.XmlData" time="" sourceHealthServiceId="">'
        f'<EventData xmlns="{_EVENT_NS}">{_data_elements(data, nested=False)}</EventData>'
        "</DataItem>"
    )


def _data_elements(data: Mapping[str, object], *, nested: bool) -> str:
    """`<Data Name="...">value</Data>` for each item, escaped; list and dict values are left out
    unless `nested`, which writes their text."""
    names: list[str] = []
    values: list[str] = []
    for name, value in data.items():
        if type(value) is not str:
            if not nested and isinstance(value, (list, dict)):
                continue
            value = text(value)
        names.append(name)
        values.append(value)
    # Most events have nothing to escape: one scan of all their text for each of the three
    # characters, then the elements written by `map`, costs far less than a look per value.
    everything = "".join(names) + "".join(values)
    if "&" in everything or "<" in everything or ">" in everything:
        names = list(map(escape, names))
        values = list(map(escape, values))
    return "".join(map(_DATA_ELEMENT.format, names, values))


_DATA_ELEMENT = '<Data Name="{}">{}</Data>'


def _windows_event(row: Row, event: WinEvent) -> None:
    sysmon = event.kind is SourceKind.SYSMON_CREATE
    row.setdefault("Provider", SYSMON_PROVIDER if sysmon else "Microsoft-Windows-Security-Auditing")
    row.setdefault("Channel", SYSMON_CHANNEL if sysmon else "Security")
    row.setdefault("EventID", 1 if sysmon else 4688)
    row["EventData"] = _EVENT_DATA_JSON.encode(dict(event.data))
    if event.record_id:
        row.setdefault("EventRecordId", event.record_id)
    if event.origin_uid:
        row.setdefault("EventOriginId", event.origin_uid)


def _syslog(row: Row, event: WinEvent) -> None:
    row.setdefault("HostName", event.computer)
    row.setdefault("Facility", "user")
    row.setdefault("SeverityLevel", "info")
    if event.dvc_ip:
        row.setdefault("HostIP", event.dvc_ip)
    if event.kind is SourceKind.LINUX_SYSMON_CREATE:
        row.setdefault("ProcessName", "sysmon")
        row.setdefault("SyslogMessage", _linux_sysmon_xml(event))
    else:
        row.setdefault("ProcessName", "auoms" if "auoms_version" in event.data else "auditd")
        row.setdefault("SyslogMessage", text(event.data.get("cmdline")))
    row.setdefault("EventTime", event.time)


def _linux_sysmon_xml(event: WinEvent) -> str:
    items = _data_elements(event.data, nested=True)
    time = event.time.isoformat().replace("+00:00", "Z") if event.time else ""
    return (
        '<Event><System><Provider Name="Linux-Sysmon"/><EventID>1</EventID>'
        f'<TimeCreated SystemTime="{time}"/><EventRecordID>{escape(event.record_id)}'
        f"</EventRecordID><Channel>Linux-Sysmon/Operational</Channel>"
        f"<Computer>{escape(event.computer)}</Computer></System>"
        f"<EventData>{items}</EventData></Event>"
    )
