"""CSV exports of Sentinel and Defender tables.

The header tells the table: a `Type` column when the export kept it, otherwise the columns
themselves (`NewProcessName` → `SecurityEvent`, `SyslogMessage` → `Syslog`, Defender's process
columns in either naming → `DeviceProcessEvents`, `AuditdMessage` → a Linux audit custom table).
A first column without a name (the index pandas writes, as in the msticpy data) is dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from kqlhunt.normalize.auditd import execve_event, merge_records, records_from_repr
from kqlhunt.normalize.base import (
    DEVICE_PROCESS_EVENTS_TABLE,
    EVENT_TABLE,
    SECURITY_EVENT_TABLE,
    SYSLOG_TABLE,
    WINDOWS_EVENT_TABLE,
)
from kqlhunt.normalize.json_shapes import sentinel_row
from kqlhunt.normalize.mde import is_device_process_row
from kqlhunt.normalize.model import RecordStream, Skipped, WinEvent
from kqlhunt.normalize.values import parse_time, text

csv.field_size_limit(1 << 30)

AUDIT_CUSTOM_TABLE = "LinuxAuditLog_CL"


def csv_table(header: list[str]) -> str | None:
    """The table a CSV header belongs to, or None when it is no table this package reads."""
    columns = set(header)
    if "AuditdMessage" in columns:
        return AUDIT_CUSTOM_TABLE
    if is_device_process_row(dict.fromkeys(columns)):
        return DEVICE_PROCESS_EVENTS_TABLE
    if "SyslogMessage" in columns:
        return SYSLOG_TABLE
    if "EventID" not in columns:
        return None
    if "NewProcessName" in columns or "EventSourceName" in columns:
        return SECURITY_EVENT_TABLE
    if "Provider" in columns:
        return WINDOWS_EVENT_TABLE
    if "Source" in columns or "EventLog" in columns:
        return EVENT_TABLE
    return None


def read_csv(path_name: str, content: str) -> RecordStream | None:
    """Yield the records of a CSV export, or return None when its header is not a known table.

    Args:
        path_name: the file name, for error reports.
        content: the decoded text.

    Yields:
        A `WinEvent` per process row, None per other row, a `Skipped` per row that does not
        decode; positions are "line N" (the line the row starts on).
    """
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None
    types = [h for h in header if h and h != "Type"]
    table = csv_table(types)
    if table is None:
        return None
    return _rows(path_name, reader, header, table)


def _rows(path_name: str, reader: Any, header: list[str], fallback: str) -> RecordStream:
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skipped(path_name, f"line {line}", f"invalid CSV: {exc}")
            line = reader.line_num + 1
            continue
        position = f"line {line}"
        line = reader.line_num + 1
        if not values:
            continue
        if len(values) != len(header):
            yield Skipped(path_name, position, f"{len(values)} fields, header has {len(header)}")
            continue
        row = {name: value for name, value in zip(header, values, strict=True) if name}
        table = text(row.get("Type")) or fallback
        try:
            if table == AUDIT_CUSTOM_TABLE:
                yield _audit_row(row, position)
            else:
                yield sentinel_row(row, table, position)
        except ValueError as exc:
            yield Skipped(path_name, position, str(exc))


def _audit_row(row: Mapping[str, str], position: str) -> WinEvent | None:
    """A row of a Linux audit custom table: `mssg_id` is `<epoch>:<serial>`."""
    record = merge_records(records_from_repr(row.get("AuditdMessage", "")))
    if record is None:
        return None
    epoch, _, serial = text(row.get("mssg_id")).partition(":")
    return execve_event(
        record,
        position,
        stamp=(epoch, serial),
        computer=text(row.get("Computer")),
        time=parse_time(row.get("TimeGenerated")),
        table=AUDIT_CUSTOM_TABLE,
    )
