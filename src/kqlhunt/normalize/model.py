"""The data passed between readers, mappers and the ingest loop."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

from kqlhunt.catalog import TableData


class SourceKind(enum.Enum):
    """Which process-creation event a record is, once its id and provider are known."""

    SYSMON_CREATE = "sysmon-1"
    SECURITY_4688 = "security-4688"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record, chunk or file that could not be read.

    `position` says where, in the unit the format has: "record 17", "line 3", "chunk 9",
    "byte 4096".
    """

    path: str
    position: str
    reason: str


@dataclass(slots=True)
class WinEvent:
    """One Windows process-creation event, whatever file format it came from.

    Readers build it only for records that `classify` recognised, so the work of copying the
    event data is spent on process events alone.

    Attributes:
        kind: Sysmon event 1 or Security event 4688.
        position: where the record sits in its file, for error reports.
        computer: the `Computer` of the event, as written.
        record_id: the EventRecordID (or the collector's record number), as text.
        time: the event's own time (System/TimeCreated, or a Sentinel TimeGenerated), UTC.
        data: the EventData names and values.
        table: the Log Analytics table this event would have landed in.
        origin_uid: a collector's own event id (Sentinel `EventOriginId`); wins over record_id.
        dvc_ip: the device address when the source carries one (Sentinel `HostIP`).
        dvc_id: a device id from the source (Sentinel `SourceComputerId`).
        account_type: Sentinel SecurityEvent `AccountType` (User or Machine).
    """

    kind: SourceKind
    position: str
    computer: str
    record_id: str
    time: datetime | None
    data: Mapping[str, object]
    table: str
    origin_uid: str = ""
    dvc_ip: str = ""
    dvc_id: str = ""
    account_type: str = ""


# What a reader yields per record: a process event to map, a record that is something else
# (None: counted as read, not normalized), or a record that could not be decoded.
RecordOutcome: TypeAlias = WinEvent | Skipped | None
RecordStream: TypeAlias = Iterator[RecordOutcome]


@dataclass
class IngestStats:
    """Counts from one `read_logs` call.

    Attributes:
        files_read: files whose format was recognised and whose records were read, even when
            some records were broken or none was a process event.
        files_failed: files that could not be opened, had no recognisable format, or whose
            container was unusable (e.g. an EVTX file header that does not parse).
        files_ignored: files met while walking folders that are plainly not logs
            (documentation, rule files, scripts, checksums), passed over unread.
        events_read: records decoded, of any event id.
        process_events: rows normalized into `imProcessCreate`.
        skipped: everything that was not read, with its position and the reason.
    """

    files_read: int = 0
    files_failed: int = 0
    files_ignored: int = 0
    events_read: int = 0
    process_events: int = 0
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class LogRead:
    """The result of `read_logs`: normalized tables by name, and the counts."""

    tables: dict[str, TableData]
    stats: IngestStats
