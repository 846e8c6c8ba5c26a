"""The main job end to end: the shipped rule over the shipped samples and over real public logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kqlhunt.errors import KqlError
from kqlhunt.hunt import hunt
from kqlhunt.normalize import read_logs
from kqlhunt.rules import parse_rule
from kqlhunt.rules.loader import bundled_rules_dir, load_rules
from kqlhunt.samples import LABELS, sample_logs, samples_dir
from tests.conftest import PINNED_NOW

FIRST_RULE_ID = "a2b58512-1298-4a25-a4c7-88ddfed78b0d"


def _labels() -> dict[str, object]:
    labels: dict[str, object] = json.loads((samples_dir() / LABELS).read_text(encoding="utf-8"))
    return labels


def test_samples_raise_exactly_the_labelled_alerts() -> None:
    rules = load_rules([bundled_rules_dir()])
    logs = read_logs(sample_logs())

    (outcome,) = [o for o in hunt(rules, logs.tables.values(), now=PINNED_NOW)]

    assert outcome.ok and not outcome.warnings
    raised = {
        (a.row["EventOriginalUid"], json.dumps([e.to_json() for e in a.entities], sort_keys=True))
        for a in outcome.alerts
    }
    positives = _labels()["positives"]
    assert isinstance(positives, list)
    expected = {
        (str(p["record_id"]), json.dumps(p["entities"], sort_keys=True))
        for p in positives
        if p["rule_id"] == FIRST_RULE_ID
    }
    assert raised == expected
    assert len(outcome.alerts) == len(expected)


def test_alerts_carry_the_rule_metadata_and_no_blank_entities() -> None:
    rules = load_rules([bundled_rules_dir()])
    logs = read_logs(sample_logs())

    (outcome,) = hunt(rules, logs.tables.values(), now=PINNED_NOW)

    for alert in outcome.alerts:
        assert alert.rule_id == FIRST_RULE_ID
        assert alert.tactics == ("Exfiltration",)
        assert alert.techniques == ("T1011",)
        assert alert.time is not None and alert.time.tzinfo is not None
        # Windows process events carry no device address: the IP entity is left out.
        assert [e.entity_type for e in alert.entities] == ["Account", "Host"]
        assert all(v not in ("", "-") for e in alert.entities for v in e.identifiers.values())


def test_a_broken_rule_does_not_stop_the_others(tmp_path: Path) -> None:
    good = load_rules([bundled_rules_dir()]).rules[0]
    broken = parse_rule(
        "id: 5e1c3a4b-0000-4000-8000-000000000001\nname: Broken\nquery: |\n"
        "  imProcessCreate\n  | where CommandLine hass 'x'\n",
        str(tmp_path / "broken.yaml"),
    )
    logs = read_logs(sample_logs())

    first, second = hunt([broken, good], logs.tables.values(), now=PINNED_NOW)

    assert isinstance(first.error, KqlError) and first.error.position is not None
    assert first.error.position.source_name.endswith("broken.yaml")
    assert first.error.position.line == 5  # the file line, not the query line
    assert second.ok and len(second.alerts) == 4


@pytest.mark.corpus
def test_public_logs_raise_no_alert_from_the_first_rule(corpus: Path) -> None:
    rules = load_rules([bundled_rules_dir()])
    logs = read_logs([corpus])

    (outcome,) = hunt(rules, logs.tables.values(), now=PINNED_NOW)

    assert outcome.ok
    assert outcome.alerts == []
    assert logs.stats.process_events > 3000


def test_compiled_queries_are_reused_until_the_clock_moves() -> None:
    from datetime import timedelta

    from kqlhunt.engine import Engine

    engine = Engine(now=PINNED_NOW)
    first = engine.compile("print t = ago(1h)")

    assert engine.compile("print t = ago(1h)") is first
    engine.now = PINNED_NOW + timedelta(days=1)
    assert engine.query("print t = ago(1h)").rows[0][0] == PINNED_NOW + timedelta(hours=23)


def test_plain_hunt_alerts_carry_the_rule_description_and_version() -> None:
    rules = load_rules([bundled_rules_dir()])
    (outcome,) = hunt(rules, read_logs(sample_logs()).tables.values(), now=PINNED_NOW)

    assert all(a.rule_version == "1.0.0" for a in outcome.alerts)
    assert all("reverse" in a.description for a in outcome.alerts)
