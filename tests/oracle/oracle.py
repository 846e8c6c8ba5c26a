"""Microsoft's KQL parser and analyzer (npm `@kusto/language-service-next`) as a test oracle.

The package is installed in this folder for the tests only (`npm ci`); `analyze` drives it
through `kqlhunt.parity.oracle`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from kqlhunt.parity import oracle
from kqlhunt.parity.oracle import Answer, Request

HERE = Path(__file__).resolve().parent

__all__ = ["HERE", "Answer", "Request", "analyze", "semantics_queries", "unavailable_reason"]


def unavailable_reason() -> str | None:
    """Why the oracle cannot run here, or None when it can."""
    reason = oracle.unavailable_reason(HERE)
    return reason and reason.replace("npm install @kusto/language-service-next", "npm ci")


def analyze(requests: list[Request], workers: int | None = None) -> dict[str, Answer]:
    """Parse and analyze every request with Microsoft's analyzer."""
    return oracle.analyze(requests, HERE, workers)


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
