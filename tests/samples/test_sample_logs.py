"""The shipped sample logs: well-formed, labelled correctly, and reproducible."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kqlhunt.samples import LABELS, SAMPLE_LOGS, sample_logs, samples_dir

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_samples.py"
NS = {"e": "http://schemas.microsoft.com/win/2004/08/events/event"}
RULE_ID = "a2b58512-1298-4a25-a4c7-88ddfed78b0d"
ONE_LINER = "$client = New-Object System.Net.Sockets.TCPClient("

SYSMON_FIELDS = [
    "RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "FileVersion", "Description",
    "Product", "Company", "OriginalFileName", "CommandLine", "CurrentDirectory", "User",
    "LogonGuid", "LogonId", "TerminalSessionId", "IntegrityLevel", "Hashes",
    "ParentProcessGuid", "ParentProcessId", "ParentImage", "ParentCommandLine", "ParentUser",
]  # fmt: skip
SECURITY_FIELDS = [
    "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "NewProcessId",
    "NewProcessName", "TokenElevationType", "ProcessId", "CommandLine", "TargetUserSid",
    "TargetUserName", "TargetDomainName", "TargetLogonId", "ParentProcessName", "MandatoryLabel",
]  # fmt: skip

Record = dict[str, Any]


def _xml_records(path: Path) -> list[Record]:
    root = ET.parse(path).getroot()
    assert root.tag == "Events"
    records = []
    for event in root:
        assert event.tag == f"{{{NS['e']}}}Event"
        system = event.find("e:System", NS)
        assert system is not None
        provider = system.find("e:Provider", NS)
        created = system.find("e:TimeCreated", NS)
        assert provider is not None and created is not None
        data = {d.get("Name"): d.text or "" for d in event.iterfind("e:EventData/e:Data", NS)}
        records.append(
            {
                "provider": provider.get("Name"),
                "event_id": int(system.findtext("e:EventID", "", NS)),
                "record_id": int(system.findtext("e:EventRecordID", "", NS)),
                "channel": system.findtext("e:Channel", "", NS),
                "computer": system.findtext("e:Computer", "", NS),
                "time": created.get("SystemTime"),
                "data": data,
                "fields": list(data),
            }
        )
    return records


def _ndjson_records(path: Path) -> list[Record]:
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)["Event"]
        system = event["System"]
        records.append(
            {
                "provider": system["Provider"]["#attributes"]["Name"],
                "event_id": system["EventID"],
                "record_id": system["EventRecordID"],
                "channel": system["Channel"],
                "computer": system["Computer"],
                "time": system["TimeCreated"]["#attributes"]["SystemTime"],
                "data": event["EventData"],
                "fields": list(event["EventData"]),
            }
        )
    return records


def read_records(name: str) -> list[Record]:
    path = samples_dir() / name
    return _ndjson_records(path) if name.endswith(".ndjson") else _xml_records(path)


def labels() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((samples_dir() / LABELS).read_text(encoding="utf-8"))
    return data


def find(file: str, record_id: int, computer: str) -> Record:
    matches = [
        r for r in read_records(file) if r["record_id"] == record_id and r["computer"] == computer
    ]
    assert len(matches) == 1, (file, record_id)
    return matches[0]


@pytest.mark.parametrize("name", SAMPLE_LOGS)
def test_events_have_the_windows_layout(name: str) -> None:
    records = read_records(name)
    assert records
    for record in records:
        if record["event_id"] == 1:
            assert record["provider"] == "Microsoft-Windows-Sysmon"
            assert record["channel"] == "Microsoft-Windows-Sysmon/Operational"
            assert record["fields"] == SYSMON_FIELDS
        else:
            assert record["event_id"] == 4688
            assert record["provider"] == "Microsoft-Windows-Security-Auditing"
            assert record["channel"] == "Security"
            assert record["fields"] == SECURITY_FIELDS
            assert record["data"]["NewProcessId"].startswith("0x")
        assert record["computer"].endswith(".contoso.local")
        assert record["time"].startswith("2026-11-02T") and record["time"].endswith("Z")


@pytest.mark.parametrize("name", SAMPLE_LOGS)
def test_record_ids_are_unique_per_file(name: str) -> None:
    ids = [r["record_id"] for r in read_records(name)]
    assert len(ids) == len(set(ids))


def test_ndjson_keeps_numbers_as_evtx_dump_does() -> None:
    sysmon = [r for r in read_records("process_events.ndjson") if r["event_id"] == 1]
    assert sysmon
    assert all(isinstance(r["data"]["ProcessId"], int) for r in sysmon)


def test_enough_events_across_hosts() -> None:
    records = [r for name in SAMPLE_LOGS for r in read_records(name)]
    assert len(records) >= 40
    assert len({r["computer"] for r in records}) == 3


def test_labels_name_existing_records() -> None:
    data = labels()
    assert data["synthetic"] is True
    assert len(data["positives"]) >= 3
    assert {p["file"] for p in data["positives"]} == set(SAMPLE_LOGS)
    for entry in data["positives"] + data["hard_negatives"]:
        record = find(entry["file"], entry["record_id"], entry["computer"])
        assert record["event_id"] == entry["event_id"]
        assert entry["rule_id"] == RULE_ID


def _expected_account(record: Record) -> str:
    data = record["data"]
    if record["event_id"] == 1:
        return str(data["User"])
    if data["TargetUserName"] in ("", "-"):
        return f"{data['SubjectDomainName']}\\{data['SubjectUserName']}"
    return f"{data['TargetDomainName']}\\{data['TargetUserName']}"


def test_positive_labels_agree_with_their_records() -> None:
    for entry in labels()["positives"]:
        record = find(entry["file"], entry["record_id"], entry["computer"])
        data = record["data"]
        image = data.get("Image") or data.get("NewProcessName")
        assert image.lower().endswith(("\\powershell.exe", "\\powershell_ise.exe", "\\cmd.exe"))
        assert ONE_LINER in data["CommandLine"]
        assert entry["entities"] == [
            {"entity_type": "Account", "identifiers": {"FullName": _expected_account(record)}},
            {"entity_type": "Host", "identifiers": {"FullName": record["computer"].split(".")[0]}},
        ]


def test_the_4688_positive_falls_back_to_the_subject() -> None:
    (entry,) = [p for p in labels()["positives"] if p["event_id"] == 4688]
    record = find(entry["file"], entry["record_id"], entry["computer"])
    assert record["data"]["TargetUserName"] == "-"


def test_every_one_liner_outside_the_labels_is_a_hard_negative() -> None:
    data = labels()
    labelled = {(e["file"], e["record_id"]) for e in data["positives"] + data["hard_negatives"]}
    for name in SAMPLE_LOGS:
        for record in read_records(name):
            command_line = record["data"]["CommandLine"]
            if "TCPClient" in command_line or "$client" in command_line:
                assert (name, record["record_id"]) in labelled, (name, record["record_id"])


def test_regenerating_reproduces_the_files(tmp_path: Path) -> None:
    if not SCRIPT.is_file():
        pytest.skip("scripts/make_samples.py is not part of this installation")
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == sorted([*SAMPLE_LOGS, LABELS])
    for name in generated:
        assert (tmp_path / name).read_bytes() == (samples_dir() / name).read_bytes(), name


def test_sample_logs_helper_lists_existing_files() -> None:
    assert all(path.is_file() for path in sample_logs())


def _has(text: str, term: str) -> bool:
    """KQL `has` for these samples: a case-insensitive match that does not cut a word."""
    text, term = text.lower(), term.lower()
    start = text.find(term)
    while start >= 0:
        end = start + len(term)
        before_ok = start == 0 or not (text[start - 1].isalnum() and term[0].isalnum())
        after_ok = end == len(text) or not (text[end].isalnum() and term[-1].isalnum())
        if before_ok and after_ok:
            return True
        start = text.find(term, start + 1)
    return False


def test_normalized_positives_match_the_labels() -> None:
    ingest = pytest.importorskip("kqlhunt.normalize.ingest")
    table = ingest.read_logs(sample_logs()).tables["imProcessCreate"]
    rows = table.data.to_pylist()

    hits = {
        (row["Dvc"], row["TimeGenerated"], row["User"], row["DvcIpAddr"])
        for row in rows
        if any(_has(row["Process"], p) for p in ("powershell.exe", "PowerShell_ISE.exe", "cmd.exe"))
        and _has(row["CommandLine"], "$client = New-Object System.Net.Sockets.TCPClient")
    }
    expected = set()
    for entry in labels()["positives"]:
        record = find(entry["file"], entry["record_id"], entry["computer"])
        identifiers = {e["entity_type"]: e["identifiers"]["FullName"] for e in entry["entities"]}
        when = datetime.fromisoformat(record["time"][:26].rstrip("Z") + "+00:00")
        expected.add((identifiers["Host"], when, identifiers["Account"], ""))
    assert hits == expected
