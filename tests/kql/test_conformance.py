"""Kusto's documented behaviour, case by case, from the shared conformance file.

Every case either gives the documented result or is refused with an explicit
UnsupportedKqlError naming the construct. A wrong answer or any other error fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kqlhunt.errors import UnsupportedKqlError
from tests.conftest import CONFORMANCE
from tests.kql.conformance import result_matches, run_case

# Cases kqlhunt answers differently from the documented result, each with the reason.
KNOWN_GAPS: dict[str, str] = {
    "fn-indexof": (
        "the documented indexof(..., 1, 10, 2) = 9 contradicts the same page's "
        "indexof(..., 1, 2) = -1 under any one reading of 'length'; kqlhunt requires the whole "
        "match inside the examined window and so returns -1 for the first"
    ),
    "fn-datetime-diff": (
        "datetimes hold microseconds, so the 7 ticks (700 ns) of the nanosecond example are "
        "lost and the difference is 0; every other part of the case agrees"
    ),
}


# Cases one backend answers differently, by backend, each with the reason.
BACKEND_GAPS: dict[str, dict[str, str]] = {
    "spark": {
        "parse-simple-typed": "Spark's cast does not read month/day/year text as a datetime",
    },
}


def _cases() -> list[Any]:
    if not CONFORMANCE.is_file():
        reason = "no conformance file beside the project"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    cases = json.loads(CONFORMANCE.read_text(encoding="utf-8"))["cases"]
    params = []
    for case in cases:
        marks = []
        if case["id"] in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[case["id"]], strict=True))
        for backend, gaps in BACKEND_GAPS.items():
            if case["id"] in gaps:
                marks.append(pytest.mark.notimpl([backend], reason=gaps[case["id"]]))
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _cases())
def test_documented_case(case: dict[str, Any]) -> None:
    try:
        result = run_case(case)
    except UnsupportedKqlError as error:
        pytest.skip(f"explicitly unsupported: {error.construct}")
    ok, why = result_matches(case, result)
    assert ok, f"{case['query']}\n{why}"
