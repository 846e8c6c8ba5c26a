"""The exceptions kqlhunt raises. Rendering belongs to the CLI; these only carry the facts."""

from __future__ import annotations

import copy
from dataclasses import dataclass


class KqlHuntError(Exception):
    """Root of every error kqlhunt raises on purpose."""


@dataclass(frozen=True)
class SourcePosition:
    """A place in a KQL text: 1-based line and column, and the text of that line."""

    line: int
    column: int
    line_text: str
    source_name: str = "<query>"

    def caret(self, width: int = 1) -> str:
        """The offending line with a caret under the position, for error messages."""
        return f"    {self.line_text}\n    {' ' * (self.column - 1)}{'^' * max(width, 1)}"


class KqlError(KqlHuntError):
    """An error tied to a position in a KQL query."""

    def __init__(self, message: str, position: SourcePosition | None = None) -> None:
        self.message = message
        self.position = position
        super().__init__(self.__str__())

    def at(self, position: SourcePosition | None) -> KqlError:
        """The same error placed elsewhere, e.g. at its line in a rule file."""
        moved = copy.copy(self)
        moved.position = position
        moved.args = (str(moved),)
        return moved

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        p = self.position
        return f"{p.source_name}, line {p.line}, col {p.column}: {self.message}\n{p.caret()}"


class KqlSyntaxError(KqlError):
    """The query text is not valid KQL."""


class UnsupportedKqlError(KqlError):
    """Valid KQL that kqlhunt does not run yet; names the construct."""

    def __init__(
        self, construct: str, position: SourcePosition | None = None, detail: str = ""
    ) -> None:
        self.construct = construct
        message = f"{construct} is not supported by kqlhunt yet"
        if detail:
            message += f" ({detail})"
        super().__init__(message, position)


class KqlSemanticError(KqlError):
    """Valid KQL that cannot run: an unknown table or column, a type mismatch, a bad argument."""


class BackendError(KqlHuntError):
    """The execution engine rejected or failed a compiled query."""


class NormalizationError(KqlHuntError):
    """A log record could not be read or normalized; names the file and the record."""

    def __init__(self, path: str, position: str, reason: str) -> None:
        self.path = path
        self.position = position
        self.reason = reason
        super().__init__(f"{path}: {position}: {reason}")


class RuleError(KqlHuntError):
    """A rule file could not be loaded."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
