"""Fixtures for the normalize tests: the shared corpus, checked-in data, golden rows."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from kqlhunt.normalize import TABLE_NAME, LogRead
from kqlhunt.normalize.schema import ADDITIONAL_FIELDS

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
GOLDEN = HERE / "golden"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
UPDATE_GOLDEN = os.environ.get("KQLHUNT_UPDATE_GOLDEN") == "1"

Row = dict[str, object]


@pytest.fixture
def data_dir() -> Path:
    """The folder of small hand-written log files."""
    return DATA


@pytest.fixture
def corpus() -> Path:
    """The shared real-log corpus; skips the test when it is not there."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS.resolve()


def rows_of(result: LogRead) -> list[Row]:
    """The imProcessCreate rows of a result, as Python values."""
    rows: list[Row] = result.tables[TABLE_NAME].data.to_pylist()
    return rows


def comparable(row: Row) -> Row:
    """A row as golden files hold it: non-empty fields only, times as ISO text, and the
    AdditionalFields JSON decoded so the file stays readable."""
    kept: Row = {}
    for name, value in row.items():
        if value is None or value == "":
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif name == ADDITIONAL_FIELDS and isinstance(value, str):
            value = json.loads(value)
        kept[name] = value
    return kept


@pytest.fixture
def check_golden() -> Callable[[str, Row], None]:
    """Compare a row with `golden/<name>.json`; KQLHUNT_UPDATE_GOLDEN=1 rewrites the file."""

    def check(name: str, row: Row) -> None:
        path = GOLDEN / f"{name}.json"
        actual = comparable(row)
        if UPDATE_GOLDEN:
            text = json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=False)
            path.write_text(text + "\n", encoding="utf-8")
        if not path.exists():
            pytest.fail(f"no golden file {path.name}; run with KQLHUNT_UPDATE_GOLDEN=1")
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert actual == expected

    return check
