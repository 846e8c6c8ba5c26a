"""The parity report and `kqlhunt parity`, on rules written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import main
from kqlhunt.parity.report import Outcome, parity_report
from kqlhunt.rules.loader import load_rules
from tests.oracle.oracle import HERE, unavailable_reason

_RULES = {
    "process.kql": "imProcessCreate | where CommandLine has 'whoami' | project Dvc, User",
    "network.kql": "DeviceNetworkEvents | where RemotePort == 4444",
    "vendor.kql": "SecurityEvent | where EventID == 4688 | summarize count() by Computer",
    "joined.kql": "DeviceProcessEvents | join DeviceFileCertificateInfo on DeviceId",
    "files.kql": "DeviceProcessEvents | join kind=inner DeviceFileEvents on DeviceId | count",
    "logons.kql": "SecurityEvent | where EventID == 4624 | count",
}


def _rules(folder: Path) -> Path:
    for name, query in _RULES.items():
        (folder / name).write_text(query + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def analyzer() -> Path:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    return HERE


def test_figures_and_outcomes(tmp_path: Path, analyzer: Path) -> None:
    report = parity_report(load_rules(_rules(tmp_path)).rules, analyzer)
    outcomes = {Path(qid).name: result for qid, result in report.scope.items()}

    figures = report.figures()
    assert figures["acceptance agrees with the analyzer"] == (6, 6)
    assert figures["result columns agree, where both infer them"] == (5, 5)
    # Over process events: the ASIM query, the 4688 query and the joins; not the 4624 count
    # nor the network query (a table kqlhunt knows, empty, but no process events).
    assert set(outcomes) == {"process.kql", "vendor.kql", "joined.kql", "files.kql"}
    assert outcomes["process.kql"].outcome is Outcome.RUNS
    assert outcomes["vendor.kql"].outcome is Outcome.RUNS
    assert outcomes["files.kql"].outcome is Outcome.RUNS
    assert outcomes["joined.kql"].outcome is Outcome.GAP
    assert outcomes["joined.kql"].detail == (
        "reads table DeviceFileCertificateInfo, which kqlhunt does not hold"
    )
    assert report.problems() == []


def test_the_command_prints_the_figures(tmp_path: Path, analyzer: Path) -> None:
    result = CliRunner().invoke(
        main, ["parity", str(_rules(tmp_path)), "--analyzer", str(analyzer)]
    )

    assert result.exit_code == 0, result.output
    assert "6 rule queries" in result.stdout
    assert "acceptance agrees with the analyzer" in result.stdout
    assert "DeviceFileCertificateInfo" in result.stdout


def test_a_missing_analyzer_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["parity", str(_rules(tmp_path)), "--analyzer", str(tmp_path / "nowhere")]
    )

    assert result.exit_code == 2
    assert "Microsoft's KQL parser" in result.stderr or "Node.js" in result.stderr
