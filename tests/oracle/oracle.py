"""Microsoft's KQL parser and analyzer (npm `@kusto/language-service-next`) as a test oracle.

`analyze` runs `oracle.js` under Node once for a batch of queries. Nothing here is used at run
time: the package is installed in this folder for the tests only (`npm ci`).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "@kusto" / "language-service-next"
SCRIPT = HERE / "oracle.js"


def unavailable_reason() -> str | None:
    """Why the oracle cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so Microsoft's KQL parser cannot run"
    if not PACKAGE.is_dir():
        return "the npm package is missing: run `npm ci` in tests/oracle"
    return None


@dataclass(frozen=True)
class Request:
    id: str
    query: str
    tables: dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class Answer:
    syntax_errors: list[str]
    errors: list[str]
    columns: list[tuple[str, str]] | None  # None when no tabular result is inferred


def analyze(requests: list[Request], workers: int | None = None) -> dict[str, Answer]:
    """Parse and analyze every request with Microsoft's analyzer, in `workers` Node processes
    (about one per CPU when None; each takes seconds to start, so small batches use one)."""
    if workers is None:
        workers = max(1, min(os.cpu_count() or 1, len(requests) // 200))
    chunks = [requests[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_analyze_chunk, chunks))
    return {qid: answer for part in parts for qid, answer in part.items()}


def _analyze_chunk(requests: list[Request]) -> dict[str, Answer]:
    lines = "\n".join(
        json.dumps({"id": r.id, "query": r.query, "tables": r.tables}) for r in requests
    )
    done = subprocess.run(
        ["node", str(SCRIPT)],
        input=lines,
        capture_output=True,
        text=True,
        cwd=HERE,
        check=True,
        timeout=1200,
    )
    answers: dict[str, Answer] = {}
    for line in done.stdout.splitlines():
        raw: dict[str, Any] = json.loads(line)
        if "crash" in raw:
            raise RuntimeError(f"the oracle failed on {raw['id']}: {raw['crash']}")
        columns = raw["columns"]
        answers[raw["id"]] = Answer(
            raw["syntax_errors"],
            raw["errors"],
            None if columns is None else [(n, t) for n, t in columns],
        )
    return answers


# -- the queries of our own semantics tests ---------------------------------------------------

_RUNNERS = {"rows": "{}", "run": "{}", "scalar": "print r = {}"}


def _literal_strings(node: ast.expr) -> list[str]:
    """The first string of each parameter tuple in a parametrize list."""
    if not isinstance(node, ast.List | ast.Tuple):
        return []
    found = []
    for item in node.elts:
        first = item.elts[0] if isinstance(item, ast.Tuple) and item.elts else item
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append(first.value)
    return found


def _runner_call(node: ast.AST) -> tuple[str, ast.expr] | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _RUNNERS
        and node.args
    ):
        return node.func.id, node.args[0]
    return None


def semantics_queries(folder: Path) -> list[tuple[str, str]]:
    """(id, query) for each query the semantics tests run: string literals passed to `rows`,
    `run` or `scalar`, directly or through a parametrized argument."""
    queries: dict[str, str] = {}
    for path in sorted(folder.glob("test_semantics_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            params: dict[str, list[str]] = {}
            for decorator in function.decorator_list:
                if isinstance(decorator, ast.Call) and len(decorator.args) >= 2:
                    names = decorator.args[0]
                    if isinstance(names, ast.Constant) and isinstance(names.value, str):
                        first = names.value.split(",")[0].strip()
                    elif isinstance(names, ast.Tuple) and names.elts:
                        head = names.elts[0]
                        first = str(head.value) if isinstance(head, ast.Constant) else ""
                    else:
                        continue
                    params[str(first)] = _literal_strings(decorator.args[1])
            for node in ast.walk(function):
                call = _runner_call(node)
                if call is None:
                    continue
                runner, arg = call
                texts = []
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    texts = [arg.value]
                elif isinstance(arg, ast.Name):
                    texts = params.get(arg.id, [])
                for text in texts:
                    query = _RUNNERS[runner].format(text)
                    queries.setdefault(query, f"{path.stem}:{function.name}:{len(queries)}")
    return [(qid, query) for query, qid in queries.items()]
