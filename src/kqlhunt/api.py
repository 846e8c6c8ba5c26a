"""kqlhunt from Python, for notebooks: load logs or a workspace once, then run KQL and rules.

>>> from kqlhunt import api
>>> from kqlhunt.samples import sample_logs
>>> session = api.load(sample_logs(), now="2026-11-03T00:00:00Z")
>>> table = session.query(
...     "imProcessCreate | summarize Events = count() by DvcHostname | order by DvcHostname asc"
... )
>>> table.to_pydict()
{'DvcHostname': ['SRV-APP-02', 'WS-FIN-07', 'WS-HR-03'], 'Events': [19, 17, 10]}
>>> alerts = session.hunt()
>>> from kqlhunt.alerts.pivots import alert_host
>>> sorted(alert_host(a) for a in alerts)
['SRV-APP-02', 'WS-FIN-07', 'WS-HR-03', 'WS-HR-03']
>>> alerts[0].rule_name
'Invoke-PowerShellTcpOneLine Usage (Normalized Process Events)'
>>> session.close()

`Session.query(...).to_pandas()` gives a pandas DataFrame when pandas is installed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from kqlhunt.alerts.model import Alert
from kqlhunt.catalog import ARROW_TYPES, TableData
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlHuntError
from kqlhunt.hunt import RuleOutcome, run_rule
from kqlhunt.kql.literals import parse_datetime
from kqlhunt.normalize import IngestStats, LogRead, read_logs
from kqlhunt.result import QueryResult
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.types import KqlType

PathLike = str | os.PathLike[str]

__all__ = ["Session", "load", "result_to_arrow"]


class Session:
    """Tables held by one engine: run KQL queries and rules over them.

    Build one with `load`. A session keeps its engine open; `close` it, or use it as a context
    manager, when done.

    Attributes:
        tables: The tables queries can read, by name.
        stats: What reading the logs counted (files, events, skipped records); None for a
            workspace alone.
    """

    def __init__(
        self,
        tables: Iterable[TableData],
        *,
        now: datetime | None = None,
        engine: str | None = None,
        stats: IngestStats | None = None,
    ) -> None:
        self.tables = {t.name: t for t in tables}
        self.stats = stats
        self._engine = Engine(self.tables.values(), backend=engine, now=now)

    @property
    def now(self) -> datetime | None:
        """The instant `now()` and `ago()` see; the wall clock when None."""
        return self._engine.now

    def query(self, kql: str) -> pa.Table:
        """Run one KQL query and return its result as an Arrow table.

        Column types follow the KQL result types: datetime as UTC timestamps, timespan as
        durations, dynamic values as JSON text. `.to_pandas()` on the result needs pandas.

        Raises:
            KqlHuntError: the query does not parse, names an unknown table or column, or uses
                KQL that kqlhunt does not run.
        """
        return result_to_arrow(self._engine.query(kql))

    def hunt(
        self, rules: Sequence[AnalyticRule] | PathLike | Sequence[PathLike] | None = None
    ) -> list[Alert]:
        """Run rules once over all the data and return their alerts, in time order.

        Args:
            rules: Rule objects, or rule files and folders; the rules shipped with kqlhunt
                when None.

        Raises:
            KqlHuntError: a rule file cannot be loaded, or a rule's query fails; the message
                names the rule.
        """
        outcomes = self.run_rules(rules)
        for outcome in outcomes:
            if outcome.error is not None:
                raise outcome.error
        alerts = [a for o in outcomes for a in o.alerts]
        alerts.sort(key=lambda a: (a.time is None, a.time or datetime.min, a.rule_name))
        return alerts

    def run_rules(
        self, rules: Sequence[AnalyticRule] | PathLike | Sequence[PathLike] | None = None
    ) -> list[RuleOutcome]:
        """Run rules and return each rule's outcome (alerts, or the error that stopped it)."""
        return [run_rule(self._engine, rule) for rule in _rules(rules)]

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name} {len(t)}" for name, t in self.tables.items() if len(t))
        return f"Session({counts or 'no rows'})"


