"""Golden compile tests: each folder holds a KQL query and the SQL it compiles to on DuckDB and
on Spark, pretty-printed, against the imProcessCreate schema with a pinned clock.

Run with KQLHUNT_UPDATE_GOLDEN=1 to rewrite `duckdb.sql` and `spark.sql`, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kqlhunt.backends.duckdb import DuckDBBackend
from kqlhunt.catalog import TableData
from kqlhunt.compiler import CompiledQuery, compile_query
from kqlhunt.normalize import IM_PROCESS_CREATE, TABLE_NAME
from tests.conftest import PINNED_NOW

GOLDEN = Path(__file__).parent
UPDATE = os.environ.get("KQLHUNT_UPDATE_GOLDEN") == "1"
DIALECTS = ("duckdb", "spark")


def _cases() -> list[Path]:
    return sorted(p.parent for p in GOLDEN.glob("*/query.kql"))


def compile_case(case: Path) -> CompiledQuery:
    query = (case / "query.kql").read_text(encoding="utf-8")
    return compile_query(query, {TABLE_NAME: IM_PROCESS_CREATE}, now=PINNED_NOW)


def pretty(compiled: CompiledQuery, dialect: str) -> str:
    return compiled.sql.sql(dialect=dialect, pretty=True) + "\n"


def test_there_are_golden_cases() -> None:
    assert len(_cases()) >= 10


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_golden_sql(case: Path, dialect: str) -> None:
    actual = pretty(compile_case(case), dialect)
    expected_file = case / f"{dialect}.sql"
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8")
    assert expected_file.is_file(), f"missing {expected_file}; run with KQLHUNT_UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_golden_duckdb_sql_runs(case: Path) -> None:
    """The stored DuckDB SQL is valid: it runs over an empty imProcessCreate table."""
    backend = DuckDBBackend()
    backend.load([TableData.empty(TABLE_NAME, IM_PROCESS_CREATE)])
    try:
        sql = (case / "duckdb.sql").read_text(encoding="utf-8")
        backend.connection.execute(sql).fetchall()
    finally:
        backend.close()
