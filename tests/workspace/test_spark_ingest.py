"""Ingest on Spark: the same workspace as the local ingest, the same alerts, the same summary."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import main
from kqlhunt.hunt import hunt
from kqlhunt.normalize.tables import TABLE_SCHEMAS
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.samples import sample_logs
from kqlhunt.workspace import IngestReport, Workspace, ingest, ingest_spark, spark_ingest

# The module (the package's `ingest` is the function).
local_ingest_module = importlib.import_module("kqlhunt.workspace.ingest")

NOW = "2026-12-01T00:00:00Z"
MASTER = "local[2]"


@pytest.fixture(scope="module")
def spark() -> str:
    """The master URL of a local Spark; skips without PySpark or Java."""
    pytest.importorskip("pyspark", reason="ingest on Spark needs pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("ingest on Spark needs Java 17")
    return MASTER


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """The bundled samples, a truncated EVTX file, a file in no log format and a broken line."""
    folder = tmp_path / "logs"
    folder.mkdir()
    for sample in sample_logs():
        shutil.copy(sample, folder / sample.name)
    with (folder / "process_events.ndjson").open("a", encoding="utf-8") as handle:
        handle.write('{"broken": \n')
    (folder / "cut.evtx").write_bytes(b"ElfFile\x00" + bytes(5000))
    (folder / "junk.bin").write_bytes(b"garbage\x00\x01binary")
    return folder


def stored_rows(root: Path) -> dict[str, list[str]]:
    """Every table's rows (the event key too), sorted: the content, whatever the parts."""
    workspace = Workspace(root)
    rows: dict[str, list[str]] = {}
    for name in TABLE_SCHEMAS:
        parts = [pq.read_table(path) for path in workspace.table_files(name)]
        if parts:
            table = pa.concat_tables(parts)
            rows[name] = sorted(
                map(repr, zip(*(c.to_pylist() for c in table.columns), strict=True))
            )
    return rows


def manifest(root: Path) -> dict[str, Any]:
    """The manifest without what differs between any two runs (run names, ingest times)."""
    body: dict[str, Any] = json.loads((root / "manifest.json").read_text("utf-8"))
    body.pop("runs")
    for source in body["sources"]:
        source.pop("ingested")
    return body


def counts(report: IngestReport) -> tuple[object, ...]:
    stats = report.stats
    return (
        stats.files_read, stats.files_failed, stats.files_ignored, stats.files_duplicate,
        stats.events_read, stats.process_events, stats.events_duplicate, stats.skipped,
        stats.empty_files, stats.per_table, stats.per_product, report.files,
        report.files_in_workspace, report.events_in_workspace,
    )  # fmt: skip


def alerts(root: Path, engine: str = "duckdb") -> list[tuple[str, str, str]]:
    rules = load_rules([bundled_rules_dir()])
    outcomes = hunt(rules, Workspace(root).tables().values(), engine=engine)
    found = [
        (a.rule_name, str(a.time), json.dumps(a.to_json())) for o in outcomes for a in o.alerts
    ]
    return sorted(found)


def assert_same_workspace(local: Path, spark: Path) -> None:
    assert stored_rows(spark) == stored_rows(local)
    assert manifest(spark) == manifest(local)


def test_samples_give_the_local_workspace_and_alerts(
    spark: str, logs: Path, tmp_path: Path
) -> None:
    local = ingest([logs], tmp_path / "local", workers=1)
    on_spark = ingest_spark([logs], tmp_path / "spark", master=spark)

    assert counts(on_spark) == counts(local)
    assert_same_workspace(tmp_path / "local", tmp_path / "spark")
    expected = alerts(tmp_path / "local")
    assert len(expected) == 4
    assert alerts(tmp_path / "spark") == expected
    assert alerts(tmp_path / "spark", engine="spark") == expected


