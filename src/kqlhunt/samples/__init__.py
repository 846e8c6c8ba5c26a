"""Synthetic sample logs shipped with kqlhunt (see README.md in this folder)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_LOGS = ("sysmon_process_create.xml", "security_4688.xml", "process_events.ndjson")
LABELS = "labels.json"


def samples_dir() -> Path:
    """The folder holding the sample logs and `labels.json`."""
    return Path(__file__).resolve().parent


def sample_logs() -> list[Path]:
    """The sample log files, in a fixed order."""
    return [samples_dir() / name for name in SAMPLE_LOGS]
