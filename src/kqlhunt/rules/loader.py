"""Find rule files, load each one, and collect the failures instead of stopping at the first."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from kqlhunt.errors import RuleError
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.rules.parse import parse_kql_file, parse_rule

logger = logging.getLogger(__name__)

RULE_SUFFIXES = (".yaml", ".yml", ".kql")

StrPath = Union[str, "os.PathLike[str]"]


@dataclass
class RuleSet:
    """The rules that loaded, and one `RuleError` per file that did not."""

    rules: list[AnalyticRule] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)

    def __iter__(self) -> Iterator[AnalyticRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> AnalyticRule | None:
        """The first rule with this id (ids compare case-insensitively, as GUIDs do)."""
        wanted = rule_id.strip().lower()
        return next((r for r in self.rules if r.id.lower() == wanted), None)


def load_rule(path: StrPath) -> AnalyticRule:
    """Load one rule file.

    Args:
        path: A `.yaml` or `.yml` Sentinel analytic rule or hunting query, or a `.kql`
            file of one query (loaded as a hunting query named after the file).

    Returns:
        The rule, with `path` set to `str(path)`.

    Raises:
        RuleError: The file cannot be read or is not a valid rule.
    """
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleError(name, f"not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise RuleError(name, f"cannot read the file: {exc.strerror or exc}") from exc
    if name.lower().endswith(".kql"):
        return parse_kql_file(text, name)
    return parse_rule(text, name)


def load_rules(paths: StrPath | Iterable[StrPath]) -> RuleSet:
    """Load rule files and every rule file below directories, in a stable order.

    Directories are searched recursively for `.yaml`, `.yml` and `.kql` files. A file that fails
    to load adds a `RuleError` to the result and the others still load.

    Args:
        paths: One path or several, each a rule file or a directory.

    Returns:
        The loaded rules and the errors, both in path order.

    Example:
        >>> from kqlhunt.rules import bundled_rules_dir, load_rules
        >>> ruleset = load_rules(bundled_rules_dir())
        >>> ruleset.errors
        []
    """
    ruleset = RuleSet()
    for path in _rule_files(_as_list(paths), ruleset.errors):
        try:
            ruleset.rules.append(load_rule(path))
        except RuleError as exc:
            logger.debug("rule file rejected: %s", exc)
            ruleset.errors.append(exc)

    logger.debug("loaded %d rules, %d files failed", len(ruleset.rules), len(ruleset.errors))
    return ruleset


def bundled_rules_dir() -> Path:
    """The folder of rules shipped with kqlhunt."""
    return Path(__file__).resolve().parent / "bundled"


def _as_list(paths: StrPath | Iterable[StrPath]) -> list[StrPath]:
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def _rule_files(paths: list[StrPath], errors: list[RuleError]) -> Iterator[str]:
    for path in paths:
        name = os.fspath(path)
        if os.path.isdir(name):
            found = [
                p
                for p in Path(name).rglob("*")
                if p.suffix.lower() in RULE_SUFFIXES and p.is_file()
            ]
            yield from (str(p) for p in sorted(found))
        elif os.path.exists(name):
            yield name
        else:
            errors.append(RuleError(name, "no such file or directory"))
