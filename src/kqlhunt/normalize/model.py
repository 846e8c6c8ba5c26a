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
    LINUX_SYSMON_CREATE = "linux-sysmon-1"
    MDE_PROCESS = "mde-process"
    AUDITD_EXECVE = "auditd-execve"


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
    """One process-creation event, whatever file format it came from.

    The name is historical: besides Windows (Sysmon 1, Security 4688) it carries Sysmon for
    Linux event 1, Defender for Endpoint process rows and auditd `execve` records.

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
        raw: the source row as exported, when the source is a table export (Sentinel,
            Defender); the vendor table row is built from it.
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
    raw: Mapping[str, object] | None = None


# What a reader yields per record: a process event to map, a record that is something else
# (None: counted as read, not normalized), or a record that could not be decoded.
RecordOutcome: TypeAlias = WinEvent | Skipped | None
RecordStream: TypeAlias = Iterator[RecordOutcome]


@dataclass
class IngestStats:
    """Counts from one `read_logs` call.

    Attributes:
        files_read: files whose format was recognised and whose records were read, even when
            some records were broken or none was a process event; empty files too.
        files_failed: files that could not be opened, had no recognisable format, or whose
            container was unusable (e.g. an EVTX file header that does not parse).
        files_ignored: files met while walking folders that are plainly not logs
            (documentation, rule files, scripts, checksums), passed over unread.
        events_read: records decoded, of any event id.
        process_events: rows normalized into `imProcessCreate`.
        files_duplicate: files passed over because the same content was already read (in
            this run, or earlier into the same workspace).
        events_duplicate: process events dropped because the same event was already kept.
        per_table: rows kept per table (`imProcessCreate` and the vendor tables).
        per_product: `imProcessCreate` rows per `EventProduct`.
        skipped: everything that was not read, with its position and the reason.
        empty_files: the files that hold nothing at all (named in a note, not skipped).
    """

    files_read: int = 0
    files_failed: int = 0
    files_ignored: int = 0
    events_read: int = 0
    process_events: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    files_duplicate: int = 0
    events_duplicate: int = 0
    per_table: dict[str, int] = field(default_factory=dict)
    per_product: dict[str, int] = field(default_factory=dict)
    empty_files: list[str] = field(default_factory=list)

    def merge(self, other: IngestStats) -> None:
        """Add the counts of `other` (e.g. from a worker process) to these."""
        self.files_read += other.files_read
        self.files_failed += other.files_failed
        self.files_ignored += other.files_ignored
        self.events_read += other.events_read
        self.process_events += other.process_events
        self.skipped.extend(other.skipped)
        self.empty_files.extend(other.empty_files)
        self.files_duplicate += other.files_duplicate
        self.events_duplicate += other.events_duplicate
        for name, count in other.per_table.items():
            self.per_table[name] = self.per_table.get(name, 0) + count
        for name, count in other.per_product.items():
            self.per_product[name] = self.per_product.get(name, 0) + count


@dataclass
class LogRead:
    """The result of `read_logs`: normalized tables by name, and the counts."""

    tables: dict[str, TableData]
    stats: IngestStats
