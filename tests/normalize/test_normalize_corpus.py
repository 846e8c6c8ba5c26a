"""The whole shared corpus: every file reads without raising, and the process-creation counts
match the totals the corpus MANIFEST states per folder."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kqlhunt.normalize import read_logs
from kqlhunt.normalize import schema as f

from .conftest import rows_of

SYSMON = "Sysmon"
SECURITY = "Security Events"

# folder -> (events read, Sysmon EID 1 rows, 4688 rows, other process rows), from the
# MANIFEST "Totals" table.
EXPECTED = {
    "evtx": (13586, 1505, 1302, 0),
    "sans-blue-team-DeepBlueCLI": (670, 46, 83, 0),
    "omerbenamram-evtx": (358, 227, 0, 0),
    "SigmaHQ-sigma": (302, 302, 0, 0),
    "OTRF-Security-Datasets": (13284, 42, 40, 84),
    "microsoft-msticpy": (2144, 0, 480, 1646),
}

MSTICPY = "microsoft-msticpy"
OTRF = "OTRF-Security-Datasets/datasets"

# file or folder -> {EventProduct: rows}, from the MANIFEST "by input format" table.
BY_FORMAT = {
    f"{MSTICPY}/tests/testdata/processes_on_host.csv": {SECURITY: 363},
    f"{MSTICPY}/docs/notebooks/data/process_tree.csv": {SECURITY: 117},
    f"{MSTICPY}/tests/testdata/mde_proc_cs1.csv": {"M365 Defender for Endpoint": 1564},
    f"{MSTICPY}/tests/testdata/linux_events.csv": {"auditd": 82},
    f"{OTRF}/compound/Log4Shell/syslog_sysmon_log4shell_cve2021_44228_jndi_reference": {
        "Sysmon for Linux": 31
    },
    f"{OTRF}/compound/Log4Shell/syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference": {
        "AUOMS": 50
    },
    f"{OTRF}/atomic/linux": {"auditd": 3},
    f"{OTRF}/compound/Log4Shell/securityauditing_log4shell_cve2021_44228_java_serialized_object": {
        SECURITY: 2
    },
    f"{OTRF}/compound/Log4Shell/sysmon_log4shell_cve2021_44228_java_serialized_object": {SYSMON: 2},
    f"{OTRF}/compound/GoldenSAMLADFSMailAccess": {},
}

SYSMON_SAMPLE = "omerbenamram-evtx/samples/sysmon.evtx"


@pytest.mark.corpus
@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_corpus_folder_counts(corpus: Path, folder: str) -> None:
    events, sysmon, security, other = EXPECTED[folder]

    result = read_logs([corpus / folder])

    products = Counter(r[f.EVENT_PRODUCT] for r in rows_of(result))
    assert result.stats.events_read == events
    assert products[SYSMON] == sysmon
    assert products[SECURITY] == security
    assert result.stats.process_events == sysmon + security + other
    assert all(r[f.TIME_GENERATED] is not None for r in rows_of(result))
    assert not result.stats.skipped or folder == "omerbenamram-evtx"


@pytest.mark.corpus
@pytest.mark.parametrize("relative", sorted(BY_FORMAT))
def test_corpus_counts_per_format(corpus: Path, relative: str) -> None:
    result = read_logs([corpus / relative])

    assert result.stats.per_product == BY_FORMAT[relative]
    assert result.stats.files_failed == 0


@pytest.mark.corpus
def test_overlapping_securityevent_exports_dedupe(corpus: Path) -> None:
    folder = corpus / MSTICPY
    paths = [folder / "tests/testdata/processes_on_host.csv", folder / "docs/notebooks/data"]

    result = read_logs(paths, dedupe=True)

    assert result.stats.per_product == {SECURITY: 379}  # 363 + 117 - 101 shared
    assert result.stats.events_duplicate == 101


@pytest.mark.corpus
def test_every_corpus_file_reads_without_raising(corpus: Path) -> None:
    result = read_logs([corpus])

    stats = result.stats
    assert stats.files_read + stats.files_failed > 600
    assert stats.files_ignored > 2000  # the rule YAML and the documentation are passed over
    assert stats.process_events == sum(sum(e[1:]) for e in EXPECTED.values())
    # Only files that are not logs (or not in a format read here) fail.
    failed = {s.path for s in stats.skipped if s.reason == "unrecognised format"}
    assert stats.files_failed == len(failed)
    assert not any(p.endswith((".evtx", ".xml")) for p in failed)


@pytest.mark.corpus
def test_garbage_chunks_after_good_ones(corpus: Path) -> None:
    path = corpus / SYSMON_SAMPLE

    result = read_logs([path])

    assert result.stats.files_read == 1
    assert result.stats.events_read == 358
    assert [s.position for s in result.stats.skipped] == [f"chunk {n}" for n in range(9, 17)]
    assert all("chunk header" in s.reason for s in result.stats.skipped)


@pytest.mark.corpus
def test_evtx_cut_short(corpus: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.evtx"
    cut.write_bytes((corpus / SYSMON_SAMPLE).read_bytes()[: 4096 + 2 * 65536 + 30000])

    result = read_logs([cut])

    assert result.stats.files_read == 1
    assert 0 < result.stats.events_read < 358
    assert result.stats.skipped[-1].position == "chunk 2"
    assert "truncated" in result.stats.skipped[-1].reason


@pytest.mark.corpus
def test_evtx_header_cut_short(corpus: Path, tmp_path: Path) -> None:
    cut = tmp_path / "header.evtx"
    cut.write_bytes((corpus / SYSMON_SAMPLE).read_bytes()[:100])

    result = read_logs([cut])

    assert result.stats.files_failed == 1
    assert result.stats.skipped[0].position == "byte 0"
