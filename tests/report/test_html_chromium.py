"""The HTML report in a real headless Chromium: it renders offline with the expected content,
and a screenshot is taken (kept when KQLHUNT_KEEP_SCREENSHOT names a path)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import main

DATA = Path(__file__).parents[1] / "tuning" / "data"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(
        main,
        [
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
            "html",
            "--output",
            str(path),
        ],
    )
    assert result.exit_code == 1, result.output
    return path


def test_report_renders_with_the_expected_content(report: Path) -> None:
    result = _chromium("--dump-dom", report.as_uri())
    dom = result.stdout
    assert result.returncode == 0 and dom, result.stderr[-2000:]

    # 7 alerts of the broad rule after tuning, 10 of the watchlist rule.
    assert re.search(r'id="total-alerts"><span class="n">17</span>', dom)
    assert dom.count('<tr class="alert">') == 17
    assert dom.count('class="dot"') == 17
    assert "<svg" in dom and "Timeline" in dom
    for host in ("WS-FIN-07", "SRV-APP-02", "WS-HR-03"):
        assert f"<b>{host}</b>" in dom
    assert "<b>CONTOSO\\adm-rkhan</b>" in dom  # the broad rule keeps the admin's TcpClient tests
    assert "Maintenance scripts run by the Task Scheduler" in dom
    assert 'class="expired"' in dom


def test_report_screenshot(report: Path, tmp_path: Path) -> None:
    png = Path(os.environ.get("KQLHUNT_KEEP_SCREENSHOT") or tmp_path / "report.png")
    result = _chromium("--window-size=1280,1600", f"--screenshot={png}", report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000  # a blank page compresses to a few kilobytes
