"""Ingest and hunt throughput beside the raw speed of the `evtx` library, and peak memory on a
large input.

    .venv/bin/python benchmarks/ingest.py                 # corpus EVTX rates, then a 2 GB input
    .venv/bin/python benchmarks/ingest.py --gb 1 --runs 3
    .venv/bin/python benchmarks/ingest.py --measure hunt  # files in, alerts out; no ingest
    .venv/bin/python benchmarks/ingest.py --gb 2 --formats all   # the large input in every format
    .venv/bin/python benchmarks/ingest.py --gb 0 --spark         # also ingest on Spark (local[*])

* Raw EVTX rate: every record of the corpus EVTX files decoded by `evtx` (`records_json()`),
  nothing else; events/s, median of `--runs`.
* Ingest rate: `kqlhunt.workspace.ingest` of the same files into a fresh workspace (2 parser
  processes, Parquet written); events/s, median of `--runs`, and its ratio to the raw rate.
* Hunt rate: EVTX files in, alerts out, as `kqlhunt hunt FOLDER --format jsonl` does it (the
  bundled rules loaded, `read_logs` with repeated events dropped, the hunt, the alerts
  written). In-process: median of `--runs` in one child process, after its imports, with the
  median of reading and of hunting apart. As the command: the wall time of `kqlhunt hunt`,
  interpreter start and imports included, median of `--runs`. Events/s, the ratio to the raw
  rate over the same files, and the peak resident set of each (with its worker processes).
* Large input: `--gb` gigabytes built by linking corpus files (EVTX only, or with `--formats
  all` also NDJSON and CSV) over and over into a temporary folder, ingested once in a separate
  process: events/s, the raw EVTX rate over the same EVTX files, and the largest resident set
  of the ingest process and of its workers; then hunted once in-process and once as the
  command. Nothing is kept afterwards.
* With `--spark`: the same corpus EVTX files ingested on Spark (`--spark-master`, default
  KQLHUNT_SPARK_MASTER or local[*]); the first run, which starts the JVM, apart from the median
  of the others.

Needs the corpus beside the repository (../shared/corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import evtx

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def evtx_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.evtx") if "sentinel-rules" not in str(p))


def raw_evtx_rate(files: list[Path]) -> tuple[int, float]:
    start = time.perf_counter()
    count = 0
    for path in files:
        try:
            parser = evtx.PyEvtxParser(str(path))
            iterator = parser.records_json()
            while True:
                try:
                    next(iterator)
                    count += 1
                except StopIteration:
                    break
                except (RuntimeError, OSError, ValueError):
                    continue
        except (RuntimeError, OSError):
            continue
    return count, time.perf_counter() - start


def ingest_rate(files: list[Path], workers: int) -> tuple[int, float]:
    from kqlhunt.workspace import ingest

    with tempfile.TemporaryDirectory(prefix="kqlhunt-bench-") as folder:
        start = time.perf_counter()
        report = ingest(files, Path(folder) / "ws", workers=workers, dedupe=False)
        return report.stats.events_read, time.perf_counter() - start


def spark_ingest_rate(files: list[Path], master: str | None) -> tuple[int, float]:
    from kqlhunt.workspace.spark_ingest import ingest_spark

    with tempfile.TemporaryDirectory(prefix="kqlhunt-bench-") as folder:
        start = time.perf_counter()
        report = ingest_spark(files, Path(folder) / "ws", dedupe=False, master=master)
        return report.stats.events_read, time.perf_counter() - start


def spark_rates(files: list[Path], runs: int, master: str | None, raw_rate: float) -> None:
    first_events, first_seconds = spark_ingest_rate(files, master)
    warm = [spark_ingest_rate(files, master) for _ in range(runs)]
    rate = statistics.median(n / s for n, s in warm)
    print(
        f"kqlhunt ingest on Spark: {rate:,.0f} events/s (median of {runs}, session running), "
        f"{rate / raw_rate:.2f} of the raw rate; first run {first_seconds:.1f} s "
        f"({first_events / first_seconds:,.0f} events/s, Spark starting)"
    )


# Run in a child process, so that its imports are done before the clock starts and its peak
# memory is its own: `runs` hunts of the folder as `kqlhunt hunt` does them, then one JSON line
# of their times (total, reading, hunting), the counts, and the peak resident set of this
# process and of the largest of its (finished) workers, in KiB.
_HUNT = """
import io, json, resource, sys, time
from pathlib import Path
from kqlhunt.hunt import hunt
from kqlhunt.normalize import read_logs
from kqlhunt.report.output import write_alerts
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
folder, runs = Path(sys.argv[1]), int(sys.argv[2])
times = []
for _ in range(runs):
    start = time.perf_counter()
    rules = load_rules([bundled_rules_dir()])
    logs = read_logs([folder], dedupe=True)
    read = time.perf_counter()
    outcomes = hunt(rules.rules, logs.tables.values())
    alerts = [alert for outcome in outcomes for alert in outcome.alerts]
    write_alerts("jsonl", alerts, io.StringIO(), outcomes=outcomes)
    end = time.perf_counter()
    times.append((end - start, read - start, end - read))
