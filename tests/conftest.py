"""Shared test fixtures: where the read-only public corpus lives, and a pinned clock."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
CONFORMANCE = SHARED / "kql-conformance.json"

PINNED_NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def corpus() -> Path:
    """The public log corpus beside the project; tests using it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not present beside the project")
    return CORPUS