def load(
    paths_or_workspace: PathLike | Iterable[PathLike],
    *,
    watchlists: PathLike | None = None,
    now: datetime | str | None = None,
    engine: str | None = None,
) -> Session:
    """Read logs, or open a workspace, into a `Session`.

    Args:
        paths_or_workspace: Log files, folders or archives; or a workspace folder (one holding
            the `manifest.json` that `kqlhunt ingest` writes), whose Parquet files are read in
            place. Logs given beside a workspace are read in memory and added.
        watchlists: A folder of watchlist CSV files, read as `_GetWatchlist('<file name>')`.
        now: The instant `now()` and `ago()` see (a datetime or ISO 8601 text); the wall clock
            when None.
        engine: The backend ("duckdb" or "spark"); DuckDB when None.
    """
    paths = (
        [Path(paths_or_workspace)]
        if isinstance(paths_or_workspace, (str, os.PathLike))
        else [Path(p) for p in paths_or_workspace]
    )
    workspaces = [p for p in paths if (p / "manifest.json").is_file()]
    logs = [p for p in paths if p not in workspaces]
    if len(workspaces) > 1:
        raise KqlHuntError(f"give one workspace at a time, not {len(workspaces)}")

    read: LogRead | None = None
    if not workspaces:
        read = read_logs(logs, dedupe=True)
    else:
        from kqlhunt.workspace import Workspace

        stored = Workspace(workspaces[0])
        read = stored.tables_with(logs) if logs else None
    tables = dict(read.tables if read is not None else stored.tables())
    stats = read.stats if read is not None else None
    if watchlists is not None:
        from kqlhunt.tuning import load_watchlists

        tables |= {t.name: t for t in load_watchlists(watchlists)}
    return Session(tables.values(), now=_instant(now), engine=engine, stats=stats)


def _instant(now: datetime | str | None) -> datetime | None:
    if now is None or isinstance(now, datetime):
        return now
    parsed = parse_datetime(now)
    if parsed is None:
        raise KqlHuntError(f"not a datetime: {now!r}")
    return parsed


def _rules(
    rules: Sequence[AnalyticRule] | PathLike | Sequence[PathLike] | None,
) -> list[AnalyticRule]:
    if rules is None:
        rules = [bundled_rules_dir()]
    if isinstance(rules, (str, os.PathLike)):
        rules = [rules]
    if all(isinstance(r, AnalyticRule) for r in rules):
        return [r for r in rules if isinstance(r, AnalyticRule)]
    loaded = load_rules([r for r in rules if not isinstance(r, AnalyticRule)])
    if loaded.errors:
        raise loaded.errors[0]
    return [*(r for r in rules if isinstance(r, AnalyticRule)), *loaded.rules]


def result_to_arrow(result: QueryResult) -> pa.Table:
    """A query result as an Arrow table with the Arrow type of each KQL column type."""
    arrays = []
    for index, column in enumerate(result.columns):
        values = [_arrow_value(row[index], column.type) for row in result.rows]
        arrays.append(pa.array(values, type=ARROW_TYPES[column.type]))
    schema = pa.schema([(c.name, ARROW_TYPES[c.type]) for c in result.columns])
    return pa.Table.from_arrays(arrays, schema=schema)


def _arrow_value(value: Any, kql_type: KqlType) -> Any:
    if value is None:
        return None
    if kql_type is KqlType.DYNAMIC:
        return json.dumps(value, ensure_ascii=False, default=str)
    if kql_type is KqlType.TIMESPAN and isinstance(value, timedelta):
        return timedelta(days=value.days, seconds=value.seconds, microseconds=value.microseconds)
    if kql_type in (KqlType.STRING, KqlType.GUID):
        return str(value)
    return value
