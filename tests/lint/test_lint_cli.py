"""The `kqlhunt lint` command: findings on stdout, counts on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kqlhunt.cli.main import main
from kqlhunt.rules import bundled_rules_dir

BAD = "id: not-a-guid\nname: n\ndescription: d\nquery: imProcessCreate\ntactics: [Executing]\n"


def test_clean_rules_exit_0() -> None:
    result = CliRunner().invoke(main, ["lint", str(bundled_rules_dir())])
    assert result.exit_code == 0, result.output
    assert "1 rule files" in result.stderr


def test_errors_exit_1_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["lint", "--no-summary", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:1: error [invalid-id] id 'not-a-guid' is not a GUID",
        f"{path}:5: error [unknown-tactic] tactic 'Executing' is not one of Sentinel's tactics",
    ]


def test_jsonl_and_severity_floor(tmp_path: Path) -> None:
    path = tmp_path / "q.kql"
    path.write_text("AWSCloudTrail | take 1\n")
    runner = CliRunner()
    assert runner.invoke(main, ["lint", "--format", "jsonl", str(path)]).stdout == ""
    result = runner.invoke(main, ["lint", "--min-severity", "info", "--format", "jsonl", str(path)])
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["kind"] == "table-not-local" and result.exit_code == 0


def test_missing_path_is_a_usage_error() -> None:
    assert CliRunner().invoke(main, ["lint", "/nonexistent/rules"]).exit_code == 2
