"""The `kqlhunt` command as a user runs it: output streams, formats and exit codes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import EXIT_ALERTS, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, main
from kqlhunt.errors import BackendError, KqlHuntError
from kqlhunt.rules.loader import bundled_rules_dir
from kqlhunt.samples import sample_logs

NOW = ["--now", "2026-12-01T00:00:00Z"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_hunt_samples_prints_alerts_and_a_summary() -> None:
    code, out, err = run("hunt", "--samples", *NOW)

    assert code == EXIT_ALERTS
    assert "4 alerts" in out
    assert "CONTOSO\\jdoe" in out and "WS-FIN-07" in out
    assert "46 process creations" in err
    assert "Invoke-PowerShellTcpOneLine Usage (Normalized Process Events)': 4 alerts" in err


def _rule(folder: Path, name: str, query: str) -> None:
    number = len(list(folder.iterdir())) + 1
    (folder / f"{number}.yaml").write_text(
        f"id: {number:08d}-1111-4111-8111-111111111111\nname: {name}\nseverity: Low\n"
        f"query: |\n  {query}\n",
        encoding="utf-8",
    )


def test_hunt_names_the_tables_no_log_fills_when_rules_read_only_those(tmp_path: Path) -> None:
    _rule(tmp_path, "Network", "DeviceNetworkEvents | where RemotePort == 4444")
    _rule(
        tmp_path,
        "Domains",
        "_Im_Dns(domain_has_any=dynamic(['evil.com'])) | union CommonSecurityLog",
    )
    _rule(tmp_path, "Processes and files", "imFileEvent | union imProcessCreate | take 1")

    code, _, err = run("hunt", "--samples", "--rules", str(tmp_path), *NOW)

    assert code == EXIT_ALERTS  # the third rule reads process events, which the samples fill
    assert err.count("no log fills") == 1
    assert (
        "2 rules read only tables no log fills, so no alert could come from them: "
        "CommonSecurityLog, DeviceNetworkEvents, _Im_Dns." in err
    )


def test_hunt_of_the_samples_says_nothing_of_tables_no_log_fills() -> None:
    _, _, err = run("hunt", "--samples", *NOW)

    assert "no log fills" not in err


def test_hunt_jsonl_writes_one_alert_per_line_on_stdout() -> None:
    code, out, err = run("hunt", "--samples", "--format", "jsonl", *NOW)

    alerts = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_ALERTS
    assert len(alerts) == 4
    assert {a["rule_id"] for a in alerts} == {"a2b58512-1298-4a25-a4c7-88ddfed78b0d"}
    assert all(a["time"].endswith("Z") for a in alerts)
    assert "process creations" in err and "process creations" not in out


def test_hunt_with_no_match_exits_zero(tmp_path: Path) -> None:
    log = tmp_path / "benign.ndjson"
    log.write_text(
        json.dumps(
            {
                "Event": {
                    "System": {
                        "EventID": 1,
                        "Channel": "Microsoft-Windows-Sysmon/Operational",
                        "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
                        "Computer": "ws1",
                        "EventRecordID": 1,
                        "TimeCreated": {"#attributes": {"SystemTime": "2026-11-02T09:00:00Z"}},
                    },
                    "EventData": {"Image": "C:\\Windows\\notepad.exe", "CommandLine": "notepad"},
                }
            }
        )
        + "\n",
        encoding="utf-8",
    )

    code, out, err = run("hunt", str(log), *NOW)

    assert code == EXIT_OK
    assert "No alerts." in out
    assert "1 process creation;" in err


def test_a_broken_rule_file_is_reported_and_the_others_run(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    (rules / "bad.yaml").write_text(
        "id: 5e1c3a4b-0000-4000-8000-000000000002\nname: Bad query\nquery: |\n"
        "  imProcessCreate\n  | where CommandLine has 'x' and\n",
        encoding="utf-8",
    )

    code, out, err = run("hunt", "--rules", str(rules), "--samples", *NOW)

    assert code == EXIT_PARTIAL
    assert "Rule 'Bad query' failed" in err
    assert "bad.yaml, line 5" in err
    assert "^" in err
    assert "4 alerts" in out


def test_unsupported_kql_in_a_rule_is_named(tmp_path: Path) -> None:
    rule = tmp_path / "fork.yaml"
    rule.write_text(
        "id: 5e1c3a4b-0000-4000-8000-000000000003\nname: Forks\nquery: |\n"
        "  imProcessCreate\n  | fork (take 1) (take 2)\n",
        encoding="utf-8",
    )

    code, _, err = run("hunt", "--rules", str(rule), "--samples", *NOW)

    assert code == EXIT_USAGE  # the only rule could not run
    assert "uses unsupported KQL" in err
    assert "the 'fork' operator is not supported" in err


def test_query_prints_a_result_table() -> None:
    code, out, err = run(
        "query",
        "imProcessCreate | summarize Events = count() by DvcHostname | sort by DvcHostname asc",
        "--samples",
        "--format",
        "csv",
        *NOW,
    )

    assert code == EXIT_OK
    assert out.splitlines() == [
        "DvcHostname,Events",
        "SRV-APP-02,19",
        "WS-FIN-07,17",
        "WS-HR-03,10",
    ]
    assert "3 rows." in err


def test_query_syntax_error_shows_line_column_and_caret() -> None:
    code, out, err = run("query", "imProcessCreate\n| where Process hass 'cmd.exe'", "--samples")

    assert code == EXIT_USAGE
    assert out == ""
    assert "line 2, col 17" in err
    assert "| where Process hass 'cmd.exe'" in err
    assert "                ^" in err


def test_compile_shows_sql_for_both_dialects() -> None:
    kql = "imProcessCreate | where CommandLine has 'TCPClient' | count"

    code_duck, duck, _ = run("compile", kql)
    code_spark, spark, _ = run("compile", kql, "--dialect", "spark")

    assert code_duck == code_spark == EXIT_OK
    assert "REGEXP_MATCHES" in duck and "RLIKE" in spark


def test_missing_log_path_is_a_usage_error() -> None:
    code, _, err = run("hunt", "/no/such/folder")

    assert code == EXIT_USAGE
    assert "does not exist" in err


def test_a_bad_now_or_query_is_reported_before_any_log_is_read() -> None:
    code, _, err = run("query", "--now", "garbage", "print now()", "--samples")
    assert code == EXIT_USAGE and "not a datetime" in err and " files: " not in err

    code, _, err = run("query", "print x = ", "--samples")
    assert code == EXIT_USAGE and " files: " not in err


def test_infinities_and_nan_print_as_such() -> None:
    code, out, _ = run(
        "query", "print a = 1.0/0, b = -1.0/0, c = 0.0/0, d = real(null)", "--format", "csv"
    )

    assert code == EXIT_OK
    assert out.splitlines() == ["a,b,c,d", "inf,-inf,NaN,"]


def test_an_empty_log_file_is_noted_not_skipped(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    notes = tmp_path / "notes.log"
    notes.write_text("not a log\n", "utf-8")

    code, _out, err = run("query", "imProcessCreate | count", str(empty), str(notes))

    assert code == EXIT_OK
    assert "2 files: 0 read, 1 empty, 1 unreadable, 0 not logs;" in err
    assert "skipped 1 file." in err
    assert f"  {empty} is empty" in err
    assert f"skipped {notes}: byte 0: unrecognised format" in err
    assert not [line for line in err.splitlines() if str(empty) in line and "skipped" in line]


def test_logs_of_which_no_file_could_be_read_are_a_failure(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02 not a log")
    broken = tmp_path / "junk.json"
    broken.write_text("{not json\n", "utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "README.md").write_text("# notes\n", "utf-8")

    for args in (
        ("hunt", str(junk), str(broken)),
        ("query", "imProcessCreate | count", str(junk), str(broken)),
        ("hunt", str(notes)),
    ):
        code, out, err = run(*args)
        assert code == EXIT_USAGE, args
        assert "could be read" in err and "nothing was run" in err
        assert "No alerts" not in out + err and "Count" not in out

    code, _, err = run("hunt", str(junk), *[str(p) for p in sample_logs()], *NOW)
    assert code == EXIT_ALERTS and "1 unreadable" in err


def test_skipped_entries_are_counted_in_their_own_unit() -> None:
    from rich.console import Console

    from kqlhunt.cli.output import print_ingest_summary
    from kqlhunt.normalize import IngestStats, Skipped

    stats = IngestStats(files_read=1, events_read=20)
    stats.skipped = [
        Skipped("a.evtx", "chunk 9", "bad chunk header"),
        Skipped("a.evtx", "chunk 10", "bad chunk header"),
        Skipped("a.evtx", "record 17", "record data is not JSON"),
        Skipped("b.json", "line 3", "invalid JSON"),
        Skipped("c.bin", "byte 0", "unrecognised format"),
    ]
    console = Console(record=True, width=200)

    print_ingest_summary(console, stats)

    first = console.export_text().splitlines()[0]
    assert first.endswith("skipped 2 chunks, 2 records, 1 file.")


def test_file_counts_add_up_to_the_files_met() -> None:
    from rich.console import Console

    from kqlhunt.cli.output import print_ingest_summary
    from kqlhunt.normalize import IngestStats

    stats = IngestStats(files_read=7, files_failed=2, events_read=1, process_events=1)
    stats.empty_files = ["a.json", "b.json"]
    console = Console(record=True, width=200)
    print_ingest_summary(console, stats)
    stats.files_duplicate = 3
    print_ingest_summary(console, stats)

    lines = [line for line in console.export_text().splitlines() if "files" in line]
    assert lines == [
        "9 files: 5 read, 2 empty, 2 unreadable, 0 not logs; 1 event, 1 process creation;"
        " skipped nothing.",
        "12 files: 5 read, 2 empty, 3 duplicates, 2 unreadable, 0 not logs; 1 event,"
        " 1 process creation; skipped nothing.",
    ]


@pytest.mark.parametrize("command", [["hunt", "--samples"], ["query", "print 1", "--samples"]])
def test_a_spark_master_belongs_to_the_spark_engine(command: list[str]) -> None:
    code, _, err = run(*command, "--spark-master", "local[2]")
    assert code == EXIT_USAGE
    assert "--spark-master needs --engine spark" in err


def test_the_spark_master_option_points_the_spark_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KQLHUNT_SPARK_MASTER", raising=False)
    seen: list[str | None] = []

    def backend(name: str) -> object:
        seen.append(os.environ.get("KQLHUNT_SPARK_MASTER"))
        raise KqlHuntError("stop here")

    monkeypatch.setattr("kqlhunt.engine.create_backend", backend)
    for command in (["query", "print 1"], ["hunt"]):
        code, _, err = run(*command, "--samples", "--engine", "spark", "--spark-master", "local[3]")
        assert code == EXIT_USAGE and "stop here" in err  # told, not a traceback
    assert seen == ["local[3]", "local[3]"]


@pytest.mark.parametrize(
    "command",
    [["hunt", "--samples"], ["query", "print 1", "--samples"], ["ingest", ".", "--workspace", "w"]],
)
def test_spark_settings_belong_to_the_spark_engine(command: list[str]) -> None:
    code, _, err = run(*command, "--spark-conf", "spark.executor.memory=8g")
    assert code == EXIT_USAGE
    assert "--spark-conf needs --engine spark" in err


@pytest.mark.parametrize("setting", ["spark.executor.memory", "executor.memory=8g", "=8g"])
def test_a_spark_setting_is_key_equals_value(setting: str) -> None:
    code, _, err = run("hunt", "--samples", "--engine", "spark", "--spark-conf", setting)
    assert code == EXIT_USAGE
    assert "is not KEY=VALUE with a spark.* key" in err


def test_spark_settings_start_the_session_of_hunt_and_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[tuple[str | None, dict[str, str]]] = []

    def session(master: str | None, config: dict[str, str]) -> object:
        started.append((master, config))
        raise KqlHuntError("stop here")

    monkeypatch.setattr("kqlhunt.backends.spark.spark_session", session)
    settings = ["--spark-conf", "spark.executor.memory=8g", "--spark-conf", "spark.a.b=x=y"]
    for command in (["query", "print 1"], ["hunt"]):
        code, _, err = run(*command, "--samples", "--engine", "spark", *settings)
        assert code == EXIT_USAGE and "stop here" in err
    expected = (None, {"spark.executor.memory": "8g", "spark.a.b": "x=y"})
    assert started == [expected, expected]


def test_settings_kusto_semantics_rely_on_are_refused() -> None:
    from kqlhunt.backends.spark import spark_session

    with pytest.raises(KqlHuntError, match=r"spark\.sql\.ansi\.enabled cannot be changed"):
        spark_session("local[1]", {"spark.sql.ansi.enabled": "true"})


def test_spark_settings_reach_the_ingest_on_spark(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    given: list[dict[str, str] | None] = []

    def ingest_spark(*args: object, config: dict[str, str] | None = None, **kwargs: object) -> None:
        given.append(config)
        raise BackendError("stop here")

    monkeypatch.setattr("kqlhunt.workspace.spark_ingest.ingest_spark", ingest_spark)
    args = ["ingest", str(tmp_path), "--workspace", str(tmp_path / "ws"), "--engine", "spark"]
    code, _, err = run(*args, "--spark-conf", "spark.executor.cores=4")
    assert code == EXIT_USAGE and "stop here" in err
    assert given == [{"spark.executor.cores": "4"}]


def test_an_output_in_a_missing_folder_is_refused_before_the_hunt(tmp_path: Path) -> None:
    code, _, err = run("hunt", "--samples", "--output", str(tmp_path / "no" / "alerts.html"))
    assert code == EXIT_USAGE
    assert "does not exist" in err and not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["-vv", "query", "print 1", "--samples"],
        ["query", "print 1", "--samples", "-vv"],
        ["-v", "query", "-v", "print 1", "--samples"],
    ],
)
def test_verbosity_may_be_given_before_or_after_the_command(args: list[str]) -> None:
    code, _, err = run(*args)

    assert code == EXIT_OK
    assert "DuckDB SQL" in err


def test_support_lists_the_tables_queries_can_read() -> None:
    code, out, _ = run("support", "--tables")

    lines = out.splitlines()
    assert code == EXIT_OK
    assert "imProcessCreate\t" in "\n".join(lines) and "SecurityEvent\t" in "\n".join(lines)
    assert all(line.endswith(" columns") for line in lines)


def test_a_rule_folder_given_as_logs_is_pointed_out(tmp_path: Path) -> None:
    rules = tmp_path / "more-rules"
    rules.mkdir()
    shutil.copy(next(bundled_rules_dir().glob("*.yaml")), rules)

    code, _, err = run("hunt", "--rules", str(bundled_rules_dir()), str(rules), "--samples", *NOW)

    assert code == EXIT_ALERTS
    assert f"note: {rules} holds rule files and no logs" in " ".join(err.split())
