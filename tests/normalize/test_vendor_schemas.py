"""The vendor tables carry every column Microsoft documents for them; the columns no normalizer
fills hold Kusto's empty values, and exported rows keep their values for them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kqlhunt.engine import Engine
from kqlhunt.normalize import read_logs
from kqlhunt.normalize.vendor import VENDOR_TABLES
from kqlhunt.normalize.vendor_schemas import DEVICE_PROCESS_EVENTS, SECURITY_EVENT, SYSLOG
from kqlhunt.samples import sample_logs
from kqlhunt.types import KqlType

# Columns public rules read that no normalizer fills.
UNFILLED = "ObjectName, ObjectType, LogonType, IpAddress, AccountName, AccountDomain"


def _query(paths: list[Path], query: str) -> list[tuple[object, ...]]:
    engine = Engine(read_logs(paths).tables.values())
    try:
        return engine.query(query).rows
    finally:
        engine.close()


def test_column_counts() -> None:
    counts = {name: len(columns) for name, columns in VENDOR_TABLES.items()}
    assert counts == {
        "SecurityEvent": 230,
        "Event": 24,
        "WindowsEvent": 28,
        "Syslog": 20,
        "DeviceProcessEvents": 75,
    }


@pytest.mark.parametrize("table", sorted(VENDOR_TABLES))
def test_no_two_columns_differ_only_in_case(table: str) -> None:
    # DuckDB and Spark resolve names without regard to case.
    names = [name.lower() for name in VENDOR_TABLES[table]]
    assert len(names) == len(set(names))


def test_documented_types() -> None:
    assert SECURITY_EVENT["LogonType"] is KqlType.INT
    assert SECURITY_EVENT["ErrorCode"] is KqlType.INT
    assert SECURITY_EVENT["_BilledSize"] is KqlType.REAL
    assert SECURITY_EVENT["LogonGuid"] is KqlType.STRING  # a string in the reference, not a guid
    assert SYSLOG["ProcessID"] is KqlType.INT
    assert DEVICE_PROCESS_EVENTS["IsProcessRemoteSession"] is KqlType.BOOL
    assert DEVICE_PROCESS_EVENTS["AdditionalFields"] is KqlType.DYNAMIC


def test_filled_columns_come_first() -> None:
    assert list(SECURITY_EVENT)[:9] == [
        "TenantId", "TimeGenerated", "SourceSystem", "Computer", "ManagementGroupName",
        "_ResourceId", "Type", "EventID", "Activity",
    ]  # fmt: skip
    assert list(SECURITY_EVENT)[-1] == "WorkstationName"


def test_unfilled_columns_of_a_normalized_4688_are_empty(data_dir: Path) -> None:
    rows = _query(
        [data_dir / "winlogbeat.ndjson"],
        f"SecurityEvent | where EventID == 4688 | project NewProcessName, {UNFILLED}",
    )

    assert rows == [("C:\\Windows\\System32\\whoami.exe", "", "", None, "", "", "")]


def test_unfilled_columns_over_the_sample_logs() -> None:
    rows = _query(
        sample_logs(),
        "SecurityEvent | where isnotempty(NewProcessName)"
        " | summarize n = count(), empty = countif(isempty(ObjectName) and isempty(IpAddress)"
        " and isnull(LogonType) and isnull(_BilledSize) and isempty(AccountName))",
    )

    assert rows == [(19, 19)]


def test_an_export_keeps_its_values_for_the_documented_columns(
    data_dir: Path, tmp_path: Path
) -> None:
    first = (data_dir / "sentinel.ndjson").read_text("utf-8").splitlines()[0]
    row = json.loads(first)
    row.update(IpAddress="10.1.2.3", LogonType="3", _BilledSize=512.5, ObjectName="C:\\x.txt")
    export = tmp_path / "securityevent.ndjson"
    export.write_text(json.dumps(row) + "\n", "utf-8")

    rows = _query(
        [export],
        "SecurityEvent | project NewProcessName, IpAddress, LogonType, _BilledSize, ObjectName",
    )

    assert rows == [("C:\\Windows\\System32\\net.exe", "10.1.2.3", 3, 512.5, "C:\\x.txt")]
