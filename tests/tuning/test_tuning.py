"""Tuning on the sample logs: watchlist exclusions written in the rule, and a tuning file of
exclusions beside it, each removing exactly the benign activity it names."""

from __future__ import annotations

import doctest
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import kqlhunt.tuning.watchlists
from kqlhunt.catalog import TableData
from kqlhunt.cli.main import main
from kqlhunt.engine import Engine
from kqlhunt.hunt import RuleOutcome, hunt
from kqlhunt.normalize import read_logs
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.samples import sample_logs
from kqlhunt.tuning import (
    TuningError,
    WatchlistError,
    load_tuning,
    load_watchlist,
    load_watchlists,
    tune_outcomes,
)

DATA = Path(__file__).parent / "data"
BROAD_RULE = "6c1f7f3e-9a51-4c2b-8d0e-2f4b7a9c1d10"
WATCHLIST_RULE = "0d9d7c55-3b8e-4f61-a2a4-7e51c3f0b6a2"
FIRST_RULE = "a2b58512-1298-4a25-a4c7-88ddfed78b0d"
TODAY = date(2026, 11, 3)

# EventRecordIDs of the sample events the broad rule raises, by what they are.
MAINTENANCE = {"48305", "912306", "912624"}  # Clear-TempFiles, Rotate-IISLogs, Backup-PayrollDb
ADMIN_REMOTING = {"912464", "912582"}  # Invoke-Command, Enter-PSSession by CONTOSO\adm-rkhan
ADMIN_TCP_CLIENTS = {"912554", "912716"}  # the same admin's TcpClient connection tests
MODULES = {"30904"}  # Import-Module PSWindowsUpdate by SYSTEM
DEPLOYMENT = {"48364"}  # WebClient download of the intranet installer by SYSTEM
REVERSE_SHELLS = {"48394", "912489", "30995", "31009"}
LOOKALIKE = {"30984"}  # TCPClientX
ALL_BROAD = (
    MAINTENANCE | ADMIN_REMOTING | ADMIN_TCP_CLIENTS | MODULES | DEPLOYMENT | REVERSE_SHELLS
) | LOOKALIKE


@pytest.fixture(scope="module")
def tables() -> list[TableData]:
    logs = read_logs(sample_logs(), dedupe=True)
    return [*logs.tables.values(), *load_watchlists(DATA / "watchlists")]


def _outcomes(tables: list[TableData], *paths: Path) -> dict[str, RuleOutcome]:
    outcomes = hunt(load_rules(paths), tables, now=None)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return {o.rule.id: o for o in outcomes}


def _records(outcome: RuleOutcome) -> set[str]:
    return {str(a.row["EventOriginalUid"]) for a in outcome.alerts}


def test_the_broad_rule_raises_the_benign_activity(tables: list[TableData]) -> None:
    outcomes = _outcomes(tables, DATA / "rules" / "powershell_activity.yaml")
    assert _records(outcomes[BROAD_RULE]) == ALL_BROAD


def test_watchlist_exclusion_removes_exactly_the_trusted_admin(tables: list[TableData]) -> None:
    outcomes = _outcomes(tables, DATA / "rules")

    removed = _records(outcomes[BROAD_RULE]) - _records(outcomes[WATCHLIST_RULE])

    assert removed == ADMIN_REMOTING | ADMIN_TCP_CLIENTS
    assert _records(outcomes[WATCHLIST_RULE]) == ALL_BROAD - removed
    assert all(
        e.identifiers["FullName"] != "CONTOSO\\adm-rkhan"
        for a in outcomes[WATCHLIST_RULE].alerts
        for e in a.entities
        if e.entity_type == "Account"
    )


def test_tuning_file_removes_exactly_the_named_activity(tables: list[TableData]) -> None:
    outcomes = _outcomes(tables, DATA / "rules" / "powershell_activity.yaml", bundled_rules_dir())
    tuning = load_tuning(DATA / "tuning.yaml")

    counts = tune_outcomes(list(outcomes.values()), tuning, TODAY)

    broad = {c.exclusion.index: c for c in counts if c.exclusion.rule_id == BROAD_RULE}
    assert {i: (c.removed, c.expired) for i, c in broad.items()} == {
        1: (3, False),
        2: (2, False),
        3: (1, False),
        4: (1, False),
        5: (0, True),
    }
    expected = ALL_BROAD - MAINTENANCE - ADMIN_REMOTING - MODULES - DEPLOYMENT
    assert _records(outcomes[BROAD_RULE]) == expected
    # The admin's own TcpClient tests and every reverse shell are still raised.
    assert expected >= ADMIN_TCP_CLIENTS | REVERSE_SHELLS
    # The same exclusions hide none of the first rule's true positives.
    assert _records(outcomes[FIRST_RULE]) == REVERSE_SHELLS
    assert all(c.removed == 0 for c in counts if c.exclusion.rule_id == FIRST_RULE)


