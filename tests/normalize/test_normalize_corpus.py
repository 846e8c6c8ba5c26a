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

# folder -> (events read, Sysmon EID 1 rows, 4688 rows), from the MANIFEST "Totals" table.
# OTRF: the three Linux auditd events are in raw .log text, a format not read here.
EXPECTED = {
    "evtx": (13586, 1505, 1302),
    "sans-blue-team-DeepBlueCLI": (670, 46, 83),
    "omerbenamram-evtx": (358, 227, 0),
    "SigmaHQ-sigma": (302, 302, 0),
    "OTRF-Security-Datasets": (13284 - 3, 42, 40),
}

SYSMON_SAMPLE = "omerbenamram-evtx/samples/sysmon.evtx"


@pytest.mark.corpus
@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_corpus_folder_counts(corpus: Path, folder: str) -> None:
    events, sysmon, security = EXPECTED[folder]

    result = read_logs([corpus / folder])

    products = Counter(r[f.EVENT_PRODUCT] for r in rows_of(result))
    assert result.stats.events_read == events
    assert products[SYSMON] == sysmon
    assert products[SECURITY] == security
    assert result.stats.process_events == sysmon + security
    assert all(r[f.TIME_GENERATED] is not None for r in rows_of(result))


@pytest.mark.corpus
def test_every_corpus_file_reads_without_raising(corpus: Path) -> None:
    result = read_logs([corpus])

    stats = result.stats
    assert stats.files_read + stats.files_failed > 600
    assert stats.files_ignored > 2000  # the rule YAML and the documentation are passed over
    assert stats.process_events == sum(e[1] + e[2] for e in EXPECTED.values())
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
