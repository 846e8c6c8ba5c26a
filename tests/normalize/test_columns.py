"""Rows gathered column by column, as the Arrow tables and the workspace parts are built, and
repeated events dropped on the way."""

from __future__ import annotations

import pytest

from kqlhunt.normalize import ingest, read_logs
from kqlhunt.normalize.base import Row
from kqlhunt.normalize.model import WinEvent
from kqlhunt.normalize.tables import ColumnBuilder, Columns
from kqlhunt.normalize.vendor import vendor_row
from kqlhunt.samples import sample_logs
from kqlhunt.types import KqlType

COLUMNS = {"Name": KqlType.STRING, "Count": KqlType.INT, "Note": KqlType.STRING}


def test_rows_become_columns_with_empty_cells_where_a_row_has_no_value() -> None:
    rows: list[dict[str, object]] = [
        {"Name": "a", "Unknown": 1},  # a key that is no column is left out
        {},
        {"Count": 3, "Name": None},  # null text becomes ""
        {"Note": 42},  # a string column holds text
        {"Name": "e"},
    ]
    columns = Columns.of_rows(COLUMNS, rows)
    assert columns.count == 5
    assert columns.values == {
        "Name": ["a", "", "", "", "e"],
        "Count": [None, None, 3, None, None],
        "Note": ["", "", "", "42", ""],
    }
    assert list(columns.values) == ["Name", "Count", "Note"]  # in order of first appearance


def test_a_builder_gives_the_rows_added_so_far() -> None:
    builder = ColumnBuilder(COLUMNS)
    assert builder.build() == Columns(0, {})
    builder.add({"Count": 1})
    builder.add({"Name": "b"})
    builder.add({})
    assert builder.count == 3
    assert builder.build() == Columns(3, {"Count": [1, None, None], "Name": ["", "b", ""]})


def test_a_repeated_event_is_dropped_before_its_vendor_row_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []

    def counted(event: WinEvent, asim: Row) -> tuple[str, Row] | None:
        made.append(event.position)
        return vendor_row(event, asim)

    monkeypatch.setattr(ingest, "vendor_row", counted)
    sample = sample_logs()[0]
    once = read_logs([sample], dedupe=True).stats
    made.clear()
    twice = read_logs([sample, sample], dedupe=True).stats
    assert once.process_events > 0
    assert twice.process_events == once.process_events
    assert twice.events_duplicate == once.process_events
    assert len(made) == once.process_events
