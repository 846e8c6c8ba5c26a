"""Linux audit records (`execve`) in the three shapes they arrive in.

* Raw auditd text (`/var/log/audit/audit.log`, or the same lines behind a syslog prefix): one
  event is several lines (`SYSCALL`, `EXECVE`, `CWD`, `PATH`..., `PROCTITLE`) sharing
  `msg=audit(<epoch>:<serial>)`. Arguments and the process title are hex when they hold
  blanks or odd bytes; the title separates arguments with NUL.
* AUOMS (Microsoft's audit multiplexer) in Sentinel `Syslog` rows: one `AUOMS_EXECVE` line with
  every field, `cmdline` already joined (its inner quotes are not escaped).
* A Sentinel custom-table export whose `AuditdMessage` is a Python-repr list of
  `{RECORD_TYPE: ["key=value", ...]}` dicts.

Each becomes one flat dict of audit fields (`AuditRecord`), the input of `map_auditd_execve`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone

from kqlhunt.normalize.base import SYSLOG_TABLE
from kqlhunt.normalize.model import SourceKind, WinEvent

AuditRecord = dict[str, object]

EXECVE_SYSCALL = "59"  # x86_64; AUOMS names it
AUDIT_HEADER = re.compile(r"type=(\w+)\s+(?:msg=)?audit\((\d+(?:\.\d+)?):(\d+)\):\s?")
_FIELD = re.compile(r'([\w-]+)=("[^"]*"|\[[^\]]*\]|\S*)')
_CMDLINE = re.compile(r'cmdline="(.*)"(?=\s+[\w-]+=|\s*$)')
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")


def fields_of(text: str) -> dict[str, str]:
    """The `key=value` pairs of one audit line, quotes removed; AUOMS `cmdline` kept whole."""
    found = {key: _unquote(value) for key, value in _FIELD.findall(text)}
    cmdline = _CMDLINE.search(text)
    if cmdline:
        found["cmdline"] = cmdline.group(1)
    return found


def decode_argument(value: str) -> str:
    """An `EXECVE` argument or a `proctitle`: quoted text as is, hex decoded (NUL -> blank)."""
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return value[1:-1]
    if _HEX.match(value) and len(value) >= 2:
        decoded = bytes.fromhex(value).decode("utf-8", errors="replace")
        return decoded.replace("\x00", " ").strip()
    return value


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def merge_records(records: Iterable[tuple[str, str]]) -> AuditRecord | None:
    """One execve event from its (record type, field text) lines, or None when it is not one.

    Args:
        records: the lines of one audit event: type and the text after the header.

    Returns:
        The merged fields: the SYSCALL fields, `argv` (list), `cmdline`, `cwd`, `paths`, `proctitle`
        and `record_types`; None when the event has no SYSCALL execve or EXECVE record.
    """
    merged: AuditRecord = {}
    argv: list[str] = []
    paths: list[str] = []
    types: list[str] = []
    is_execve = False
    for record_type, body in records:
        types.append(record_type)
        if record_type == "EXECVE":
            is_execve = True
            raw = dict(_FIELD.findall(body))
            count = int(raw.get("argc", "0") or 0)
            argv = [decode_argument(raw.get(f"a{i}", "")) for i in range(count)]
            continue
        values = fields_of(body)
        if record_type == "SYSCALL":
            is_execve = is_execve or values.get("syscall") in (EXECVE_SYSCALL, "execve")
            merged.update(values)
        elif record_type == "AUOMS_EXECVE":
            is_execve = True
            merged.update(values)
        elif record_type == "CWD":
            merged["cwd"] = values.get("cwd", "")
        elif record_type == "PATH":
            paths.append(values.get("name", ""))
        elif record_type == "PROCTITLE":
            merged["proctitle"] = decode_argument(_raw_value(body, "proctitle"))
    if not is_execve:
        return None
    if argv:
        merged["argv"] = argv
        merged.setdefault("cmdline", " ".join(argv))
    if paths:
        merged["paths"] = paths
    merged["record_types"] = types
    return merged


def _raw_value(body: str, key: str) -> str:
    match = re.search(rf"\b{key}=(\S+)", body)
    return match.group(1) if match else ""


def audit_time(epoch: str) -> datetime | None:
    """The UTC time of an `audit(<epoch>:<serial>)` stamp."""
    try:
        return datetime.fromtimestamp(float(epoch), tz=timezone.utc)
    except (ValueError, OverflowError):
        return None


def execve_event(
    record: AuditRecord,
    position: str,
    *,
    stamp: tuple[str, str],
    computer: str = "",
    time: datetime | None = None,
    table: str = SYSLOG_TABLE,
    raw: Mapping[str, object] | None = None,
    dvc_ip: str = "",
) -> WinEvent:
    """The `WinEvent` of one merged execve record.

    Args:
        record: the merged audit fields.
        position: where it is, for error reports.
        stamp: (epoch, serial) of the `audit(...)` header.
        computer: the host name the collector gives (AUOMS `node` wins when present).
        time: the collector's time; the audit stamp's time when None.
        table: the table the record landed in.
        raw: the exported row, for the vendor table.
        dvc_ip: the host address the collector gives.
    """
    epoch, serial = stamp
    record["audit_serial"] = serial
    record["audit_epoch"] = epoch
    return WinEvent(
        kind=SourceKind.AUDITD_EXECVE,
        position=position,
        computer=str(record.get("node") or computer),
        record_id=serial,
        time=time or audit_time(epoch),
        data=record,
        table=table,
        dvc_ip=dvc_ip,
        raw=raw,
    )


def events_from_lines(
    lines: Iterable[tuple[int, str]], computer: str = ""
) -> Iterator[tuple[str, AuditRecord | None, tuple[str, str]]]:
    """Group raw audit lines into events and merge each.

    Args:
        lines: (line number, text) of lines holding an audit header (others are ignored).
        computer: unused here; kept for symmetry with the syslog reader.

    Yields:
        (position of the first line, merged execve fields or None for other events, stamp).
    """
    current: list[tuple[str, str]] = []
    stamp = ("", "")
    first = 0
    for number, line in lines:
        header = AUDIT_HEADER.search(line)
        if header is None:
            continue
        record_type, epoch, serial = header.groups()
        if (epoch, serial) != stamp and current:
            yield f"line {first}", merge_records(current), stamp
            current = []
        if not current:
            stamp, first = (epoch, serial), number
        if record_type != "EOE":
            current.append((record_type, line[header.end() :]))
    if current:
        yield f"line {first}", merge_records(current), stamp


def records_from_repr(message: str) -> list[tuple[str, str]]:
    """The (type, field text) lines of a Python-repr `AuditdMessage` list.

    Raises:
        ValueError: the text is not such a list.
    """
    try:
        value = ast.literal_eval(message)
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"AuditdMessage is not a list of audit records: {exc}") from exc
    if not isinstance(value, list):
        raise ValueError("AuditdMessage is not a list of audit records")
    lines: list[tuple[str, str]] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        for record_type, parts in item.items():
            if isinstance(parts, list):
                lines.append((str(record_type), " ".join(str(p) for p in parts)))
    return lines
