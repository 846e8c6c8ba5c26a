"""Linux process creations to ASIM: Sysmon for Linux event 1, and auditd/AUOMS `execve`.

Sysmon for Linux follows `ASimProcessCreateLinuxSysmon` 0.2.1: the Windows Sysmon mapping with
product `Sysmon for Linux`, `DvcOs` Linux, user names of type Simple, and the collector's
`HostIP` as `DvcIpAddr`. One deliberate difference: `User` is the target user, as the schema
defines the alias (the parser aliases the actor, which Sysmon for Linux rarely fills).

auditd has no Microsoft parser; the mapping follows the schema: the executable is the target
process, `ppid` the acting process, the joined arguments the command line, `uid`/`auid` the
target and actor user ids (type UID; the names when the record carries them, as AUOMS and
enriched auditd logs do), `ses` the session.
"""

from __future__ import annotations

from kqlhunt.normalize import schema as f
from kqlhunt.normalize.base import Row, additional_fields, base_row
from kqlhunt.normalize.model import WinEvent
from kqlhunt.normalize.sysmon import map_sysmon_create
from kqlhunt.normalize.values import split_fqdn, text

LINUX_SYSMON_PRODUCT = "Sysmon for Linux"
AUDITD_PRODUCT = "auditd"
AUOMS_PRODUCT = "AUOMS"

_UNSET_IDS = frozenset({"", "4294967295", "-1", "unset"})


def map_linux_sysmon_create(event: WinEvent) -> Row:
    """Normalize one Sysmon for Linux event 1 into an `imProcessCreate` row."""
    row = map_sysmon_create(event)
    for name in [n for n, v in row.items() if v == "-"]:  # Sysmon for Linux's "no value"
        del row[name]
    row[f.EVENT_PRODUCT] = LINUX_SYSMON_PRODUCT
    row[f.DVC_OS] = "Linux"
    for name_field, type_field in (
        (f.TARGET_USERNAME, f.TARGET_USERNAME_TYPE),
        (f.ACTOR_USERNAME, f.ACTOR_USERNAME_TYPE),
    ):
        if row.get(name_field):
            row[type_field] = "Simple"
    return row


def map_auditd_execve(event: WinEvent) -> Row:
    """Normalize one auditd or AUOMS execve record into an `imProcessCreate` row."""
    data = event.data
    is_auoms = "auoms_version" in data
    row = base_row(event, AUOMS_PRODUCT if is_auoms else AUDITD_PRODUCT, "execve")
    row[f.EVENT_VENDOR] = "Microsoft" if is_auoms else "Linux"
    row[f.DVC_OS] = "Linux"
    row[f.EVENT_ORIGINAL_TYPE] = "AUOMS_EXECVE" if is_auoms else "EXECVE"
    row[f.ADDITIONAL_FIELDS] = additional_fields(data)
    if text(data.get("success")) == "no":
        row[f.EVENT_RESULT] = "Failure"
    host, _ = split_fqdn(event.computer)
    if host and not row.get(f.DVC_HOSTNAME):
        row[f.DVC_HOSTNAME] = row[f.DVC] = host

    exe = text(data.get("exe"))
    command_line = text(data.get("cmdline")) or text(data.get("proctitle"))
    _put(row, f.TARGET_PROCESS_NAME, exe)
    _put(row, f.TARGET_PROCESS_FILENAME, exe.rsplit("/", 1)[-1] if exe else "")
    _put(row, f.TARGET_PROCESS_ID, text(data.get("pid")))
    _put(row, f.TARGET_PROCESS_COMMAND_LINE, command_line)
    _put(row, f.TARGET_PROCESS_CURRENT_DIRECTORY, text(data.get("cwd")))
    _put(row, f.ACTING_PROCESS_ID, text(data.get("ppid")))

    uid, auid = text(data.get("uid")), text(data.get("auid"))
    target_name = text(data.get("user") or data.get("UID"))
    actor_name = text(data.get("audit_user") or data.get("AUID"))
    if uid not in _UNSET_IDS:
        row[f.TARGET_USER_ID], row[f.TARGET_USER_ID_TYPE] = uid, "UID"
    if target_name not in _UNSET_IDS:
        row[f.TARGET_USERNAME], row[f.TARGET_USERNAME_TYPE] = target_name, "Simple"
    if auid not in _UNSET_IDS:
        row[f.ACTOR_USER_ID], row[f.ACTOR_USER_ID_TYPE] = auid, "UID"
    if actor_name not in _UNSET_IDS:
        row[f.ACTOR_USERNAME], row[f.ACTOR_USERNAME_TYPE] = actor_name, "Simple"
    session = text(data.get("ses"))
    if session not in _UNSET_IDS:
        row[f.TARGET_USER_SESSION_ID] = session

    row[f.USER] = row.get(f.TARGET_USERNAME, "")
    row[f.PROCESS] = exe
    row[f.COMMAND_LINE] = command_line
    return row


def _put(row: Row, name: str, value: str) -> None:
    if value:
        row[name] = value
