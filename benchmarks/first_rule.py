"""The first rule over generated process events: kqlhunt on DuckDB against a hand-written DuckDB
query with the same semantics, and a literal byte scan of the command lines as the physical limit.

    .venv/bin/python benchmarks/first_rule.py --rows 1000000 --rounds 5

Each approach runs in its own process per round (so peak memory is its own); rounds go
round-robin so machine noise spreads over all approaches. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"

RULE = """imProcessCreate
| where Process has_any ("powershell.exe", "PowerShell_ISE.exe", "cmd.exe")
| where CommandLine has "$client = New-Object System.Net.Sockets.TCPClient"
| extend timestamp = TimeGenerated, AccountCustomEntity = User, HostCustomEntity = Dvc, IPCustomEntity = DvcIpAddr"""

# The same semantics written by hand: a case-insensitive substring prefilter, then the term
# boundaries checked by a regex.
HAND_WRITTEN = r"""
SELECT *, TimeGenerated AS timestamp, "User" AS AccountCustomEntity, Dvc AS HostCustomEntity,
       DvcIpAddr AS IPCustomEntity
FROM imProcessCreate
WHERE (contains(lower(Process), 'powershell.exe') OR contains(lower(Process), 'powershell_ise.exe')
       OR contains(lower(Process), 'cmd.exe'))
  AND regexp_matches(Process, '(?:^|[^A-Za-z0-9])(?i:powershell\.exe|powershell_ise\.exe|cmd\.exe)(?:$|[^A-Za-z0-9])')
  AND contains(lower(CommandLine), '$client = new-object system.net.sockets.tcpclient')
  AND regexp_matches(CommandLine, '(?i:\$client = new-object system\.net\.sockets\.tcpclient)(?:$|[^A-Za-z0-9])')
"""

NEEDLE = "$client = New-Object System.Net.Sockets.TCPClient"
BENIGN = [
    (
        "C:\\Windows\\System32\\svchost.exe",
        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
    ),
    (
        "C:\\Windows\\System32\\conhost.exe",
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
    ),
    ("C:\\Windows\\System32\\cmd.exe", 'C:\\Windows\\system32\\cmd.exe /c "dir C:\\Users\\Public"'),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "powershell.exe -NoProfile -Command Get-Process | Sort-Object CPU -Descending",
    ),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "powershell -nop -c \"$client = New-Object System.Net.WebClient; $client.DownloadFile('http://intranet/a.ps1','a.ps1')\"",
    ),
    (
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
        '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --field-trial-handle=1234 '
        "--lang=en-US --enable-features=NetworkService,NetworkServiceInProcess --renderer-client-id=42",
    ),
    (
        "C:\\Program Files\\Git\\cmd\\git.exe",
        "git.exe -c core.quotepath=false fetch --prune origin",
    ),
    (
        "C:\\Program Files\\Java\\jdk-17\\bin\\java.exe",
        "java -cp C:\\apps\\lib\\a.jar;C:\\apps\\lib\\b.jar;C:\\apps\\lib\\c.jar com.contoso.Main --port 8080",
    ),
]
HARD_NEGATIVES = [
    ("C:\\Program Files\\PowerShell\\7\\pwsh.exe", f"pwsh -c \"{NEEDLE}('10.0.0.5',443)\""),
    ("C:\\Tools\\xpowershell.exe", f"xpowershell -c \"{NEEDLE}('10.0.0.5',443)\""),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        f"powershell -c \"{NEEDLE}X('h',1)\"",
    ),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "powershell -c \"$client=New-Object System.Net.Sockets.TCPClient('h',1)\"",
    ),
]


def generate(rows: int, path: Path) -> int:
    """Write `rows` events as Parquet; return the number of planted positives."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(7)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    columns: dict[str, list[object]] = {
        k: []
        for k in (
            "TimeGenerated",
            "Process",
            "CommandLine",
            "User",
            "Dvc",
            "DvcIpAddr",
            "EventType",
        )
    }
    positives = 0
    for i in range(rows):
        draw = rng.random()
        if draw < 0.0001:
            image = rng.choice(
                [
                    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell_ISE.exe",
                    "C:\\Windows\\System32\\cmd.exe",
                ]
            )
            needle = NEEDLE if rng.random() < 0.5 else NEEDLE.upper()
            command = (
                f"powershell -nop -c \"{needle}('10.10.14.{i % 250}',4444);$s=$client.GetStream()\""
            )
            positives += 1
        elif draw < 0.0002:
            image, command = rng.choice(HARD_NEGATIVES)
        else:
            image, command = rng.choice(BENIGN)
            command = f"{command} {i % 9973}"
        columns["TimeGenerated"].append(start + timedelta(seconds=i * 0.6))
        columns["Process"].append(image)
        columns["CommandLine"].append(command)
        columns["User"].append(f"CONTOSO\\user{rng.randrange(5000)}")
        columns["Dvc"].append(f"WS-{rng.randrange(3000):04}")
        columns["DvcIpAddr"].append("")
        columns["EventType"].append("ProcessCreated")
    schema = pa.schema(
        [("TimeGenerated", pa.timestamp("us", tz="UTC"))]
        + [(n, pa.string()) for n in columns if n != "TimeGenerated"]
    )
    pq.write_table(pa.Table.from_pydict(columns, schema=schema), path, compression="zstd")
    return positives


