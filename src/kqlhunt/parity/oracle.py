"""Running Microsoft's analyzer under Node on a batch of queries.

The analyzer is the npm package `@kusto/language-service-next`, installed by the user (or by the
repository's `tests/oracle/package.json`) in a folder whose `node_modules` holds it; `oracle.js`,
shipped beside this module, loads it from there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kqlhunt.errors import KqlHuntError

SCRIPT = Path(__file__).with_name("oracle.js")
PACKAGE = Path("node_modules") / "@kusto" / "language-service-next"


class OracleUnavailableError(KqlHuntError):
    """Node or Microsoft's npm package is missing, so the analyzer cannot run."""


@dataclass(frozen=True)
class Request:
    """One query for the analyzer, with the tables (name -> [(column, type)]) it may read."""

    id: str
    query: str
    tables: dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class Answer:
    syntax_errors: list[str]
    errors: list[str]
    columns: list[tuple[str, str]] | None  # None when no tabular result is inferred
    tables: list[str] = field(default_factory=list)  # the given tables the query reads


def unavailable_reason(folder: Path) -> str | None:
    """Why the analyzer installed in `folder` cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so Microsoft's KQL parser cannot run"
    if not (folder / PACKAGE).is_dir():
        return (
            f"Microsoft's KQL parser is not installed in {folder}: run "
            f"`npm install @kusto/language-service-next` there"
        )
    return None


def analyze(requests: list[Request], folder: Path, workers: int | None = None) -> dict[str, Answer]:
    """Parse and analyze every request with the analyzer installed in `folder`, in `workers`
    Node processes (about one per CPU when None; each takes seconds to start, so small batches
    use one).

    Raises:
        OracleUnavailableError: Node or the npm package is missing.
    """
    reason = unavailable_reason(folder)
    if reason:
        raise OracleUnavailableError(reason)
    if not requests:
        return {}
    if workers is None:
        workers = max(1, min(os.cpu_count() or 1, len(requests) // 200))
    environment = {**os.environ, "NODE_PATH": str((folder / "node_modules").resolve())}
    chunks = [requests[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda chunk: _analyze_chunk(chunk, environment), chunks))
    return {qid: answer for part in parts for qid, answer in part.items()}


def _analyze_chunk(requests: list[Request], environment: dict[str, str]) -> dict[str, Answer]:
    lines = "\n".join(
        json.dumps({"id": r.id, "query": r.query, "tables": r.tables}) for r in requests
    )
    done = subprocess.run(
        ["node", str(SCRIPT)],
        input=lines,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise OracleUnavailableError(f"Microsoft's KQL parser failed: {done.stderr.strip()}")
    answers: dict[str, Answer] = {}
    for line in done.stdout.splitlines():
        raw: dict[str, Any] = json.loads(line)
        if "crash" in raw:
            raise OracleUnavailableError(f"the analyzer failed on {raw['id']}: {raw['crash']}")
        columns = raw["columns"]
        answers[raw["id"]] = Answer(
            raw["syntax_errors"],
            raw["errors"],
            None if columns is None else [(n, t) for n, t in columns],
            raw.get("tables", []),
        )
    return answers
