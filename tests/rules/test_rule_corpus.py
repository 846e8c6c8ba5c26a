"""Load every rule of the public Sentinel rule corpus.

The corpus lives outside the repository (`../shared/corpus/sentinel-rules`, or the folder
named by `KQLHUNT_SENTINEL_RULES`); these tests skip when it is absent.

What counts: every `.yaml`/`.yml` file except those without a top-level `query` key.
Those are not rules but content-migration stubs (Sentinel left them behind when rules
moved to solutions); the loader still reports them as errors, and a test checks that.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kqlhunt.rules import RuleSet, load_rules

pytestmark = pytest.mark.corpus

CORPUS = Path(
    os.environ.get(
        "KQLHUNT_SENTINEL_RULES",
        Path(__file__).resolve().parents[3] / "shared" / "corpus" / "sentinel-rules",
    )
)

# Files that are rules but break Sentinel's own format (an unknown severity, no id,
# an entity mapping without a type); loading them must fail, and the share must stay small.
MAX_FAILURE_SHARE = 0.01


@pytest.fixture(scope="module")
def corpus() -> RuleSet:
    if not CORPUS.is_dir():
        pytest.skip(f"Sentinel rule corpus not found at {CORPUS}")
    return load_rules(CORPUS)


def _is_stub(path: str) -> bool:
    with open(path, encoding="utf-8-sig") as handle:
        data = yaml.safe_load(handle)
    return isinstance(data, dict) and "query" not in data


def test_almost_every_rule_loads(corpus: RuleSet) -> None:
    failures = [e for e in corpus.errors if not _is_stub(e.path)]
    considered = len(corpus.rules) + len(failures)
    summary = Counter(e.reason.split(": ", 1)[-1].split(",")[0] for e in failures)
    assert considered > 2000
    assert len(failures) <= MAX_FAILURE_SHARE * considered, summary


def test_stubs_fail_for_their_missing_query(corpus: RuleSet) -> None:
    stubs = [e for e in corpus.errors if _is_stub(e.path)]
    assert all(e.reason == "missing required field 'query'" for e in stubs)


def test_query_line_points_at_the_query_text(corpus: RuleSet) -> None:
    misplaced = []
    for rule in corpus.rules:
        first = next((n for n, s in enumerate(rule.query.splitlines(), 1) if s.strip()), None)
        if first is None:
            continue
        # Only the first word: a plain or folded scalar joins its lines into one.
        expected = rule.query.splitlines()[first - 1].split()[0]
        file_lines = Path(rule.path).read_text(encoding="utf-8-sig").splitlines()
        actual = file_lines[rule.file_line(first) - 1]
        if expected not in actual:
            misplaced.append(rule.path)
    assert misplaced == []


def test_ids_and_kinds(corpus: RuleSet) -> None:
    kinds = Counter(rule.kind.value for rule in corpus.rules)
    assert set(kinds) == {"Scheduled", "NRT", "Hunting"}
    assert all(rule.id for rule in corpus.rules)
