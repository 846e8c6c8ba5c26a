"""The literal pre-filter: which requirements a rule implies, and that results never change."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.prefilter import Requirement, plan, reduce_table, rule_requirement
from kqlhunt.types import KqlType

SCHEMAS: dict[str, dict[str, object]] = {
    "T": {"CommandLine": KqlType.STRING, "Process": KqlType.STRING, "n": KqlType.LONG},
    "U": {"x": KqlType.STRING},
}


def alternatives(query: str) -> set[tuple[str, str]] | None:
    requirement = rule_requirement(query, SCHEMAS)
    return set(requirement.alternatives) if requirement else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("T | where CommandLine has 'mimikatz'", {("CommandLine", "mimikatz")}),
        ("T | where CommandLine contains_cs 'Invoke-'", {("CommandLine", "Invoke-")}),
        ("T | where Process =~ 'cmd.exe'", {("Process", "cmd.exe")}),
        (
            "T | where Process in~ ('cmd.exe', 'powershell.exe')",
            {("Process", "cmd.exe"), ("Process", "powershell.exe")},
        ),
        (
            "T | where Process has_any (dynamic(['cmd.exe', 'wmic.exe']))",
            {("Process", "cmd.exe"), ("Process", "wmic.exe")},
        ),
        ("T | where CommandLine has_all ('-nop', 'hidden')", {("CommandLine", "hidden")}),
        # `and`: either side's requirement holds; the more selective one is kept.
        (
            "T | where Process has 'cmd.exe' and CommandLine has 'whoami'",
            {("Process", "cmd.exe")},
        ),
        # `or`: both sides must imply something, and the alternatives add up.
        (
            "T | where Process has 'cmd.exe' or CommandLine has 'whoami'",
            {("Process", "cmd.exe"), ("CommandLine", "whoami")},
        ),
        ("let tools = dynamic(['psexec']);\nT | where CommandLine has_any (tools)",
         {("CommandLine", "psexec")}),
        ("T | where n > 5 | where CommandLine has 'vssadmin'", {("CommandLine", "vssadmin")}),
    ],
)  # fmt: skip
def test_requirements_follow_from_leading_filters(
    query: str, expected: set[tuple[str, str]]
) -> None:
    assert alternatives(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "T | where CommandLine !has 'benign'",  # a negation implies no literal
        "T | where Process has 'cmd.exe' or n > 5",  # one side of `or` implies nothing
        "T | where CommandLine has 'ab'",  # too short to be selective
        "T | extend c = CommandLine | where c has 'mimikatz'",  # not the table's column
        "T | summarize count() by Process | where Process has 'cmd.exe'",
        "T | where CommandLine has 'x1y2z3' | join (T | where n > 0) on n",  # read twice
        "union T, U | where CommandLine has 'mimikatz'",
        "T | where CommandLine matches regex 'mimi.atz'",
        "T | where n == '4688'",  # a number column: no text to scan
    ],
)
def test_no_requirement_where_one_would_be_unsafe(query: str) -> None:
    assert alternatives(query) is None


def test_reduce_table_keeps_rows_meeting_any_requirement() -> None:
    table = TableData.from_rows(
        "T",
        {"CommandLine": KqlType.STRING},
        [{"CommandLine": c} for c in ("run MIMIKATZ now", "whoami /all", "notepad", "")],
    )
    requirements = [
        Requirement("T", frozenset({("CommandLine", "mimikatz")})),
        Requirement("T", frozenset({("CommandLine", "whoami")})),
    ]

    reduced = reduce_table(table, requirements)

    assert reduced.data.column("CommandLine").to_pylist() == ["run MIMIKATZ now", "whoami /all"]


def test_reduce_table_reads_only_the_matching_rows_of_parquet_files(tmp_path: Path) -> None:
    columns = {"CommandLine": KqlType.STRING, "n": KqlType.LONG}
    newer = TableData.from_rows(
        "T", columns, [{"CommandLine": c, "n": i} for i, c in enumerate(("mimikatz", "dir"))]
    )
    older = TableData.from_rows("T", {"n": KqlType.LONG}, [{"n": 7}])  # before CommandLine
    files = []
    for name, part in (("a", newer), ("b", older)):
        files.append(str(tmp_path / f"{name}.parquet"))
        pq.write_table(part.data, files[-1])
    table = TableData.from_parquet("T", columns, files, rows=3)

    reduced = reduce_table(table, [Requirement("T", frozenset({("CommandLine", "MIMIKATZ")}))])

    assert not reduced.files and reduced.data.to_pylist() == [{"CommandLine": "mimikatz", "n": 0}]


@pytest.mark.corpus
def test_hunting_the_corpus_rules_together_gives_what_each_gives_alone(corpus: Path) -> None:
    from kqlhunt.hunt import hunt, run_rule
    from kqlhunt.normalize import read_logs
    from kqlhunt.rules import load_rules

    rules = load_rules([corpus / "sentinel-rules"]).rules
    tables = list(read_logs([corpus]).tables.values())
    schemas: dict[str, dict[str, object]] = {t.name: dict(t.columns) for t in tables}
    with_requirement = sum(rule_requirement(r.query, schemas) is not None for r in rules)

    together = hunt(rules, tables)
    alone = Engine(tables)
    compared = 0
    for rule, outcome in zip(rules, together, strict=True):
        if "rand(" in rule.query:
            continue  # a random pick differs from run to run
        single = run_rule(alone, rule)
        assert (outcome.error is None) == (single.error is None), rule.path
        assert sorted(_unordered(a.row) for a in outcome.alerts) == sorted(
            _unordered(a.row) for a in single.alerts
        ), rule.path
        compared += single.error is None
    assert with_requirement >= 100 and compared >= 200


def _unordered(value: object) -> str:
    """A row as text, with the items of each array in a fixed order: Kusto leaves the order of
    `make_set()`/`make_list()` unspecified, and DuckDB's threads give one order or another."""
    if isinstance(value, dict):
        return repr({key: _unordered(item) for key, item in value.items()})
    if isinstance(value, list):
        return repr(sorted(_unordered(item) for item in value))
    return repr(value)


