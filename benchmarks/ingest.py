"""Ingest throughput beside the raw speed of the `evtx` library, and peak memory on a large input.

    .venv/bin/python benchmarks/ingest.py                 # corpus EVTX rates, then a 2 GB input
    .venv/bin/python benchmarks/ingest.py --gb 1 --runs 3
    .venv/bin/python benchmarks/ingest.py --gb 2 --formats all   # the large input in every format
    .venv/bin/python benchmarks/ingest.py --gb 0 --spark         # also ingest on Spark (local[*])

* Raw EVTX rate: every record of the corpus EVTX files decoded by `evtx` (`records_json()`),
  nothing else; events/s, median of `--runs`.
* Ingest rate: `kqlhunt.workspace.ingest` of the same files into a fresh workspace (2 parser
  processes, Parquet written); events/s, median of `--runs`, and its ratio to the raw rate.
* Large input: `--gb` gigabytes built by linking corpus files (EVTX only, or with `--formats
  all` also NDJSON and CSV) over and over into a temporary folder, ingested once in a separate
  process: events/s, the raw EVTX rate over the same EVTX files, and the largest resident set
  of the ingest process and of its workers. Nothing is kept afterwards.
* With `--spark`: the same corpus EVTX files ingested on Spark (`--spark-master`, default
  KQLHUNT_SPARK_MASTER or local[*]); the first run, which starts the JVM, apart from the median
  of the others.

Needs the corpus beside the repository (../shared/corpus).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def large_input(gigabytes: float, workers: int, every_format: bool) -> None:
    suffixes = (".evtx", ".json", ".csv", ".log") if every_format else (".evtx",)
    with tempfile.TemporaryDirectory(prefix="kqlhunt-bench-") as folder:
        logs = Path(folder) / "logs"
        logs.mkdir()
        files, size = build_input(logs, gigabytes, suffixes)
        evtx_links = sorted(logs.rglob("*.evtx"))
        raw_events, raw_seconds = raw_evtx_rate(evtx_links)
        command = [sys.executable, "-c", _LARGE_INGEST, str(logs), str(Path(folder) / "ws")]
        start = time.perf_counter()
        out = subprocess.run(
            [*command, str(workers)], check=True, capture_output=True, text=True
        ).stdout.split()
        seconds = time.perf_counter() - start
        events, kept, main_kib, worker_kib = (int(x) for x in out)
        rate = events / seconds
        raw_rate = raw_events / raw_seconds
        print(
            f"large input: {files} files ({len(evtx_links)} EVTX), {size / (1 << 30):.2f} GiB, "
            f"{events:,} events ({kept:,} process events) in {seconds:.1f} s"
        )
        print(f"  raw evtx library over its EVTX files: {raw_rate:,.0f} events/s")
        print(
            f"  kqlhunt ingest: {rate:,.0f} events/s (start-up included), "
            f"{rate / raw_rate:.2f} of the raw rate"
        )
        print(
            f"  peak RSS: ingest process {main_kib / 1024:.0f} MiB, "
            f"largest worker {worker_kib / 1024:.0f} MiB"
        )


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
    parser.add_argument("--spark", action="store_true", help="also ingest on Spark")
    parser.add_argument("--spark-master", help="Spark master URL (default: local[*])")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")

    files = evtx_files()
    size = sum(p.stat().st_size for p in files)
    raw = [raw_evtx_rate(files) for _ in range(args.runs)]
    ours = [ingest_rate(files, args.workers) for _ in range(args.runs)]
    raw_rate = statistics.median(n / s for n, s in raw)
    our_rate = statistics.median(n / s for n, s in ours)
    print(f"{len(files)} EVTX files, {size / (1 << 20):.1f} MiB, {raw[0][0]} records")
    print(f"raw evtx library:  {raw_rate:,.0f} events/s (median of {args.runs})")
    print(
        f"kqlhunt ingest:    {our_rate:,.0f} events/s (median of {args.runs}, "
        f"{args.workers} workers, Parquet written), {our_rate / raw_rate:.2f} of the raw rate"
    )
    if args.spark:
        spark_rates(files, args.runs, args.spark_master, raw_rate)
    if args.gb > 0:
        large_input(args.gb, args.workers, args.formats == "all")


if __name__ == "__main__":
    main()
