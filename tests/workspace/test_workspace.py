"""Workspaces: ingest into Parquet, query in place, append without duplicates, the CLI."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import main
from kqlhunt.engine import Engine
from kqlhunt.hunt import hunt
from kqlhunt.normalize import read_logs
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.samples import sample_logs
from kqlhunt.workspace import Workspace, WorkspaceError, ingest

DATA = Path(__file__).resolve().parents[1] / "normalize" / "data"
NOW = ("--now", "2026-12-01T00:00:00Z")


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in ("winlogbeat.ndjson", "device_process_events.csv", "syslog_sysmon.log"):
        shutil.copy(DATA / name, folder / name)
    for sample in sample_logs():
        shutil.copy(sample, folder / sample.name)
    return folder


def _count(tables: object, query: str) -> object:
    engine = Engine(tables.values())  # type: ignore[attr-defined]
    try:
        return engine.query(query).rows
    finally:
        engine.close()


def test_ingest_writes_partitions_and_manifest(logs: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"

    report = ingest([logs], root, workers=1)

    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    assert len(manifest["sources"]) == report.files
    assert all(len(s["sha256"]) == 64 for s in manifest["sources"])
    assert manifest["tables"]["imProcessCreate"] == report.stats.process_events
    assert manifest["time_range"]["start"] <= manifest["time_range"]["end"]
    parts = list(root.glob("tables/table=imProcessCreate/day=*/part-*.parquet"))
    assert parts
    assert (root / "tables" / "table=DeviceProcessEvents" / "day=2024-03-03").is_dir()


def test_workspace_query_equals_raw(logs: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ingest([logs], root, workers=2)

    stored = Workspace(root).tables()
    raw = read_logs([logs], dedupe=True).tables
    query = (
        "imProcessCreate | summarize n = count() by EventProduct, Dvc | sort by EventProduct, Dvc"
    )
    assert _count(stored, query) == _count(raw, query)
    assert _count(stored, "DeviceProcessEvents | count") == [(2,)]
    assert _count(stored, "_ASim_ProcessEvent_Create | count") == _count(raw, "imProcess | count")


def test_hunt_over_workspace_gives_the_same_alerts(logs: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ingest([logs], root, workers=1)
    rules = load_rules([bundled_rules_dir()]).rules

    def alerts(tables: object) -> list[tuple[str, str]]:
        outcomes = hunt(rules, tables.values())  # type: ignore[attr-defined]
        return sorted((a.rule_name, str(a.time)) for o in outcomes for a in o.alerts)

    from_raw = alerts(read_logs([logs], dedupe=True).tables)
    assert from_raw
    assert alerts(Workspace(root).tables()) == from_raw


def test_appending_twice_adds_nothing(logs: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    first = ingest([logs], root, workers=1)
    copy = tmp_path / "copy"
    shutil.copytree(logs, copy)
    (copy / "winlogbeat.ndjson").write_text(
        (logs / "winlogbeat.ndjson").read_text("utf-8") + "\n", "utf-8"
    )

    again = ingest([logs], root, workers=1)
    other_files = ingest([copy], root, workers=1)

    assert again.stats.files_duplicate == first.files
    assert again.stats.process_events == 0
    assert other_files.stats.process_events == 0
    assert other_files.stats.events_duplicate == 2  # the edited file's two events
    tables = Workspace(root).tables()
    assert _count(tables, "imProcessCreate | count") == [(first.stats.process_events,)]


def test_a_worker_leaves_ctrl_c_to_the_main_process_and_stops_when_asked(logs: Path) -> None:
    from kqlhunt.workspace.ingest import _init_worker, parse_file

    path = str(logs / "winlogbeat.ndjson")
    stop = multiprocessing.Event()
    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(stop,)) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
        stats, _tables = pool.submit(parse_file, path, None).result()
        stop.set()
        stopped = pool.submit(parse_file, path, None).exception()

    assert stats.process_events == 2
    # Not an Exception: readers would record it as a damaged file and go on.
    assert stopped is not None and not isinstance(stopped, Exception)


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not a kqlhunt workspace"):
        Workspace(tmp_path)


def test_cli_ingest_then_query_and_hunt(logs: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "ws"

    result = runner.invoke(main, ["ingest", str(logs), "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert "new process events" in result.output

    again = runner.invoke(main, ["ingest", str(logs), "--workspace", str(root)])
    assert "0 new process events" in again.output

    query = runner.invoke(
        main,
        ["query", "SecurityEvent | count", "--workspace", str(root), "--format", "csv"],
    )
    assert query.exit_code == 0, query.output
    assert "Count\n2" in query.output.replace("\r", "")

    hunted = runner.invoke(main, ["hunt", "--workspace", str(root), *NOW])
    raw = runner.invoke(main, ["hunt", str(logs), *NOW])
    assert hunted.exit_code == raw.exit_code == 1


def test_duplicates_within_the_input_are_told_from_those_already_stored(
    logs: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    twice = tmp_path / "twice"
    twice.mkdir()
    events = (logs / "winlogbeat.ndjson").read_text("utf-8")
    (twice / "a.ndjson").write_text(events, "utf-8")
    (twice / "b.ndjson").write_text(events, "utf-8")  # the same file again
    (twice / "c.ndjson").write_text(events + "\n", "utf-8")  # its two process events again
    later = tmp_path / "later.ndjson"
    later.write_text(events + "\n\n", "utf-8")
    runner = CliRunner()

    first = runner.invoke(main, ["ingest", str(twice), "--workspace", str(root)])
    again = runner.invoke(main, ["ingest", str(later), str(twice), "--workspace", str(root)])

    assert first.exit_code == again.exit_code == 0, first.output
    assert (
        "2 new process events (0 already in the workspace, 2 duplicates within this input);"
        " 0 files already in the workspace, 1 duplicate file within this input;"
    ) in first.stderr
    assert (
        "0 new process events (2 already in the workspace, 0 duplicates within this input);"
        " 3 files already in the workspace, 0 duplicate files within this input;"
    ) in again.stderr


def test_cli_format_override_and_bad_workspace(tmp_path: Path) -> None:
    runner = CliRunner()
    text = tmp_path / "events.txt"
    shutil.copy(DATA / "syslog_sysmon.log", text)

    result = runner.invoke(
        main, ["ingest", str(text), "--workspace", str(tmp_path / "ws"), "--format", "syslog"]
    )
    assert result.exit_code == 0, result.output
    assert "1 new process event (" in result.output

    missing = runner.invoke(main, ["query", "imProcess | count", "--workspace", str(tmp_path)])
    assert missing.exit_code == 2
    assert "not a kqlhunt workspace" in missing.output


def test_parts_of_an_interrupted_ingest_are_ignored_then_removed(tmp_path: Path) -> None:
    import shutil

    from kqlhunt.samples import sample_logs
    from kqlhunt.workspace import Workspace
    from kqlhunt.workspace.ingest import ingest

    root = tmp_path / "ws"
    ingest([*sample_logs()], root)
    (part, *_) = sorted(root.glob("tables/table=imProcessCreate/day=*/*.parquet"))
    orphan = part.with_name("part-deadbeef0000-00001.parquet")
    shutil.copy(part, orphan)  # as an ingest stopped before writing its manifest leaves it

    assert str(orphan) not in Workspace(root).table_files("imProcessCreate")
    ingest([*sample_logs()], root)
    assert not orphan.exists()


# Columns SecurityEvent gained after workspaces existed; a part written before lacks them.
_LATER_COLUMNS = ["ObjectName", "IpAddress", "LogonType", "_BilledSize"]
_SECURITY_EVENT_SUMMARY = (
    "SecurityEvent | summarize n = count(), processes = dcount(NewProcessName),"
    " empty = countif(isempty(ObjectName) and isempty(IpAddress) and isnull(LogonType)"
    " and isnull(_BilledSize))"
)


def _without_later_columns(part: Path) -> None:
    """Rewrite a Parquet part as a kqlhunt that did not know `_LATER_COLUMNS` wrote it."""
    data = pq.read_table(part)
    pq.write_table(data.drop_columns(_LATER_COLUMNS), part)


@pytest.mark.parametrize("old_parts", ["every part", "one of two parts"])
def test_parts_written_before_a_table_gained_columns_read_as_empty(
    old_parts: str, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    ingest([*sample_logs()], root, workers=1)
    [part] = sorted(root.glob("tables/table=SecurityEvent/day=*/*.parquet"))
    before = _count(Workspace(root).tables(), _SECURITY_EVENT_SUMMARY)
    assert isinstance(before, list)
    [(n, processes, empty)] = before
    assert n == empty == 19
    if old_parts == "one of two parts":  # same run, so the copy counts as stored data
        shutil.copy(part, part.with_name(part.name.replace(".parquet", "9.parquet")))

    _without_later_columns(part)

    copies = 1 if old_parts == "every part" else 2
    expected = [(n * copies, processes, empty * copies)]
    assert _count(Workspace(root).tables(), _SECURITY_EVENT_SUMMARY) == expected


def test_logs_beside_a_workspace_with_old_parts(tmp_path: Path) -> None:
    from kqlhunt import api

    root = tmp_path / "ws"
    ingest([*sample_logs()], root, workers=1)
    for part in root.glob("tables/table=SecurityEvent/day=*/*.parquet"):
        _without_later_columns(part)

    with api.load([root, DATA / "winlogbeat.ndjson"], now=NOW[1]) as both:
        summary = both.query(_SECURITY_EVENT_SUMMARY)
    assert (summary.column("n").to_pylist(), summary.column("empty").to_pylist()) == ([20], [20])


def test_query_command_reads_logs_beside_a_workspace_with_old_parts(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ingest([*sample_logs()], root, workers=1)
    for part in root.glob("tables/table=SecurityEvent/day=*/*.parquet"):
        _without_later_columns(part)

    args = ["query", _SECURITY_EVENT_SUMMARY, str(DATA / "winlogbeat.ndjson")]
    result = CliRunner().invoke(main, [*args, "--workspace", str(root), "--format", "csv"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split(",")[::2] == ["20", "20"]


def test_logs_beside_a_workspace_holding_their_events_add_no_duplicate(
    logs: Path, tmp_path: Path
) -> None:
    from kqlhunt import api
    from kqlhunt.normalize import TABLE_SCHEMAS

    root = tmp_path / "ws"
    ingest([logs], root, workers=1)
    again = tmp_path / "again"
    again.mkdir()
    for source in logs.iterdir():  # the same events under other names
        shutil.copy(source, again / f"copy of {source.name}")
    stored = Workspace(root).tables()

    with api.load([root, again], now=NOW[1]) as both:
        assert both.stats is not None and both.stats.process_events == 0
        for name in TABLE_SCHEMAS:
            rows = both.query(f"{name} | count").column("Count").to_pylist()
            assert rows == [len(stored[name])], name

    runner = CliRunner()
    args = ["--workspace", str(root), str(again), *NOW]
    hunted = runner.invoke(main, ["hunt", *args, "--format", "jsonl"])
    alone = runner.invoke(main, ["hunt", str(again), *NOW, "--format", "jsonl"])
    assert hunted.stdout.count("\n") == alone.stdout.count("\n") == 4
    for name in TABLE_SCHEMAS:
        queried = runner.invoke(main, ["query", f"{name} | count", *args, "--format", "csv"])
        assert queried.stdout.splitlines()[1:] == [str(len(stored[name]))], name