def test_hunting_many_rules_gives_what_each_rule_gives_alone(tmp_path: Path) -> None:
    from kqlhunt.hunt import hunt
    from kqlhunt.normalize import read_logs
    from kqlhunt.rules import parse_rule
    from kqlhunt.samples import sample_logs
    from kqlhunt.workspace import Workspace, ingest

    queries = [
        "imProcessCreate | where CommandLine has 'Invoke-Command'",
        "imProcessCreate | where Process has_any ('cmd.exe', 'wmic.exe') | project Dvc, User",
        "imProcessCreate | summarize count() by DvcHostname",  # no requirement: full table
        "imProcessCreate | where CommandLine has 'TCPClient' | count",
        # The same data under a second name must not be cut to the first name's rows.
        "imProcessCreate | where CommandLine has 'TCPClient' | project Dvc"
        " | join kind=leftouter (imProcess | summarize events = count() by Dvc) on Dvc",
    ]
    rules = [
        parse_rule(f"id: 5e1c3a4b-0000-4000-8000-00000000000{i}\nname: R{i}\nquery: {q!r}\n")
        for i, q in enumerate(queries)
    ]
    ingest(sample_logs(), tmp_path)
    in_memory = list(read_logs(sample_logs()).tables.values())
    in_workspace = list(Workspace(tmp_path).tables().values())

    for tables in (in_memory, in_workspace):
        together = hunt(rules, tables)
        alone = [hunt([rule], tables)[0] for rule in rules]
        for batch, single in zip(together, alone, strict=True):
            assert sorted(repr(a.row) for a in batch.alerts) == sorted(
                repr(a.row) for a in single.alerts
            )
        assert [len(o.alerts) for o in together][2] == 3


def test_plan_gives_each_query_its_own_rows_and_shares_equal_ones() -> None:
    import pyarrow as pa

    data = pa.table({"CommandLine": ["whoami", "vssadmin delete", "WHOAMI /all", None]})
    table = TableData("T", {"CommandLine": KqlType.STRING}, data)
    alias = TableData("T2", {"CommandLine": KqlType.STRING}, data)
    narrowing = plan(
        [
            "T | where CommandLine has 'whoami'",
            "T | where CommandLine contains 'WhoAmI' | count",
            "T | where CommandLine has 'vssadmin'",
            "T | count",
            "T | where CommandLine has 'whoami' | join (T2 | take 1) on CommandLine",
        ],
        [table, alias],
    )
    assert narrowing is not None
    first, second, third, fourth, fifth = narrowing.own_rows
    assert first is not None and second is not None and third is not None
    assert first.of(narrowing.bases["T"]).data.column(0).to_pylist() == ["whoami", "WHOAMI /all"]
    assert first.key == second.key != third.key
    assert third.of(narrowing.bases["T"]).data.column(0).to_pylist() == ["vssadmin delete"]
    assert fourth is None and fifth is None
