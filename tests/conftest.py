"""Shared test fixtures: where the read-only public corpus lives, and a pinned clock."""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timezone
from pathlib import Path

import pluggy
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
CONFORMANCE = SHARED / "kql-conformance.json"

PINNED_NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def corpus() -> Path:
    """The public log corpus beside the project; tests using it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not present beside the project")
    return CORPUS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        default="duckdb",
        choices=("duckdb", "spark"),
        help="run every Engine on this backend (the KQL semantics suites are backend-neutral)",
    )


def pytest_configure(config: pytest.Config) -> None:
    import kqlhunt.engine

    backend = config.getoption("--backend")
    if backend == "spark":
        pytest.importorskip("pyspark", reason="the Spark backend needs pyspark")
    kqlhunt.engine.DEFAULT_BACKEND = backend
    config.addinivalue_line("markers", "notimpl(backends, reason): a known gap on those backends")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The backend the suite runs on."""
    return str(request.config.getoption("--backend"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.notimpl(["spark"], reason=...)` marks a known gap as a strict xfail."""
    backend = config.getoption("--backend")
    for item in items:
        for mark in item.iter_markers("notimpl"):
            backends, reason = mark.args[0], mark.kwargs.get("reason", "")
            if backend in backends:
                item.add_marker(pytest.mark.xfail(reason=f"{backend}: {reason}", strict=True))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, pluggy.Result[None], None]:
    """On a backend other than DuckDB, a construct the backend refuses by name is a skip with
    that name (a gap listed in the support table), not a failure; a wrong answer still fails."""
    outcome = yield
    if item.config.getoption("--backend") == "duckdb":
        return
    from kqlhunt.errors import UnsupportedKqlError

    error = outcome.excinfo[1] if outcome.excinfo else None
    if isinstance(error, UnsupportedKqlError):
        outcome.force_exception(
            pytest.skip.Exception(f"unsupported on this backend: {error.construct}")
        )
    return None
