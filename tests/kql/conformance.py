"""Running a documented KQL case and comparing its result as the case file's conventions say."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from kqlhunt.catalog import TableData
from kqlhunt.engine import Engine
from kqlhunt.kql.literals import parse_datetime, parse_timespan
from kqlhunt.result import QueryResult, Timespan
from kqlhunt.types import KqlType


def table_data(name: str, spec: dict[str, Any]) -> TableData:
    columns = {col: KqlType.from_name(kind) for col, kind in spec["columns"]}
    rows = []
    for raw in spec["rows"]:
        row: dict[str, object] = {}
        for (col, kql_type), value in zip(columns.items(), raw, strict=True):
            row[col] = _input_value(value, kql_type)
        rows.append(row)
    return TableData.from_rows(name, columns, rows)


def _input_value(value: Any, kql_type: KqlType) -> object:
    if value is None:
        return None
    if kql_type is KqlType.DATETIME:
        return parse_datetime(value)
    if kql_type is KqlType.TIMESPAN:
        ticks = parse_timespan(value)
        return None if ticks is None else timedelta(microseconds=ticks // 10)
    if kql_type is KqlType.DYNAMIC:
        return json.dumps(value)
    return value


def run_case(case: dict[str, Any]) -> QueryResult:
    now = (
        parse_datetime(case["now"])
        if case.get("now")
        else datetime(2024, 3, 1, tzinfo=timezone.utc)
    )
    tables = [table_data(name, spec) for name, spec in (case.get("tables") or {}).items()]
    engine = Engine(tables, now=now)
    try:
        return engine.query(case["query"], source_name=case["id"])
    finally:
        engine.close()


def _normal(value: Any, kql_type: KqlType, unordered: bool) -> Any:
    """A comparable form of an expected or actual value."""
    if value is None:
        return None
    if kql_type is KqlType.DATETIME:
        parsed = value if isinstance(value, datetime) else parse_datetime(value)
        return parsed.isoformat() if parsed else value
    if kql_type is KqlType.TIMESPAN:
        if isinstance(value, Timespan):
            return value.ticks
        if isinstance(value, timedelta):
            return round(value.total_seconds() * 10_000_000)
        return parse_timespan(value)
    if kql_type in (KqlType.REAL, KqlType.DECIMAL):
        if value == "NaN" or (isinstance(value, float) and math.isnan(value)):
            return "NaN"
        return round(float(value), 9)
    if kql_type is KqlType.DYNAMIC:
        if unordered and isinstance(value, list):
            return sorted(json.dumps(v, sort_keys=True) for v in value)
        return json.dumps(value, sort_keys=True)
    return value


def result_matches(case: dict[str, Any], result: QueryResult) -> tuple[bool, str]:
    expected_options = [case["expected"], *(case.get("alternatives") or [])]
    problems = []
    for expected in expected_options:
        ok, why = _matches_one(case, expected, result)
        if ok:
            return True, ""
        problems.append(why)
    return False, problems[0]


def _matches_one(
    case: dict[str, Any], expected: dict[str, Any], result: QueryResult
) -> tuple[bool, str]:
    names = [c[0] for c in expected["columns"]]
    if names != result.column_names:
        return False, f"columns {result.column_names} != expected {names}"
    types = [KqlType.from_name(c[1]) for c in expected["columns"]]
    unordered_cols = set(case.get("unordered_arrays") or [])

    def normal_rows(rows: list[Any]) -> list[tuple[Any, ...]]:
        return [
            tuple(
                _normal(v, t, n in unordered_cols)
                for v, t, n in zip(row, types, names, strict=True)
            )
            for row in rows
        ]

    want, got = normal_rows(expected["rows"]), normal_rows(result.rows)
    if case.get("ordered", True):
        same = want == got
    else:
        same = Counter(map(repr, want)) == Counter(map(repr, got))
    return same, "" if same else f"rows {got} != expected {want}"
