"""Line-oriented Linux logs: syslog files and raw auditd logs.

* A syslog line (`May 11 18:10:20 host sysmon: <Event>...</Event>`) carries a Sysmon for Linux
  event as XML after the syslog prefix; the XML is cut out and read like any rendered event.
* Audit lines (`type=SYSCALL msg=audit(1604994496.155:92733): ...`), raw or behind a syslog
  prefix (audispd, AUOMS), are grouped by their `audit(<epoch>:<serial>)` stamp into events.
"""

from __future__ import annotations

import re

from kqlhunt.normalize.auditd import AUDIT_HEADER, events_from_lines, execve_event
from kqlhunt.normalize.base import SYSLOG_TABLE
from kqlhunt.normalize.model import RecordStream, Skipped
from kqlhunt.normalize.xml_reader import event_from_xml, lenient_xml

# The host name of a BSD syslog line: `Mmm dd hh:mm:ss host tag:`.
_SYSLOG_HOST = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) ")


def looks_like_text_log(head: str) -> bool:
    """Whether the start of a file is syslog with Sysmon XML, or audit lines."""
    return bool(AUDIT_HEADER.search(head)) or ("<Event" in head and "</" in head)


def read_text_log(path_name: str, content: str) -> RecordStream:
    """Yield the records of a syslog or auditd text.

    Args:
        path_name: the file name, for error reports.
        content: the decoded text.

    Yields:
        A `WinEvent` per process event, None per other event, a `Skipped` per event that does
        not parse; positions are "line N".
    """
    audit_lines: list[tuple[int, str]] = []
    host = ""
    for number, line in enumerate(content.splitlines(), 1):
        if not host:
            prefix = _SYSLOG_HOST.match(line)
            host = prefix.group(1) if prefix else ""
        if "<Event" in line:
            yield from _sysmon_line(path_name, number, line)
        elif AUDIT_HEADER.search(line):
            audit_lines.append((number, line))
    yield from _audit_events(audit_lines, host)


def _sysmon_line(path_name: str, number: int, line: str) -> RecordStream:
    position = f"line {number}"
    element = lenient_xml(line[line.index("<Event") :])
    if element is None:
        yield Skipped(path_name, position, "event is not well-formed XML")
        return
    event = event_from_xml(element, position)
    if event is not None:
        event.table = SYSLOG_TABLE
    yield event


# Raw audit logs are no Log Analytics table; their rows name the source instead.
AUDIT_LOG_TYPE = "LinuxAudit"


def _audit_events(lines: list[tuple[int, str]], host: str) -> RecordStream:
    for position, record, stamp in events_from_lines(lines):
        if record is None:
            yield None
        else:
            yield execve_event(record, position, stamp=stamp, computer=host, table=AUDIT_LOG_TYPE)