def peak_rss_mib() -> float:
    """This process's peak resident set. Linux keeps `ru_maxrss` across exec, so a child would
    report its parent's peak if that was larger: the kernel's VmHWM is this program's own."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_one(approach: str, parquet: Path) -> dict[str, float]:
    """Run one approach in this process: load, then time the query alone."""
    import pyarrow.parquet as pq

    if approach == "grep":
        text = parquet.with_suffix(".cmdlines.txt")
        began = time.perf_counter()
        out = subprocess.run(
            ["grep", "-c", "-F", "-i", NEEDLE, str(text)], capture_output=True, text=True
        )
        seconds = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        count = int(out.stdout.strip() or 0)
        return {"seconds": seconds, "first": seconds, "rows": count, "peak_rss_mib": peak}

    if approach in ("kqlhunt-spark", "kqlhunt-parquet"):
        from kqlhunt.catalog import TableData
        from kqlhunt.engine import Engine
        from kqlhunt.types import KqlType

        names = pq.read_schema(parquet).names
        columns = {n: (KqlType.DATETIME if n == "TimeGenerated" else KqlType.STRING) for n in names}
        began = time.perf_counter()
        engine = Engine(
            [TableData.from_parquet("imProcessCreate", columns, [str(parquet)])],
            backend="spark" if approach == "kqlhunt-spark" else "duckdb",
        )
        rows = len(engine.query(RULE).rows)
        first = time.perf_counter() - began  # includes starting the JVM
        began = time.perf_counter()
        rows = len(engine.query(RULE).rows)
        seconds = time.perf_counter() - began
        return {"seconds": seconds, "first": first, "rows": rows, "peak_rss_mib": peak_rss_mib()}

    table = pq.read_table(parquet)
    if approach == "kqlhunt":
        from kqlhunt.catalog import TableData
        from kqlhunt.engine import Engine
        from kqlhunt.types import KqlType

        columns = {
            n: (KqlType.DATETIME if n == "TimeGenerated" else KqlType.STRING)
            for n in table.column_names
        }
        engine = Engine([TableData("imProcessCreate", columns, table)])
        began = time.perf_counter()
        rows = len(engine.query(RULE).rows)
        first = time.perf_counter() - began
        began = time.perf_counter()
        rows = len(engine.query(RULE).rows)
    else:
        import duckdb

        connection = duckdb.connect()
        connection.register("imProcessCreate", table)
        began = time.perf_counter()
        rows = len(connection.execute(HAND_WRITTEN).fetchall())
        first = time.perf_counter() - began
        began = time.perf_counter()
        rows = len(connection.execute(HAND_WRITTEN).fetchall())
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "first": first, "rows": rows, "peak_rss_mib": peak_rss_mib()}


def measure(approach: str, parquet: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", approach, "--parquet", str(parquet)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--spark", action="store_true", help="also run kqlhunt on Spark local[*]")
    parser.add_argument("--one")
    parser.add_argument("--parquet", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.parquet)))
        return

    DATA.mkdir(exist_ok=True)
    parquet = DATA / f"events_{args.rows}.parquet"
    if not parquet.exists():
        began = time.perf_counter()
        planted = generate(args.rows, parquet)
        parquet.with_suffix(".truth").write_text(str(planted))
        import pyarrow.parquet as pq

        with parquet.with_suffix(".cmdlines.txt").open("w", encoding="utf-8") as dump:
            for value in pq.read_table(parquet, columns=["CommandLine"]).column(0).to_pylist():
                dump.write(value + "\n")
        print(f"generated {args.rows:,} events in {time.perf_counter() - began:.1f} s")
    planted = int(parquet.with_suffix(".truth").read_text())

    approaches = ["kqlhunt", "kqlhunt-parquet", "hand-written"]
    approaches += ["grep"] if shutil.which("grep") else []
    if args.spark:
        approaches.append("kqlhunt-spark")
    times: dict[str, list[float]] = {a: [] for a in approaches}
    firsts: dict[str, list[float]] = {a: [] for a in approaches}
    ratios: dict[str, list[float]] = {a: [] for a in approaches}
    memory: dict[str, float] = {}
    for _ in range(args.rounds):
        round_times = {}
        for approach in approaches:
            result = measure(approach, parquet)
            if approach != "grep" and result["rows"] != planted:
                raise SystemExit(f"{approach} returned {result['rows']} rows, expected {planted}")
            round_times[approach] = result["seconds"]
            firsts[approach].append(result["first"])
            memory[approach] = max(memory.get(approach, 0.0), result["peak_rss_mib"])
        for approach in approaches:
            times[approach].append(round_times[approach])
            ratios[approach].append(round_times[approach] / round_times["hand-written"])

    print(
        f"first rule over {args.rows:,} events ({planted} planted positives), "
        f"{args.rounds} rounds, {os.cpu_count()} cores"
    )
    header = f"{'approach':<16}{'first s':>9}{'median s':>10}{'min s':>9}{'x hand-written':>16}"
    print(header + f"{'x grep':>8}{'M rows/s':>10}{'peak RSS MiB':>14}")
    scan = statistics.median(times["grep"]) if "grep" in times else None
    for approach in approaches:
        median = statistics.median(times[approach])
        to_scan = f"{median / scan:>8.2f}" if scan else f"{'':>8}"
        print(
            f"{approach:<16}{statistics.median(firsts[approach]):>9.3f}{median:>10.3f}"
            f"{min(times[approach]):>9.3f}{statistics.median(ratios[approach]):>16.2f}"
            f"{to_scan}{args.rows / median / 1e6:>10.1f}{memory[approach]:>14.0f}"
        )
    print("'first' is the first query in a fresh process (lazy imports, regex compilation);")
    print("the other columns are the second, warm query. kqlhunt's time includes parsing and")
    print("compiling the KQL; kqlhunt-parquet reads the Parquet file in place, as a workspace")
    print("is read. grep scans a text dump of the command lines only: the physical")
    print("limit, with grep's own memory. Spark's 'first' includes starting the JVM, and its")
    print("peak RSS is the Python driver's only (the JVM is a separate process).")


if __name__ == "__main__":
    main()