def test_an_exclusion_is_in_force_until_its_expiry_day(tables: list[TableData]) -> None:
    tuning = load_tuning(DATA / "tuning.yaml")
    outcomes = _outcomes(tables, DATA / "rules" / "powershell_activity.yaml")

    counts = tune_outcomes(list(outcomes.values()), tuning, date(2026, 10, 31))

    pilot = next(c for c in counts if c.exclusion.rule_id == BROAD_RULE and c.exclusion.index == 5)
    # A whole host excluded hides its reverse shells too: the reason exclusions should be narrow.
    assert not pilot.expired and pilot.removed == 3
    assert _records(outcomes[BROAD_RULE]) == ADMIN_TCP_CLIENTS | {"48394", "912489"}


def test_watchlist_columns_are_sentinels(tables: list[TableData]) -> None:
    engine = Engine(tables)
    try:
        result = engine.query("_GetWatchlist('TrustedAdmins')")
    finally:
        engine.close()
    assert result.column_names == [
        "SearchKey",
        "Account",
        "Name",
        "Reason",
        "_DTItemId",
        "LastUpdatedTimeUTC",
        "WatchlistAlias",
    ]
    (row,) = result.records()
    assert row["SearchKey"] == row["Account"] == "CONTOSO\\adm-rkhan"
    assert row["WatchlistAlias"] == "TrustedAdmins"


def test_watchlist_search_key_defaults_to_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "KnownHashes.csv"
    path.write_text("\ufeffSHA256,Tool\r\nAB12,backup agent\r\n\r\nCD34,\r\n", encoding="utf-8")

    table = load_watchlist(path)

    assert table.name == "watchlist:KnownHashes"
    assert table.data.column("SearchKey").to_pylist() == ["AB12", "CD34"]
    assert table.data.column("Tool").to_pylist() == ["backup agent", ""]
    assert len(set(table.data.column("_DTItemId").to_pylist())) == 2
    assert load_watchlist(path).data.column("_DTItemId") == table.data.column("_DTItemId")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header row"),
        ("# SearchKey: Host\nAccount,Name\nx,y\n", "SearchKey column 'Host'"),
        ("Account,Account\nx,y\n", "names a column twice"),
        ("Account,Name\nx,y,z\n", "item 1 has more cells"),
    ],
)
def test_bad_watchlists_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "Bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WatchlistError, match=message) as raised:
        load_watchlist(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "mapping of rule ids"),
        ("r1: {reason: x}", "expected a list"),
        ("r1: [{account: x}]", "needs a reason"),
        ("r1: [{reason: x}]", "at least one field condition"),
        ("r1: [{reason: x, user: y}]", "unknown field 'user'"),
        ("r1: [{reason: x, command_line_regex: '(('}]", "bad command_line_regex"),
        ("r1: [{reason: x, host: h, expires: soon}]", "not a date"),
        ("r1: [{reason: x, host: h, expires: 2027-13-45}]", "not a date.*'2027-13-45'"),
        ("r1: [{reason: x, host: {a: b}}]", "host needs a text"),
    ],
)
def test_bad_tuning_files_say_where(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tuning.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TuningError, match=message):
        load_tuning(path)


def test_field_matching_forms(tmp_path: Path) -> None:
    path = tmp_path / "tuning.yaml"
    path.write_text(
        "R1:\n"
        "  - {reason: a, account: adm-rkhan, host: srv-app-02}\n"
        "  - {reason: b, process: [notepad.exe, C:\\Windows\\System32\\cmd.exe]}\n",
        encoding="utf-8",
    )
    first, second = load_tuning(path).for_rule("r1")
    row = {"User": "CONTOSO\\ADM-RKHAN", "DvcHostname": "SRV-APP-02.contoso.local"}
    assert first.matches(row)
    assert not first.matches({**row, "DvcHostname": "SRV-APP-03"})
    assert second.matches({"Process": "c:\\windows\\system32\\CMD.EXE"})
    assert second.matches({"TargetProcessName": "D:\\Tools\\notepad.exe"})
    assert not second.matches({"Process": "D:\\Tools\\cmd.exe"})
    assert not second.matches({})


def _cli(*args: str) -> Iterator[str]:
    result = CliRunner().invoke(main, list(args))
    yield str(result.exit_code)
    yield result.stdout
    yield result.stderr