def test_broken_files_are_reported_not_fatal(spark: str, logs: Path, tmp_path: Path) -> None:
    report = ingest_spark([logs], tmp_path / "ws", master=spark)

    skipped = {(Path(s.path).name, s.reason.split(":")[0]) for s in report.stats.skipped}
    assert ("junk.bin", "unrecognised format") in skipped
    assert ("process_events.ndjson", "invalid JSON") in skipped
    assert ("cut.evtx", "file truncated") in skipped
    assert report.stats.process_events == 46
    kept = manifest(tmp_path / "ws")["skipped"]
    assert len(kept) == len(report.stats.skipped)


def test_ingesting_again_adds_nothing(spark: str, logs: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    first = ingest_spark([logs], root, master=spark)
    before = stored_rows(root), manifest(root)["tables"]

    again = ingest_spark([logs], root, master=spark)
    locally = ingest([logs], root, workers=1)

    for report in (again, locally):
        assert report.stats.files_duplicate == report.files_in_workspace == first.files
        assert report.stats.process_events == 0
    assert (stored_rows(root), manifest(root)["tables"]) == before


def corpus_slice(corpus: Path) -> list[Path]:
    """Overlapping exports (one CSV repeats 101 events of another), EVTX files beside their
    JSON renderings, and EVTX logs of Sysmon and Security."""
    sigma = corpus / "SigmaHQ-sigma" / "regression_data" / "rules" / "windows" / "process_creation"
    return [
        corpus / "microsoft-msticpy" / "docs" / "notebooks" / "data" / "process_tree.csv",
        *sorted(p for p in sigma.rglob("*") if p.is_file())[:12],
        corpus / "microsoft-msticpy" / "tests" / "testdata" / "processes_on_host.csv",
        corpus / "sans-blue-team-DeepBlueCLI" / "evtx" / "sliver-sysmon.evtx",
        corpus / "sans-blue-team-DeepBlueCLI" / "evtx" / "powersploit-security.evtx",
    ]


@pytest.mark.corpus
def test_corpus_slice_gives_the_local_workspace_one_task_per_file(
    spark: str, corpus: Path, logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file in a task of its own: events repeated across files are repeated across
    tasks, and the copy kept is the one a local ingest keeps."""
    files = [*corpus_slice(corpus), logs]
    monkeypatch.setattr(local_ingest_module, "TASK_FILES", 1)
    monkeypatch.setattr(spark_ingest, "TASK_BYTES", 1)
    monkeypatch.setattr(spark_ingest, "_size", lambda group: 1)  # equal shares: one per task

    local = ingest(files, tmp_path / "local", workers=1)
    on_spark = ingest_spark(files, tmp_path / "spark", master=spark)

    assert local.stats.events_duplicate > 100
    tasks = {part.name.split("-")[2] for part in (tmp_path / "spark").rglob("part-*.parquet")}
    assert len(tasks) > 10  # parts written by that many tasks
    assert counts(on_spark) == counts(local)
    assert_same_workspace(tmp_path / "local", tmp_path / "spark")
    assert alerts(tmp_path / "spark") == alerts(tmp_path / "local")


@pytest.mark.corpus
def test_a_later_local_ingest_dedupes_against_spark_parts(
    spark: str, corpus: Path, tmp_path: Path
) -> None:
    files = corpus_slice(corpus)
    first, rest = files[:8], files

    ingest(first, tmp_path / "local", workers=1)
    ingest_spark(first, tmp_path / "spark", master=spark)
    local = ingest(rest, tmp_path / "local", workers=1)
    after_spark = ingest(rest, tmp_path / "spark", workers=1)

    assert after_spark.files_in_workspace == 8
    assert counts(after_spark) == counts(local)
    assert_same_workspace(tmp_path / "local", tmp_path / "spark")


def test_cli_prints_the_local_summary(spark: str, logs: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    local = runner.invoke(main, ["ingest", str(logs), "--workspace", str(tmp_path / "a")])
    args = ["--engine", "spark", "--spark-master", spark]
    on_spark = runner.invoke(main, ["ingest", str(logs), "--workspace", str(tmp_path / "b"), *args])

    assert on_spark.exit_code == local.exit_code == 0, on_spark.output
    assert on_spark.stderr.replace(str(tmp_path / "b"), "WS") == local.stderr.replace(
        str(tmp_path / "a"), "WS"
    )
    assert "skipped" in on_spark.stderr and "new process events" in on_spark.stderr


def test_tasks_are_runs_of_consecutive_groups_of_about_equal_input(tmp_path: Path) -> None:
    sizes = [5, 1, 1, 1, 1, 1, 4, 2]
    groups = []
    for number, size in enumerate(sizes):
        path = tmp_path / f"{number}.log"
        path.write_bytes(b"x" * size)
        groups.append([path])

    tasks = spark_ingest._tasks(groups, cores=3)

    order = [index for task in tasks for index, _ in task]
    assert order == list(range(len(sizes)))
    assert [[index for index, _ in task] for task in tasks] == [[0], [1, 2, 3, 4, 5], [6, 7]]
    assert tasks[0][0][1] == [(groups[0][0].absolute(), groups[0][0])]


def test_parts_of_failed_task_attempts_are_removed(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws", create=True)
    folder = workspace.root / "tables" / "table=imProcessCreate" / "day=2024-03-03"
    folder.mkdir(parents=True)
    names = ["00000a0-00001", "00001a0-00001", "00001a1-00001", "00001a1-00002"]
    for name in names:
        (folder / f"part-{workspace.run}-{name}.parquet").write_bytes(b"")
    other = folder / "part-0123456789ab-00001.parquet"
    other.write_bytes(b"")

    completed = {f"{workspace.run}-00000a0", f"{workspace.run}-00001a1"}
    spark_ingest._remove_failed_attempts(workspace, completed)

    left = {p.name for p in folder.iterdir()}
    kept = [names[0], names[2], names[3]]
    assert left == {other.name, *(f"part-{workspace.run}-{name}.parquet" for name in kept)}


def test_a_failed_job_is_told_by_its_python_error() -> None:
    report = (
        "An error occurred while calling o42.collect.\n: org.apache.spark.SparkException: Job "
        "aborted\nTraceback (most recent call last):\n  File ...\nModuleNotFoundError: No "
        "module named 'kqlhunt'\n\tat org.apache.spark.api.python.BasePythonRunner"
    )
    assert spark_ingest._reason(report) == spark_ingest.NO_KQLHUNT
    other = report.replace("ModuleNotFoundError: No module named 'kqlhunt'", "OSError: disk full")
    assert spark_ingest._reason(other) == "OSError: disk full"
    elsewhere = report.replace(
        "ModuleNotFoundError: No module named 'kqlhunt'",
        "kqlhunt.workspace.store.WorkspaceError: /ws is not a kqlhunt workspace (no manifest.json)",
    )
    assert spark_ingest._reason(elsewhere) == spark_ingest.NOT_SHARED


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--spark-master", "local[2]"], "--spark-master needs --engine spark"),
        (["--engine", "spark", "--workers", "3"], "--workers sets the local parser processes"),
    ],
)
def test_options_of_the_other_engine_are_refused(
    options: list[str], message: str, tmp_path: Path
) -> None:
    args = ["ingest", str(tmp_path), "--workspace", str(tmp_path / "ws"), *options]
    result = CliRunner().invoke(main, args)

    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "ws").exists()


def test_without_pyspark_the_cli_says_what_to_install(
    logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    args = ["ingest", str(logs), "--workspace", str(tmp_path / "ws"), "--engine", "spark"]

    result = CliRunner().invoke(main, args)

    assert result.exit_code == 2
    assert "error: the Spark engine needs PySpark: pip install 'kqlhunt[spark]'" in result.stderr
