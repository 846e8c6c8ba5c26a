"""One query, judged by kqlhunt and by Microsoft's analyzer: acceptance first, then columns."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timezone

from kqlhunt.compiler import CompiledQuery, compile_query
from kqlhunt.errors import KqlError, KqlSyntaxError
from kqlhunt.kql.parser import parse_query
from kqlhunt.parity.oracle import Answer, Request
from kqlhunt.types import KqlType

# A fixed instant, so that compiling never depends on the clock.
PARITY_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

# The analyzer's message for a name it was not given; the tests and the rule corpus read
# tables that kqlhunt was not told of, which is no fault of the query's.
_UNKNOWN_NAME = "does not refer to any known"


class VerdictKind(enum.Enum):
    AGREE = "agree"  # both accept (columns not compared) or both reject
    COLUMNS_AGREE = "columns agree"
    PARSE = "parse"  # one accepts what the other rejects
    COLUMNS = "columns"  # both accept; the result columns differ
    NOT_COMPARED = "not compared"  # the analyzer infers columns; kqlhunt cannot compile


@dataclass(frozen=True)
class Verdict:
    """How kqlhunt and the analyzer compare on one query; `problem` is empty when they agree."""

    kind: VerdictKind
    problem: str = ""
    note: str = ""  # why columns were not compared


def schemas(request: Request) -> dict[str, dict[str, KqlType]]:
    """The request's tables as kqlhunt schemas."""
    return {
        name: {column: KqlType.from_name(type_name) for column, type_name in columns}
        for name, columns in request.tables.items()
    }


def analyzer_rejects(answer: Answer) -> bool:
    """The analyzer rejects a query with a syntax error, or with an error that is not about a
    name it was not told of."""
    return bool(answer.syntax_errors) or any(_UNKNOWN_NAME not in e for e in answer.errors)


def compare(
    request: Request,
    answer: Answer,
    compiled: CompiledQuery | KqlError | None = None,
    now: datetime = PARITY_NOW,
) -> Verdict:
    """Compare kqlhunt with the analyzer on one request.

    Acceptance disagrees when kqlhunt parses what the analyzer finds a syntax error in, or
    refuses as a syntax error what the analyzer finds no fault with. (kqlhunt's parser also
    rejects some things the analyzer reports only as semantic errors, e.g. an unknown join
    kind: both reject.) Where both accept and the analyzer infers the result columns without
    error, kqlhunt's compiled columns must be the same names and types, in the same order.

    Args:
        compiled: the query compiled against the request's tables, or the error compiling it
            raised, when the caller has it already; compiled here when None.
    """
    try:
        parse_query(request.query, request.id)
        we_accept, ours = True, ""
    except KqlSyntaxError as error:
        we_accept, ours = False, error.message
    except KqlError:
        we_accept, ours = True, ""  # valid KQL, refused by name or found wrong past syntax
    if (we_accept and answer.syntax_errors) or (not we_accept and not analyzer_rejects(answer)):
        theirs = (
            "accepts" if not answer.syntax_errors else "rejects: " + "; ".join(answer.syntax_errors)
        )
        return Verdict(
            VerdictKind.PARSE,
            f"analyzer {theirs}, kqlhunt {'accepts' if we_accept else 'rejects: ' + ours}",
        )
    if not we_accept or answer.errors or answer.columns is None:
        return Verdict(VerdictKind.AGREE)
    if any(type_name == "unknown" for _, type_name in answer.columns):
        # e.g. the legs of a fuzzy union that read tables neither side holds
        return Verdict(VerdictKind.NOT_COMPARED, note="the analyzer could not type every column")
    if compiled is None:
        try:
            compiled = compile_query(request.query, schemas(request), now=now)
        except KqlError as error:
            compiled = error
    if isinstance(compiled, KqlError):
        return Verdict(VerdictKind.NOT_COMPARED, note=compiled.message)
    ours_columns = [(name, kql_type.value) for name, kql_type in compiled.columns.items()]
    if ours_columns != answer.columns:
        return Verdict(VerdictKind.COLUMNS, f"analyzer {answer.columns}, kqlhunt {ours_columns}")
    return Verdict(VerdictKind.COLUMNS_AGREE)