def test_cli_reports_what_each_exclusion_removed() -> None:
    code, out, err = _cli(
        "hunt",
        "--samples",
        "--rules",
        str(DATA / "rules"),
        "--watchlists",
        str(DATA / "watchlists"),
        "--tuning",
        str(DATA / "tuning.yaml"),
        "--now",
        "2026-11-03T00:00:00Z",
        "--format",
        "jsonl",
    )
    assert code == "1"
    assert "removed 3: 6c1f7f3e-9a51-4c2b-8d0e-2f4b7a9c1d10 #1 (Maintenance scripts" in err
    assert "expired 2026-10-31, ignored: 6c1f7f3e" in err
    *alerts, summary = [json.loads(line) for line in out.splitlines()]
    assert len(alerts) == 7 + 10  # the watchlist rule has no exclusions in the file
    exclusions = summary["tuning"]["exclusions"]
    assert [e["removed"] for e in exclusions if e["rule_id"] == BROAD_RULE] == [3, 2, 1, 1, 0]
    assert [e["expired"] for e in exclusions if e["rule_id"] == BROAD_RULE][-1] is True


def test_cli_query_and_lint_read_watchlists() -> None:
    code, out, _ = _cli(
        "query",
        "_GetWatchlist('TrustedAdmins') | project SearchKey",
        "--watchlists",
        str(DATA / "watchlists"),
        "--format",
        "csv",
    )
    assert code == "0" and out.splitlines() == ["SearchKey", "CONTOSO\\adm-rkhan"]

    rule = str(DATA / "rules" / "powershell_activity_watchlist.yaml")
    _, without, _ = _cli("lint", rule, "--min-severity", "info", "--no-summary")
    _, with_lists, _ = _cli(
        "lint",
        rule,
        "--min-severity",
        "info",
        "--no-summary",
        "--watchlists",
        str(DATA / "watchlists"),
    )
    assert "watchlist-not-local" in without
    assert with_lists == ""


def test_cli_rejects_a_bad_tuning_file(tmp_path: Path) -> None:
    path = tmp_path / "tuning.yaml"
    path.write_text("r1: [{reason: x}]", encoding="utf-8")
    code, _, err = _cli("hunt", "--samples", "--tuning", str(path))
    assert code == "2" and "at least one field condition" in err


def test_doctests() -> None:
    assert doctest.testmod(kqlhunt.tuning.watchlists).failed == 0


def test_cli_schedule_removes_results_before_counting_them() -> None:
    args = ["hunt", "--samples", "--rules", str(DATA / "rules"), "--schedule", "--format"]
    args += ["jsonl", "--now", "2026-11-03T00:00:00Z", "--watchlists", str(DATA / "watchlists")]
    plain = list(_cli(*args))
    code, out, err = _cli(*args, "--tuning", str(DATA / "tuning.yaml"))

    assert code == plain[0] == "1"
    assert "removed 3: 6c1f7f3e-9a51-4c2b-8d0e-2f4b7a9c1d10 #1 (Maintenance scripts" in err
    *alerts, summary = [json.loads(line) for line in out.splitlines()]
    removed = [e["removed"] for e in summary["tuning"]["exclusions"] if e["rule_id"] == BROAD_RULE]
    assert removed == [3, 2, 1, 1, 0]
    untuned = [json.loads(line) for line in plain[1].splitlines()]
    # one alert for all results per run: the run's alert holds 14 results, 7 once tuned
    assert [len(a["rows"]) for a in untuned if a["rule_id"] == BROAD_RULE] == [14]
    assert [len(a["rows"]) for a in alerts if a["rule_id"] == BROAD_RULE] == [14 - 7]


@pytest.mark.parametrize("schedule", [(), ("--schedule",)])
def test_cli_warns_of_exclusions_whose_rule_is_not_loaded(
    tmp_path: Path, schedule: tuple[str, ...]
) -> None:
    path = tmp_path / "tuning.yaml"
    path.write_text(
        f"{FIRST_RULE.upper()}: [{{reason: kept, host: nowhere}}]\n"
        "No-Such-Rule: [{reason: typo, host: WS-HR-03}, {reason: again, account: x}]\n",
        encoding="utf-8",
    )
    code, _, err = _cli("hunt", "--samples", *schedule, "--now", "2026-11-03T00:00:00Z",
                        "--tuning", str(path))  # fmt: skip

    assert code == "1"
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == [
        f"warning: {path}: no rule loaded has the id No-Such-Rule; its 2 exclusions remove nothing."
    ]
