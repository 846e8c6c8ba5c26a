"""Lint the public Sentinel rule corpus; the findings checked by hand stay found.

Skips when the corpus (`../shared/corpus/sentinel-rules`) is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kqlhunt.lint import LintReport, lint_paths

pytestmark = pytest.mark.corpus

CORPUS = Path(
    os.environ.get(
        "KQLHUNT_SENTINEL_RULES",
        Path(__file__).resolve().parents[3] / "shared" / "corpus" / "sentinel-rules",
    )
)

# (file, line, kind), each read against the file and the format and found true; see
# docs/lint.md for what each one is.
SPOT_CHECKED = [
    ("Detections/ASimWebSession/PotentiallyHarmfulFileTypes.yaml", 32, "query-syntax"),
    (
        "Hunting Queries/AWSS3/AWSBucketAPILogs-SuspiciousDataAccessToS3BucketsfromUnknownIP.yaml",
        23,
        "query-syntax",
    ),
    ("Solutions/CiscoDuoSecurity/Hunting Queries/CiscoDuoNewUsers.yaml", 18, "query-syntax"),
    ("Hunting Queries/ASimProcess/imProcess_SolarWindsInventory.yaml", 16, "query-compile"),
    ("Hunting Queries/MultipleDataSources/NickelRegIOCPatterns.yaml", 1, "invalid-id"),
    ("Hunting Queries/DnsEvents/Solorigate-DNS-Pattern.yaml", 44, "unknown-identifier"),
    (
        "Solutions/Corelight/Hunting Queries/CorelightRepetitiveDnsFailures.yaml",
        11,
        "unknown-tactic",
    ),
    (
        "Solutions/ApacheHTTPServer/Hunting Queries/ApacheUnexpectedPostRequests.yaml",
        14,
        "revoked-technique",
    ),
    ("Solutions/FalconFriday/Analytic Rules/DLLSideLoading.yaml", 23, "revoked-technique"),
    (
        "Solutions/Corelight/Hunting Queries/CorelightFilesSeen.yaml",
        15,
        "technique-tactic-mismatch",
    ),
    (
        "Hunting Queries/SecurityEvent/ScheduledTaskCreationUpdateFromUserWritableDrectory.yaml",
        36,
        "missing-column",
    ),
]


@pytest.fixture(scope="module")
def report() -> LintReport:
    if not CORPUS.is_dir():
        pytest.skip(f"Sentinel rule corpus not found at {CORPUS}")
    return lint_paths([CORPUS])


def test_every_file_is_linted(report: LintReport) -> None:
    assert report.files > 2000
    assert not [f for f in report.findings if f.kind in ("unreadable", "invalid-yaml")]


@pytest.mark.parametrize(("path", "line", "kind"), SPOT_CHECKED)
def test_spot_checked_findings(report: LintReport, path: str, line: int, kind: str) -> None:
    found = {(f.path, f.line, f.kind) for f in report.findings}
    assert (str(CORPUS / path), line, kind) in found
