"""Regular expressions in queries are RE2's, as in Kusto: a pattern RE2 refuses (a lookaround, a
back-reference, an unclosed group) is an error when the query is compiled, at the pattern's
position, whatever the backend would have made of it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would also write each refusal to stderr


# A named group's opening, either spelling, not preceded by an odd run of backslashes (which
# would make the parenthesis text); `(?<=` and `(?<!` are lookbehinds, not names.
_NAMED_GROUP = re.compile(r"(?<!\\)((?:\\\\)*)\(\?P?<(?=[A-Za-z_])")


def with_named_groups(pattern: str, opening: str) -> str:
    """`pattern` with every named group opened by `opening`: `(?P<` or `(?<`."""
    return _NAMED_GROUP.sub(lambda found: found.group(1) + opening, pattern)


def canonical_regex(pattern: str) -> str:
    """`pattern` with named groups spelled `(?P<name>...)`: RE2 reads `(?<name>...)` too, but
    only since 2023, and the RE2 inside DuckDB is older. Backends whose engine wants the other
    spelling (Java's, on Spark) turn it back with `with_named_groups`."""
    return with_named_groups(pattern, "(?P<")


class RegexError(ValueError):
    """A pattern RE2 refuses; the message is RE2's reason."""


@dataclass(frozen=True)
class RegexGroups:
    """The capture groups of a valid pattern: how many, and the numbers of the named ones."""

    count: int
    named: dict[str, int]


@functools.lru_cache(maxsize=1024)
def regex_groups(pattern: str) -> RegexGroups:
    """The capture groups of `pattern`; RegexError when it is not a valid RE2 regex."""
    try:
        compiled = re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise RegexError(str(reason)) from None
    return RegexGroups(int(compiled.groups), dict(compiled.groupindex))