print(json.dumps({
    "times": times, "events": logs.stats.events_read, "kept": logs.stats.process_events,
    "alerts": len(alerts),
    "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "workers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


@dataclass
class HuntRuns:
    """What `hunt_in_process` measured: seconds per run (total, reading, hunting), counts, and
    peak resident sets in KiB."""

    times: list[tuple[float, float, float]]
    events: int
    kept: int
    alerts: int
    rss: int
    workers: int

    def median(self, part: int = 0) -> float:
        return statistics.median(t[part] for t in self.times)


def hunt_in_process(folder: Path, runs: int) -> HuntRuns:
    """`runs` in-process hunts of `folder` in one child process (see `_HUNT`)."""
    command = [sys.executable, "-c", _HUNT, str(folder), str(runs)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return HuntRuns(**json.loads(out.splitlines()[-1]))


def hunt_command(folder: Path) -> tuple[float, int]:
    """Wall seconds and peak resident set (KiB, its workers included) of one `kqlhunt hunt`."""
    kqlhunt = Path(sys.executable).with_name("kqlhunt")
    command = [str(kqlhunt), "hunt", "--format", "jsonl", str(folder)]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()  # drained while it runs; the summary it prints is not wanted
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # 1: alerts raised
        sys.exit(f"kqlhunt hunt failed ({child.returncode}): {errors.decode()[-2000:]}")
    return seconds, usage.ru_maxrss


def hunt_rates(folder: Path, runs: int, raw_rate: float, label: str) -> None:
    """Print the in-process and command hunt rates over `folder` beside `raw_rate`."""
    inside = hunt_in_process(folder, runs)
    commands = [hunt_command(folder) for _ in range(runs)]
    seconds = inside.median()
    wall = statistics.median(s for s, _ in commands)
    rate, wall_rate = inside.events / seconds, inside.events / wall
    print(
        f"{label}kqlhunt hunt in-process: {rate:,.0f} events/s ({seconds:.3f} s, median of "
        f"{runs}: reading {inside.median(1):.3f} s, hunting {inside.median(2):.3f} s), "
        f"{rate / raw_rate:.2f} of the raw rate; {inside.kept:,} process events kept, "
        f"{inside.alerts} alerts; peak RSS {inside.rss / 1024:.0f} MiB, "
        f"largest worker {inside.workers / 1024:.0f} MiB"
    )
    print(
        f"{label}kqlhunt hunt command:    {wall_rate:,.0f} events/s ({wall:.3f} s wall, median "
        f"of {runs}, start-up included), {wall_rate / raw_rate:.2f} of the raw rate; peak RSS "
        f"{max(kib for _, kib in commands) / 1024:.0f} MiB"
    )


def linked(folder: Path, files: list[Path]) -> Path:
    """A folder of links to `files` (what `kqlhunt hunt FOLDER` is given)."""
    folder.mkdir()
    for number, path in enumerate(files):
        os.symlink(path, folder / f"{number:04d}{path.suffix}")
    return folder


def build_input(folder: Path, gigabytes: float, suffixes: tuple[str, ...]) -> tuple[int, int]:
    """Link corpus log files into `folder` until their total size reaches `gigabytes`."""
    sources = [
        p
        for p in sorted(CORPUS.rglob("*"))
        if p.is_file()
        and p.suffix.lower() in suffixes
        and "sentinel-rules" not in str(p)
        and "SigmaHQ" not in str(p)  # thousands of tiny files; they dominate by count, not bytes
    ]
    target = int(gigabytes * (1 << 30))
    total = files = 0
    copy = 0
    while total < target:
        copy += 1
        sub = folder / f"copy{copy:04d}"
        sub.mkdir()
        for number, path in enumerate(sources):
            link = sub / f"{number:04d}{path.suffix}"
            os.symlink(path, link)
            total += path.stat().st_size
            files += 1
            if total >= target:
                break
    return files, total


# Run in a child process, so that its peak memory is its own: ingest, then print the counts,
# the peak resident set of this process and the largest of its (finished) workers, in KiB.
_LARGE_INGEST = """
import resource, sys
from pathlib import Path
from kqlhunt.workspace import ingest
r = ingest([Path(sys.argv[1])], Path(sys.argv[2]), workers=int(sys.argv[3]), dedupe=False)
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(r.stats.events_read, r.stats.process_events, main, workers)
"""


def large_input(
    gigabytes: float, workers: int, every_format: bool, measures: tuple[str, ...]
) -> None:
    suffixes = (".evtx", ".json", ".csv", ".log") if every_format else (".evtx",)
    with tempfile.TemporaryDirectory(prefix="kqlhunt-bench-") as folder:
        logs = Path(folder) / "logs"
        logs.mkdir()
        files, size = build_input(logs, gigabytes, suffixes)
        evtx_links = sorted(logs.rglob("*.evtx"))
        raw_events, raw_seconds = raw_evtx_rate(evtx_links)
        raw_rate = raw_events / raw_seconds
        print(
            f"large input: {files} files ({len(evtx_links)} EVTX), {size / (1 << 30):.2f} GiB, "
            f"{raw_events:,} EVTX records"
        )
        print(f"  raw evtx library over its EVTX files: {raw_rate:,.0f} events/s")
        if "ingest" in measures:
            command = [sys.executable, "-c", _LARGE_INGEST, str(logs), str(Path(folder) / "ws")]
            start = time.perf_counter()
            out = subprocess.run(
                [*command, str(workers)], check=True, capture_output=True, text=True
            ).stdout.split()
            seconds = time.perf_counter() - start
            events, kept, main_kib, worker_kib = (int(x) for x in out)
            rate = events / seconds
            print(
                f"  kqlhunt ingest: {events:,} events ({kept:,} process events) in "
                f"{seconds:.1f} s, {rate:,.0f} events/s (start-up included), "
                f"{rate / raw_rate:.2f} of the raw rate"
            )
            print(
                f"  peak RSS: ingest process {main_kib / 1024:.0f} MiB, "
                f"largest worker {worker_kib / 1024:.0f} MiB"
            )
        if "hunt" in measures:
            hunt_rates(logs, 1, raw_rate, "  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gb", type=float, default=2.0, help="size of the large input; 0 skips it")
    parser.add_argument(
        "--formats",
        choices=("evtx", "all"),
        default="evtx",
        help="the large input's files: EVTX only, or also NDJSON and CSV",
    )
    parser.add_argument(
        "--measure",
        choices=("all", "ingest", "hunt"),
        default="all",
        help="ingest into a workspace, hunt the files (EVTX in, alerts out), or both",
    )
    parser.add_argument("--spark", action="store_true", help="also ingest on Spark")
    parser.add_argument("--spark-master", help="Spark master URL (default: local[*])")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")
    measures = ("ingest", "hunt") if args.measure == "all" else (args.measure,)

    files = evtx_files()
    size = sum(p.stat().st_size for p in files)
    raw = [raw_evtx_rate(files) for _ in range(args.runs)]
    raw_rate = statistics.median(n / s for n, s in raw)
    print(f"{len(files)} EVTX files, {size / (1 << 20):.1f} MiB, {raw[0][0]} records")
    print(
        f"raw evtx library:  {raw_rate:,.0f} events/s "
        f"({statistics.median(s for _, s in raw):.3f} s, median of {args.runs})"
    )
    if "ingest" in measures:
        ours = [ingest_rate(files, args.workers) for _ in range(args.runs)]
        our_rate = statistics.median(n / s for n, s in ours)
        print(
            f"kqlhunt ingest:    {our_rate:,.0f} events/s (median of {args.runs}, "
            f"{args.workers} workers, Parquet written), {our_rate / raw_rate:.2f} of the raw rate"
        )
    if "hunt" in measures:
        with tempfile.TemporaryDirectory(prefix="kqlhunt-bench-") as folder:
            hunt_rates(linked(Path(folder) / "logs", files), args.runs, raw_rate, "")
    if args.spark:
        spark_rates(files, args.runs, args.spark_master, raw_rate)
    if args.gb > 0:
        large_input(args.gb, args.workers, args.formats == "all", measures)


if __name__ == "__main__":
    main()
