"""`kqlhunt lint`: check rule files against Sentinel's format, ATT&CK, and their own query.

>>> from kqlhunt.lint import lint_paths
>>> from kqlhunt.rules import bundled_rules_dir
>>> [f.kind for f in lint_paths([bundled_rules_dir()]).findings]
[]
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kqlhunt import yaml_loader
from kqlhunt.errors import RuleError
from kqlhunt.lint.fields import check_fields
from kqlhunt.lint.findings import Finding, FindingSeverity
from kqlhunt.lint.positions import YamlDocument
from kqlhunt.lint.query import LOCAL_TABLES, check_query
from kqlhunt.rules.loader import RULE_SUFFIXES
from kqlhunt.rules.parse import parse_kql_file, parse_rule
from kqlhunt.types import KqlType

ERROR, WARNING, INFO = FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO


@dataclass
class LintReport:
    """The findings over a set of rule files, in file order."""

    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is ERROR]

    def counts(self) -> Counter[tuple[str, str]]:
        """How many findings of each (severity, kind)."""
        return Counter((f.severity.value, f.kind) for f in self.findings)

    def files_with(self, severity: FindingSeverity) -> int:
        return len({f.path for f in self.findings if f.severity is severity})


def lint_file(
    path: str, tables: Mapping[str, Mapping[str, KqlType]] = LOCAL_TABLES
) -> list[Finding]:
    """Every finding in one rule file (`.yaml`, `.yml` or `.kql`).

    Args:
        path: The rule file.
        tables: The table schemas a query may read; others are reported as not local.
    """
    findings: list[Finding] = []
    rule_id: list[str | None] = [None]

    def emit(
        severity: FindingSeverity,
        kind: str,
        message: str,
        line: int | None,
        column: int | None = None,
    ) -> None:
        findings.append(Finding(severity, kind, message, path, line, column, rule_id[0]))

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        emit(ERROR, "unreadable", f"cannot read the file: {exc}", None)
        return findings

    if path.lower().endswith(".kql"):
        try:
            check_query(parse_kql_file(text, path), None, emit, tables)
        except RuleError as exc:
            emit(ERROR, "not-loadable", exc.reason, None)
        return findings

    try:
        doc = YamlDocument(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        emit(ERROR, "invalid-yaml", str(getattr(exc, "problem", None) or exc), line)
        return findings
    if not isinstance(doc.data, dict):
        emit(ERROR, "invalid-yaml", "the file is not a YAML mapping of rule fields", None)
        return findings

    raw_id = doc.data.get("id")
    rule_id[0] = raw_id.strip() if isinstance(raw_id, str) else None
    # A hunting query has no schedule; some published ones still carry a `kind`.
    unscheduled = not any(doc.data.get(k) is not None for k in ("queryFrequency", "queryPeriod"))
    is_hunting = unscheduled and ("kind" not in doc.data or "hunting" in path.lower())
    check_fields(doc, is_hunting, emit)

    try:
        rule = parse_rule(text, path)
    except RuleError as exc:
        if not any(f.severity is ERROR for f in findings):
            emit(ERROR, "not-loadable", exc.reason, None)
        return findings
    check_query(rule, doc, emit, tables)
    return findings


def lint_paths(
    paths: Iterable[str | os.PathLike[str]],
    tables: Mapping[str, Mapping[str, KqlType]] = LOCAL_TABLES,
) -> LintReport:
    """Lint rule files and every rule file below folders, and report ids used twice."""
    report = LintReport()
    first_seen: dict[str, str] = {}
    for path in _files(paths, report):
        report.files += 1
        findings = lint_file(path, tables)
        report.findings.extend(findings)
        rule_id = next((f.rule_id for f in findings if f.rule_id), None) or _raw_id(path)
        if rule_id is None:
            continue
        key = rule_id.lower()
        if key in first_seen:
            message = f"id {rule_id} is also the id of {first_seen[key]}"
            report.findings.append(
                Finding(WARNING, "duplicate-id", message, path, None, None, rule_id)
            )
        else:
            first_seen[key] = path
    return report


def _raw_id(path: str) -> str | None:
    if path.lower().endswith(".kql"):
        return None
    try:
        data = yaml_loader.load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _files(paths: Iterable[str | os.PathLike[str]], report: LintReport) -> list[str]:
    files: list[str] = []
    for path in paths:
        name = os.fspath(path)
        if os.path.isdir(name):
            found = [p for p in Path(name).rglob("*") if p.suffix.lower() in RULE_SUFFIXES]
            files.extend(str(p) for p in sorted(found) if p.is_file())
        elif os.path.exists(name):
            files.append(name)
        else:
            report.findings.append(Finding(ERROR, "unreadable", "no such file or directory", name))
    return files


__all__ = ["Finding", "FindingSeverity", "LintReport", "lint_file", "lint_paths"]
