"""Text from logs reaches the terminal with its control characters escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import main
from kqlhunt.terminal import shown


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text, ünïcödé 日本", "plain text, ünïcödé 日本"),
        ("a\x1b[31mRED\x1b[0m", "a\\x1b[31mRED\\x1b[0m"),  # an escape sequence
        ("tab\there\nnext line", "tab\there\nnext line"),
        ("exe.\u202etxt", "exe.\\u202etxt"),  # a right-to-left override
        ("no\u00a0break", "no\u00a0break"),
        ("c1\x9b", "c1\\x9b"),
    ],
)
def test_shown_escapes_control_and_format_characters(value: str, expected: str) -> None:
    assert shown(value).plain == expected


def test_query_table_shows_an_escape_in_a_command_line_as_text(tmp_path: Path) -> None:
    event = {
        "EventID": 1,
        "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Computer": "WS1",
        "TimeCreated": "2026-11-02T10:00:00Z",
        "Image": "C:\\Windows\\System32\\cmd.exe",
        "CommandLine": "cmd.exe /c echo \x1b[2J\x1b[31mowned",
        "ProcessId": 10,
        "User": "CONTOSO\\alice",
    }
    log = tmp_path / "events.ndjson"
    log.write_text(json.dumps(event) + "\n", encoding="utf-8")

    result = CliRunner().invoke(
        main, ["query", "imProcessCreate | project CommandLine", str(log)], env={"NO_COLOR": "1"}
    )

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J\\x1b[31mowned" in result.stdout
