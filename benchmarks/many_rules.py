"""Many rules over the same tables: the corpus rules over process events (`--all`: every corpus
rule) that run on the normalized public logs, with the logs repeated as if collected from many
more machines, against the single cheapest of them.

    .venv/bin/python benchmarks/many_rules.py --rows 200000 --rounds 3

Each copy of the logs is given host names of its own (`-copy7` appended to every host column),
so that rules which join or count per host see more machines, as a larger estate would give
them, instead of one machine whose events repeat (a self-join on repeated keys grows with the
square of the copies, which no real estate does). The clock is pinned just after the latest
event, so `ago()` windows select data, and compiled queries are cached as `hunt` caches them.

Plans, each timed as `kqlhunt hunt` runs it (`kqlhunt.hunt.hunt`: a fresh engine, every query
compiled, then run, then turned into alerts):
- each rule alone, one hunt per rule; the cheapest of these is the unit of the ratios;
- all rules in one hunt: the literal pre-filter scans each table once, and the rules that start
  with literal filters run over the rows it keeps.

Prints medians, each plan's ratio to the cheapest single rule, the costliest rules and peak RSS.
Needs ../shared/corpus beside the repository (the public logs and the Sentinel rule corpus).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kqlhunt.catalog import TableData
from kqlhunt.hunt import hunt
from kqlhunt.normalize import read_logs
from kqlhunt.parity.corpus import over_process_events, tables_read
from kqlhunt.rules import load_rules
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.types import KqlType

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Columns that name the machine an event comes from, in the tables kqlhunt fills.
HOST_COLUMNS = frozenset(
    {
        "Computer", "HostName", "DeviceName", "DeviceId", "Dvc", "DvcHostname", "DvcFQDN",
        "DvcId", "SourceComputerId", "_ResourceId",
    }
)  # fmt: skip
# Columns of XML text that rules parse with parse_xml().
XML_COLUMNS = frozenset({"EventData"})


def from_more_machines(table: TableData, copies: int) -> TableData:
    """`copies` copies of the table's rows, each copy's host columns suffixed `-copyN`, and
    each copy's event XML given an agent id of its own (`sourceHealthServiceId`, which no rule
    reads), so that no two copies of an event hold the same XML text, as two machines' events
    never do."""
    parts = []
    for copy in range(copies):
        data = table.data
        for index, name in enumerate(data.column_names):
            column = data.column(name)
            if copy and name in HOST_COLUMNS:
                suffixed = pc.binary_join_element_wise(column, f"-copy{copy}", "")
                data = data.set_column(index, name, suffixed)
            elif copy and name in XML_COLUMNS and table.columns[name] is KqlType.STRING:
                agent = f'sourceHealthServiceId="copy{copy}"'
                marked = pc.replace_substring(
                    column, 'sourceHealthServiceId=""', agent, max_replacements=1
                )
                data = data.set_column(index, name, marked)
        parts.append(data)
    return TableData(table.name, table.columns, pa.concat_tables(parts))


def latest_event(tables: list[TableData]) -> datetime:
    latest = max(
        pc.max(t.data.column("TimeGenerated")).as_py()
        for t in tables
        if "TimeGenerated" in t.columns and len(t)
    )
    return latest + timedelta(minutes=1)


def timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000, help="events in the largest table")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=10, help="costliest rules to list")
    parser.add_argument(
        "--all", action="store_true", help="every corpus rule, not only those over process events"
    )
    args = parser.parse_args()

    logs = read_logs([CORPUS])
    base = max(len(t) for t in logs.tables.values())
    copies = max(1, args.rows // max(base, 1))
    # Tables registered under several names share one Arrow table; copy each distinct one once.
    made: dict[int, TableData] = {}
    tables = []
    for table in logs.tables.values():
        grown = made.get(id(table.data))
        if grown is None:
            grown = made[id(table.data)] = from_more_machines(table, copies)
        tables.append(TableData(table.name, table.columns, grown.data))
    now = latest_event(tables)
    # The rules that run: those a hunt finishes without an error (the others stop at a named
    # gap or a fault of the rule, before doing much work).
    loaded = [
        rule
        for rule in load_rules([CORPUS / "sentinel-rules"]).rules
        if args.all or over_process_events(rule.query, tables_read(rule.query))
    ]
    rules: list[AnalyticRule] = [o.rule for o in hunt(loaded, tables, now=now) if o.ok]
    largest = max(tables, key=len)
    which = "corpus rules" if args.all else "corpus rules over process events"
    print(
        f"{len(rules)} {which} run on the normalized corpus, copied {copies} times "
        f"({largest.name}: {len(largest):,} rows); clock pinned at {now:%Y-%m-%d %H:%M}"
    )

    per_rule: dict[str, list[float]] = {rule.path: [] for rule in rules}
    alone, together = [], []
    for _ in range(args.rounds):
        for rule in rules:
            per_rule[rule.path].append(timed(lambda rule=rule: hunt([rule], tables, now=now)))
        alone.append(sum(times[-1] for times in per_rule.values()))
        together.append(timed(lambda: hunt(rules, tables, now=now)))

    medians = {path: statistics.median(times) for path, times in per_rule.items()}
    cheapest_path = min(medians, key=lambda p: medians[p])
    single = medians[cheapest_path]
    print(f"cheapest rule: {cheapest_path.split('sentinel-rules/')[-1]}")
    print(f"{'plan':<36}{'median s':>10}{'x cheapest rule':>17}")
    print(f"{'cheapest rule alone':<36}{single:>10.3f}{1.0:>17.1f}")
    for label, times in (
        ("every rule alone, one after another", alone),
        ("all rules in one hunt", together),
    ):
        median = statistics.median(times)
        print(f"{label:<36}{median:>10.3f}{median / single:>17.1f}")

    total = sum(medians.values())
    print(f"\ncostliest rules alone (median s, share of their sum {total:.2f} s):")
    for path in sorted(medians, key=lambda p: medians[p], reverse=True)[: args.top]:
        share = medians[path] / total
        print(f"{medians[path]:>8.3f}  {share:>5.1%}  {path.split('sentinel-rules/')[-1]}")
    rest = sorted(medians.values())
    print(
        f"per rule: median {statistics.median(rest) * 1000:.1f} ms, "
        f"90th percentile {rest[int(0.9 * (len(rest) - 1))] * 1000:.1f} ms"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
