"""Reading small hand-written files: field mapping, counts and the positions of what is skipped."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kqlhunt.normalize import Skipped, read_logs
from kqlhunt.normalize import schema as f
from kqlhunt.normalize.ingest import NOT_REGULAR

from .conftest import rows_of


def test_xml_sysmon_event(data_dir: Path) -> None:
    result = read_logs([data_dir / "events.xml"])

    assert result.stats.files_read == 1
    assert result.stats.events_read == 3
    assert result.stats.process_events == 2
    assert result.stats.skipped == []
    row = rows_of(result)[0]
    assert row[f.TIME_GENERATED] == datetime(2024, 3, 1, 10, 15, 30, 123456, tzinfo=timezone.utc)
    assert row[f.EVENT_START_TIME] == row[f.EVENT_END_TIME] == row[f.TIME_GENERATED]
    assert row[f.TYPE] == "Event"
    assert row[f.EVENT_PRODUCT] == "Sysmon"
    assert row[f.EVENT_ORIGINAL_TYPE] == "1"
    assert row[f.EVENT_ORIGINAL_UID] == "501"
    assert row[f.EVENT_SCHEMA_VERSION] == "0.1.4"
    assert row[f.EVENT_COUNT] == 1
    assert row[f.DVC_HOSTNAME] == row[f.DVC] == "ws01"
    assert row[f.DVC_DOMAIN] == "corp.example.com"
    assert row[f.DVC_FQDN] == "ws01.corp.example.com"
    assert row[f.DVC_DOMAIN_TYPE] == "FQDN"
    assert row[f.DVC_IP_ADDR] == ""
    assert row[f.TARGET_PROCESS_GUID] == "11111111-2222-3333-4444-555555555555"
    assert row[f.TARGET_USER_SESSION_ID] == "0x3e7a1"
    assert row[f.TARGET_PROCESS_FILENAME] == "PowerShell.EXE"
    assert row[f.ACTING_PROCESS_NAME] == "C:\\Windows\\explorer.exe"
    assert row[f.ACTOR_USERNAME] == "CORP\\alice"
    assert row[f.USER] == row[f.TARGET_USERNAME] == "CORP\\alice"
    assert row[f.PROCESS] == row[f.TARGET_PROCESS_NAME]
    assert row[f.COMMAND_LINE] == "powershell.exe -NoProfile -Command Get-Date"
    # No SHA256 or SHA1: IMPHASH wins over MD5.
    assert (row[f.HASH], row[f.HASH_TYPE]) == ("FEDCBA9876543210FEDCBA9876543210", "IMPHASH")
    assert row[f.TARGET_PROCESS_MD5] == "0123456789ABCDEF0123456789ABCDEF"
    assert json.loads(str(row[f.ADDITIONAL_FIELDS]))["TerminalSessionId"] == "1"


def test_xml_4688_event_with_hex_ids_and_dash_users(data_dir: Path) -> None:
    row = rows_of(read_logs([data_dir / "events.xml"]))[1]

    assert row[f.TYPE] == "SecurityEvent"
    assert row[f.EVENT_PRODUCT] == "Security Events"
    assert row[f.TARGET_PROCESS_ID] == "6700"
    assert row[f.ACTING_PROCESS_ID] == "752"
    assert row[f.ACTOR_USERNAME] == "Local System"
    assert row[f.ACTOR_USERNAME_TYPE] == "Simple"
    assert row[f.ACTOR_SESSION_ID] == "999"
    assert row[f.TARGET_USERNAME] == row[f.USER] == "Local System"
    assert row[f.TARGET_USER_ID] == row[f.ACTOR_USER_ID] == "S-1-5-18"
    assert row[f.TARGET_PROCESS_INTEGRITY_LEVEL] == "System"
    assert row[f.TARGET_PROCESS_FILENAME] == "cmd.exe"
    assert row[f.ACTING_PROCESS_FILENAME] == "services.exe"
    assert row[f.DVC_HOSTNAME] == "SRV02"
    assert row[f.DVC_DOMAIN] == ""


def test_broken_xml_event_is_skipped_alone(data_dir: Path) -> None:
    result = read_logs([data_dir / "broken_event.xml"])

    assert [r[f.TARGET_PROCESS_ID] for r in rows_of(result)] == ["10", "12"]
    assert result.stats.files_read == 1
    assert result.stats.events_read == 2
    [skipped] = result.stats.skipped
    assert skipped.position == "line 2"
    assert "not well-formed" in skipped.reason


def test_truncated_xml_file(data_dir: Path, tmp_path: Path) -> None:
    content = (data_dir / "events.xml").read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(content[: content.index('<Data Name="CommandLine">cmd.exe')], "utf-8")

    result = read_logs([cut])

    assert result.stats.process_events == 1
    assert result.stats.skipped == [
        Skipped(str(cut), "line 39", "event has no closing </Event> (file truncated?)")
    ]


def test_flattened_ndjson_with_a_broken_line(data_dir: Path) -> None:
    path = data_dir / "flat.ndjson"
    result = read_logs([path])

    assert result.stats.files_read == 1
    assert result.stats.events_read == 4
    assert result.stats.process_events == 3  # Sysmon, 4688, and Sysmon for Linux
    [skipped] = result.stats.skipped
    assert skipped.path == str(path)
    assert skipped.position == "line 2"
    assert skipped.reason.startswith("invalid JSON")

    sysmon, security, linux = rows_of(result)
    assert (linux[f.EVENT_PRODUCT], linux[f.DVC_OS]) == ("Sysmon for Linux", "Linux")
    assert sysmon[f.TIME_GENERATED] == datetime(2023, 5, 5, 5, 5, 5, 500000, tzinfo=timezone.utc)
    assert sysmon[f.DVC_HOSTNAME] == "ws03"
    assert (sysmon[f.HASH], sysmon[f.HASH_TYPE]) == ("BBBB", "SHA256")
    assert sysmon[f.TARGET_PROCESS_SHA1] == "AAAA"
    assert sysmon[f.TARGET_PROCESS_GUID] == "aaaaaaaa-0000-0000-0000-000000000001"
    assert "Message" not in json.loads(str(sysmon[f.ADDITIONAL_FIELDS]))
    # An NXLog-style row has no TimeCreated: the collector's @timestamp is the time.
    assert security[f.TIME_GENERATED] == datetime(2023, 5, 5, 5, 5, 8, 250000, tzinfo=timezone.utc)
    assert security[f.EVENT_ORIGINAL_UID] == "77"
    assert security[f.TARGET_USERNAME] == "LAB\\carol"
    assert security[f.TARGET_USER_ID] == "S-1-5-21-1-2-3-1002"
    assert security[f.TARGET_USER_SESSION_ID] == "16"
    assert security[f.ACTOR_USERNAME] == "LAB\\bob"
    assert security[f.TARGET_PROCESS_ID] == "3000"
    assert security[f.TARGET_PROCESS_INTEGRITY_LEVEL] == "Medium"


def test_truncated_ndjson(data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / "flat.ndjson").read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "cut.json"
    cut.write_text(lines[0] + "\n" + lines[2][:120], encoding="utf-8")

    result = read_logs([cut])

    assert result.stats.process_events == 1
    assert [s.position for s in result.stats.skipped] == ["line 2"]


def test_sentinel_exports(data_dir: Path) -> None:
    result = read_logs([data_dir / "sentinel.ndjson"])

    assert result.stats.events_read == 4
    assert result.stats.process_events == 3
    [skipped] = result.stats.skipped
    assert skipped.position == "line 5"
    assert "EventData is not JSON" in skipped.reason

    security, windows_event, event = rows_of(result)
    assert security[f.TYPE] == "SecurityEvent"
    assert security[f.TIME_GENERATED] == datetime(2022, 2, 2, 2, 2, 2, 500000, tzinfo=timezone.utc)
    assert security[f.EVENT_ORIGINAL_UID] == "11111111-0000-0000-0000-000000000001"
    assert security[f.DVC_IP_ADDR] == "198.51.100.7"
    assert security[f.DVC_ID] == "00000000-0000-0000-0000-0000000000aa"
    assert security[f.DVC_HOSTNAME] == "DC01"
    assert security[f.TARGET_USERNAME] == security[f.ACTOR_USERNAME] == "CONTOSO\\admin"
    assert security[f.ACTOR_USER_TYPE] == "Regular"
    assert security[f.TARGET_PROCESS_INTEGRITY_LEVEL] == "High"
    assert security[f.TARGET_PROCESS_TOKEN_ELEVATION] == "%%1937"

    assert windows_event[f.TYPE] == "WindowsEvent"
    assert windows_event[f.EVENT_ORIGINAL_UID] == "11111111-0000-0000-0000-000000000002"
    assert windows_event[f.TARGET_USERNAME] == "CONTOSO\\dave"
    assert (windows_event[f.HASH], windows_event[f.HASH_TYPE]) == ("22", "SHA256")

    assert event[f.TYPE] == "Event"
    assert event[f.TARGET_PROCESS_NAME] == "C:\\Windows\\System32\\ipconfig.exe"
    assert event[f.TARGET_PROCESS_ID] == "88"


def test_concatenated_pretty_json(data_dir: Path) -> None:
    result = read_logs([data_dir / "pretty.json"])

    assert result.stats.events_read == 2
    [row] = rows_of(result)
    assert row[f.EVENT_ORIGINAL_UID] == "10"
    assert row[f.TARGET_PROCESS_ID] == "100"
    assert row[f.ACTOR_USERNAME] == row[f.TARGET_USERNAME] == "HOST1\\eve"


def test_json_array(data_dir: Path) -> None:
    result = read_logs([data_dir / "array.json"])

    assert result.stats.events_read == 2
    assert result.stats.process_events == 1
    assert [s.position for s in result.stats.skipped] == ["element 3"]


def test_broken_json_array_keeps_the_elements_before_the_break(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    good = '{"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Image": "a.exe"}'
    path.write_text(f'[\n{good},\n{good},\n{{"EventID": \n]', encoding="utf-8")

    result = read_logs([path])

    assert result.stats.process_events == 2
    assert [s.position for s in result.stats.skipped] == ["element 3"]


def test_non_log_file_is_skipped(data_dir: Path) -> None:
    path = data_dir / "notes.txt"
    result = read_logs([path])

    assert result.stats.files_read == 0
    assert result.stats.files_failed == 1
    assert result.stats.skipped == [Skipped(str(path), "byte 0", "unrecognised format")]


def test_content_decides_not_the_extension(data_dir: Path, tmp_path: Path) -> None:
    shutil.copy(data_dir / "events.xml", tmp_path / "events.log")
    shutil.copy(data_dir / "flat.ndjson", tmp_path / "flat.evtx")

    result = read_logs([tmp_path])

    assert result.stats.files_read == 2
    assert result.stats.process_events == 5  # the flat file also holds a Sysmon for Linux event


def test_directory_walk_is_sorted_and_skips_hidden(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    shutil.copy(data_dir / "events.xml", tmp_path / "b" / "events.xml")
    shutil.copy(data_dir / "pretty.json", tmp_path / "a.json")
    shutil.copy(data_dir / "events.xml", tmp_path / ".hidden" / "events.xml")
    shutil.copy(data_dir / "events.xml", tmp_path / ".dotfile.xml")

    result = read_logs([tmp_path])

    assert result.stats.files_read == 2
    assert [r[f.EVENT_ORIGINAL_UID] for r in rows_of(result)] == ["10", "501", "9001"]


def test_missing_path_is_a_failed_file(tmp_path: Path) -> None:
    result = read_logs([tmp_path / "nope.evtx"])

    assert result.stats.files_failed == 1
    assert result.stats.skipped[0].reason == "no such file or directory"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_a_failed_file_not_a_wait(data_dir: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.evtx")  # opening it to read would wait for a writer for ever
    shutil.copy(data_dir / "events.xml", tmp_path / "events.xml")

    for paths in ([tmp_path], [tmp_path / "pipe.evtx"]):
        result = read_logs(paths)
        assert result.stats.files_failed == 1
        assert [s.reason for s in result.stats.skipped] == [NOT_REGULAR]
    assert result.stats.skipped[0].path == str(tmp_path / "pipe.evtx")


def test_utf16_xml_with_bom(data_dir: Path, tmp_path: Path) -> None:
    content = (data_dir / "events.xml").read_text(encoding="utf-8")
    path = tmp_path / "events-utf16.xml"
    path.write_bytes(content.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"))

    result = read_logs([path])

    assert result.stats.process_events == 2


def test_empty_events_export_is_a_log_and_other_xml_is_not(tmp_path: Path) -> None:
    (tmp_path / "empty.xml").write_text("<Events>\n</Events>\n", encoding="utf-8")
    (tmp_path / "page.xml").write_text("<html><body>hello</body></html>", encoding="utf-8")

    result = read_logs([tmp_path])

    assert result.stats.files_read == 1
    assert result.stats.events_read == 0
    assert [s.path.rsplit("/", 1)[-1] for s in result.stats.skipped] == ["page.xml"]
