"""Many rules over one table: every corpus rule that runs on the normalized public logs, with the
tables repeated to `--rows` events, run one by one against the single cheapest rule, with and
without the literal pre-filter.

    .venv/bin/python benchmarks/many_rules.py --rows 1000000

Needs ../shared/corpus beside the repository (the public logs and the Sentinel rule corpus).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import pyarrow as pa

from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlHuntError
from kqlhunt.normalize import read_logs
from kqlhunt.prefilter import reduce_table, rule_requirement
from kqlhunt.rules import load_rules

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def repeated(table: TableData, rows: int, base: int) -> TableData:
    """The table repeated so that the largest table reaches `rows`."""
    copies = max(1, rows // max(base, 1))
    return TableData(table.name, table.columns, pa.concat_tables([table.data] * copies))


def timed(engine: Engine, query: str) -> float:
    began = time.perf_counter()
    engine.query(query)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    logs = read_logs([CORPUS])
    base = max(len(t) for t in logs.tables.values())
    # Tables registered under several names share one Arrow table; repeat each distinct one once.
    tables = {name: repeated(t, args.rows, base) for name, t in logs.tables.items()}
    schemas: dict[str, dict[str, object]] = {n: dict(t.columns) for n, t in tables.items()}
    full = Engine(tables.values())

    rules = []
    for rule in load_rules([CORPUS / "sentinel-rules"]).rules:
        try:
            full.compile(rule.query)
            full.query(rule.query)  # warm up and drop rules that fail at run time
        except KqlHuntError:
            continue
        rules.append(rule)
    events = len(tables["imProcessCreate"])
    print(
        f"{len(rules)} corpus rules run on the normalized corpus; imProcessCreate repeated to "
        f"{events:,} rows"
    )

    one_by_one, prefiltered, cheapest = [], [], []
    for _ in range(args.rounds):
        per_rule = {rule.id: timed(full, rule.query) for rule in rules}
        one_by_one.append(sum(per_rule.values()))
        cheapest.append(min(per_rule.values()))

        began = time.perf_counter()
        requirements = {r.id: rule_requirement(r.query, schemas) for r in rules}
        reduced = Engine(
            reduce_table(t, [q for q in requirements.values() if q and q.table == n])
            for n, t in tables.items()
        )
        for rule in rules:
            (reduced if requirements[rule.id] else full).query(rule.query)
        prefiltered.append(time.perf_counter() - began)

    single = statistics.median(cheapest)
    print(f"{'plan':<34}{'median s':>10}{'x cheapest rule':>17}")
    print(f"{'cheapest single rule':<34}{single:>10.3f}{1.0:>17.1f}")
    for label, times in (
        ("all rules, one scan each", one_by_one),
        ("all rules, literal pre-filter", prefiltered),
    ):
        median = statistics.median(times)
        print(f"{label:<34}{median:>10.3f}{median / single:>17.1f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
