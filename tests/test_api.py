"""The notebook API: load logs or a workspace, query to Arrow, hunt to alert objects."""

from __future__ import annotations

import doctest
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pytest

import kqlhunt.api
from kqlhunt import api
from kqlhunt.errors import KqlHuntError, KqlSyntaxError
from kqlhunt.samples import sample_logs

DATA = Path(__file__).parent / "tuning" / "data"
NOW = "2026-11-03T00:00:00Z"


@pytest.fixture(scope="module")
def session() -> api.Session:
    return api.load(sample_logs(), now=NOW, watchlists=DATA / "watchlists")


def test_docstring_example_runs() -> None:
    assert doctest.testmod(kqlhunt.api).failed == 0


def test_query_returns_arrow_with_kql_types(session: api.Session) -> None:
    table = session.query(
        "imProcessCreate | where DvcHostname == 'WS-FIN-07' | take 1"
        " | project TimeGenerated, User, Age = now() - TimeGenerated,"
        " Extra = bag_pack('n', 1), Count = 2, Ratio = 0.5"
    )

    assert isinstance(table, pa.Table) and table.num_rows == 1
    assert table.schema.field("TimeGenerated").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("Age").type == pa.duration("us")
    assert table.schema.field("Count").type == pa.int64()
    assert table.schema.field("Ratio").type == pa.float64()
    row = table.to_pylist()[0]
    assert row["Extra"] == '{"n": 1}'
    assert row["Age"] > timedelta(hours=1)
    assert row["TimeGenerated"].tzinfo is not None
    assert session.now == datetime(2026, 11, 3, tzinfo=timezone.utc)


def test_query_reads_watchlists(session: api.Session) -> None:
    table = session.query("_GetWatchlist('TrustedAdmins') | project SearchKey")
    assert table.column("SearchKey").to_pylist() == ["CONTOSO\\adm-rkhan"]


def test_to_pandas_when_pandas_is_installed(session: api.Session) -> None:
    pytest.importorskip("pandas")
    frame = session.query("imProcessCreate | summarize n = count()").to_pandas()
    assert frame["n"].tolist() == [46]


def test_query_errors_raise(session: api.Session) -> None:
    with pytest.raises(KqlSyntaxError, match="line 1"):
        session.query("imProcessCreate | where")


def test_hunt_bundled_and_given_rules(session: api.Session) -> None:
    alerts = session.hunt()
    uids = sorted(a.row["EventOriginalUid"] for a in alerts)
    assert uids == ["30995", "31009", "48394", "912489"]
    assert all(a.time is not None for a in alerts)
    assert [a.time for a in alerts] == sorted(a.time for a in alerts if a.time)

    tuned = session.hunt(DATA / "rules" / "powershell_activity_watchlist.yaml")
    assert len(tuned) == 10
    assert all(a.row["User"] != "CONTOSO\\adm-rkhan" for a in tuned)

    outcomes = session.run_rules([DATA / "rules"])
    assert [len(o.alerts) for o in outcomes] == [14, 10]


def test_hunt_raises_for_a_failing_rule(session: api.Session, tmp_path: Path) -> None:
    rule = tmp_path / "broken.kql"
    rule.write_text("imProcessCreate | where NoSuchColumn == 1\n", encoding="utf-8")
    with pytest.raises(KqlHuntError, match="NoSuchColumn"):
        session.hunt(rule)


def test_load_a_workspace(tmp_path: Path) -> None:
    from kqlhunt.workspace import ingest

    workspace = tmp_path / "ws"
    ingest(sample_logs()[:1], workspace, workers=1)

    with api.load(workspace, now=NOW) as stored:
        assert stored.stats is None
        counts = stored.query("imProcessCreate | summarize n = count()")
        assert counts.column("n").to_pylist() == [17]
        assert len(stored.hunt()) == 1

    with api.load([workspace, *sample_logs()[1:]], now=NOW) as both:
        counts = both.query("imProcessCreate | summarize n = count()")
        assert counts.column("n").to_pylist() == [46]
        assert len(both.hunt()) == 4
