"""The ASIM parser parameters of imProcessCreate(...), applied as the parsers apply them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlSemanticError, UnsupportedKqlError
from kqlhunt.normalize import IM_PROCESS_CREATE, TABLE_NAME

NOW = datetime(2026, 11, 3, tzinfo=timezone.utc)


def _event(n: int, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "TimeGenerated": datetime(2026, 11, 2, n, tzinfo=timezone.utc),
        "EventType": "ProcessCreated",
        "EventOriginalUid": str(n),
    }
    row.update(fields)
    return row


ROWS = [
    _event(1, CommandLine="powershell -enc AAAA", TargetProcessName="C:\\ps\\powershell.exe",
           TargetUsername="CONTOSO\\jdoe", DvcHostname="WS1", DvcIpAddr="10.1.2.3",
           TargetProcessSHA256="ABCDEF"),
    _event(5, CommandLine="curl http://192.168.7.9/x", TargetProcessName="C:\\bin\\curl.exe",
           TargetUsername="CONTOSO\\asmith", DvcHostname="WS2", ActingProcessName="C:\\cmd.exe"),
    _event(9, CommandLine="notepad notes.txt", TargetProcessName="C:\\Windows\\notepad.exe",
           TargetUsername="CONTOSO\\jdoe", DvcHostname="SRV1", EventType="ProcessTerminated"),
]  # fmt: skip


def ids(query: str) -> list[str]:
    engine = Engine([TableData.from_rows(TABLE_NAME, IM_PROCESS_CREATE, ROWS)], now=NOW)
    result = engine.query(query + " | project EventOriginalUid")
    return sorted(r[0] for r in result.rows)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", ["1", "5", "9"]),
        ("starttime=datetime(2026-11-02 05:00)", ["5", "9"]),
        ("endtime=datetime(2026-11-02 05:00)", ["1", "5"]),
        ("starttime=ago(20h), endtime=now()", ["5", "9"]),
        ("starttime=datetime(null)", ["1", "5", "9"]),
        ("commandline_has_any=dynamic(['enc', 'notes.txt'])", ["1", "9"]),
        ("commandline_has_any=dynamic([])", ["1", "5", "9"]),
        ("commandline_has_all=dynamic(['powershell', 'AAAA'])", ["1"]),
        ("commandline_has_any_ip_prefix=dynamic(['192.168.'])", ["5"]),
        ("commandline_has_any_ip_prefix=dynamic(['192.16'])", []),
        ("targetprocess_has_any=dynamic(['curl.exe', 'notepad.exe'])", ["5", "9"]),
        ("actingprocess_has_any=dynamic(['cmd.exe'])", ["5"]),
        ("parentprocess_has_any=dynamic(['explorer.exe'])", []),
        ("targetusername_has='jdoe'", ["1", "9"]),
        ("targetusername='*'", ["1", "5", "9"]),
        ("dvcipaddr_has_any_prefix=dynamic(['10.1.'])", ["1"]),
        ("dvchostname_has_any=dynamic(['ws1', 'srv1'])", ["1", "9"]),
        ("dvcname_has_any=dynamic(['ws2'])", ["5"]),
        ("hashes_has_any=dynamic(['abcdef'])", ["1"]),
        ("eventtype='ProcessTerminated'", ["9"]),
        ("eventtype='*'", ["1", "5", "9"]),
        ("datetime(2026-11-02 04:00), datetime(2026-11-02 06:00)", ["5"]),
    ],
)
def test_parameters_filter_as_the_parsers_do(arguments: str, expected: list[str]) -> None:
    assert ids(f"imProcessCreate({arguments})") == expected


def test_let_bound_lists_are_accepted() -> None:
    query = "let tools = dynamic(['curl.exe']);\nimProcessCreate(targetprocess_has_any=tools)"

    assert ids(query) == ["5"]


def test_unknown_parameter_is_named() -> None:
    with pytest.raises(KqlSemanticError, match="no parameter 'bogus'"):
        ids("imProcessCreate(bogus=1)")


def test_wrong_parameter_type_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="takes a datetime"):
        ids("imProcessCreate(starttime='yesterday')")


def test_parameters_on_other_tables_are_unsupported() -> None:
    engine = Engine(
        [TableData.from_rows("SecurityEvent", {"EventID": IM_PROCESS_CREATE["EventCount"]}, [])]
    )

    with pytest.raises(UnsupportedKqlError, match="parameters to the table 'SecurityEvent'"):
        engine.query("SecurityEvent(1)")
