"""The `kqlhunt` command at the ends of a pipeline and in a terminal: a reader that goes away,
NO_COLOR, Ctrl-C. These run the command as its own process, since only a real pipe, terminal
or signal shows what a user sees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kqlhunt.cli.main import main
from kqlhunt.cli.streams import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes, terminals, signals")

DATA = Path(__file__).resolve().parent / "normalize" / "data"
NOW = ("--now", "2026-12-01T00:00:00Z")
COMMAND = (sys.executable, "-c", "from kqlhunt.cli.main import main; main(prog_name='kqlhunt')")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, "TERM": "xterm-256color", **extra}


@pytest.mark.parametrize(
    "args",
    [
        ("query", "range x from 1 to 100 step 1", "--format", "jsonl"),
        ("query", "range x from 1 to 100 step 1", "--format", "table"),
        ("hunt", "--samples", "--format", "csv", *NOW),
        ("hunt", "--samples", *NOW),
    ],
    ids=["query-jsonl", "query-table", "hunt-csv", "hunt-table"],
)
def test_a_reader_that_went_away_ends_the_command_quietly(args: tuple[str, ...]) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -1` once head has exited
    try:
        done = subprocess.run(
            [*COMMAND, *args], stdout=writer, stderr=subprocess.PIPE, text=True, env=_env()
        )
    finally:
        os.close(writer)

    assert done.returncode == EXIT_BROKEN_PIPE == 141
    assert "Traceback" not in done.stderr
    assert "Broken pipe" not in done.stderr and "Exception ignored" not in done.stderr


def _in_terminal(args: tuple[str, ...], env: dict[str, str]) -> bytes:
    """Everything the command writes to a terminal (stdout and stderr share it)."""
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [*COMMAND, *args], stdin=terminal, stdout=terminal, stderr=terminal, env=env
    )
    os.close(terminal)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the last process holding it
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks)


def _lint_args(tmp_path: Path) -> tuple[str, ...]:
    rule = tmp_path / "rule.kql"
    rule.write_text("SecurityEvent\n| take 1\n", "utf-8")  # an info finding, shown dim
    return ("lint", "--min-severity", "info", str(rule))


@pytest.mark.parametrize("command", ["hunt", "lint"])
def test_no_color_writes_no_escape_sequence_to_a_terminal(command: str, tmp_path: Path) -> None:
    args = ("hunt", "--samples", *NOW) if command == "hunt" else _lint_args(tmp_path)

    styled = _in_terminal(args, _env())
    plain = _in_terminal(args, _env(NO_COLOR="1"))

    assert b"\x1b[" in styled  # the terminal is real: without NO_COLOR there are styles
    assert b"\x1b" not in plain
    assert plain.replace(b"\r", b"").strip()


def test_ctrl_c_ends_with_a_short_message_and_code_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kqlhunt.cli.main.hunt", interrupted)

    result = CliRunner().invoke(main, ["hunt", "--samples", *NOW])

    assert result.exit_code == EXIT_INTERRUPTED == 130
    assert result.stderr.splitlines()[-1] == "interrupted"
    assert "Aborted" not in result.stderr


def test_a_fault_of_kqlhunts_is_not_mistaken_for_alerts(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*_args: object, **_kwargs: object) -> None:
        raise ValueError("month must be in 1..12")

    monkeypatch.setattr("kqlhunt.cli.main.hunt", failing)

    result = CliRunner().invoke(main, ["hunt", "--samples", *NOW])

    assert result.exit_code == EXIT_INTERNAL == 70
    assert "kqlhunt failed unexpectedly (ValueError: month must be in 1..12)" in result.stderr
    assert "Traceback" not in result.stderr


def _group_size(group: int) -> int:
    """How many processes are in a process group (Linux)."""
    size = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        size += int(fields[2]) == group  # state, ppid, pgrp
    return size


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_during_a_parallel_ingest_stops_the_workers_quietly(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    event = (DATA / "winlogbeat.ndjson").read_text("utf-8").splitlines()[0]
    assert "cmd.exe /c whoami" in event
    for part in range(6):  # seconds of parsing: distinct process events
        lines = (event.replace("/c whoami", f"/c whoami {part} {n}") for n in range(8000))
        (logs / f"part{part}.ndjson").write_text("\n".join(lines), "utf-8")
    process = subprocess.Popen(
        [*COMMAND, "ingest", str(logs), "--workspace", str(tmp_path / "ws"), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        start_new_session=True,  # its own process group, as a shell runs a job
    )
    try:
        deadline = time.monotonic() + 60
        while _group_size(process.pid) < 3 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        time.sleep(0.5)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()

    assert process.returncode == EXIT_INTERRUPTED, err
    assert err.splitlines()[-1] == "interrupted"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert _group_size(process.pid) == 0  # no worker left behind
