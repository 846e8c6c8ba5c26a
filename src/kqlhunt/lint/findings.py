"""What `kqlhunt lint` reports: findings with a severity, a kind, a message and a position."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol


class FindingSeverity(enum.Enum):
    """How bad a finding is: an error breaks the rule in Sentinel or makes it wrong."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one rule file.

    `kind` is a stable short name (`unknown-technique`, `missing-column`) used for counts and
    filtering; `line` is the 1-based line of the rule file, or None for the file as a whole.
    """

    severity: FindingSeverity
    kind: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    rule_id: str | None = None

    @property
    def location(self) -> str:
        """`path:line[:column]`, as editors and CI annotations read it."""
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value} [{self.kind}] {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "kind": self.kind,
            "message": self.message,
            "rule_id": self.rule_id,
        }


class Emit(Protocol):
    """How checks report a finding of the file being linted: its 1-based line and column in
    that file, None when unknown."""

    def __call__(
        self,
        severity: FindingSeverity,
        kind: str,
        message: str,
        line: int | None,
        column: int | None = None,
    ) -> None: ...
