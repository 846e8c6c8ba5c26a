"""Query checks: the query parses and compiles against the tables kqlhunt knows, and every
column that entity mappings, custom details and the alert details override name is one the
query really produces."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Final

from kqlhunt.compiler import compile_query
from kqlhunt.errors import (
    KqlError,
    KqlSemanticError,
    KqlSyntaxError,
    SourcePosition,
    UnsupportedKqlError,
)
from kqlhunt.kql.references import tables_read
from kqlhunt.lint.findings import Emit, FindingSeverity
from kqlhunt.lint.positions import YamlDocument
from kqlhunt.normalize.tables import table_schemas
from kqlhunt.rules.model import AnalyticRule
from kqlhunt.types import KqlType

ERROR, WARNING, INFO = FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO

# Every table queries can read: the tables kqlhunt fills, those it knows but no source fills
# yet, and every ASIM name (the non-creation process parsers, `imProcess` and
# `imProcessEvent`, also return terminations in Sentinel; for a compile check the schema is
# what matters, and it is the same).
LOCAL_TABLES: Final[dict[str, Mapping[str, KqlType]]] = dict(table_schemas())

# A fixed instant, so compiling never depends on the clock.
LINT_NOW: Final = datetime(2026, 1, 1, tzinfo=timezone.utc)

_UNKNOWN_TABLE = re.compile(r"unknown table '([^']+)'")
_UNKNOWN_WATCHLIST = re.compile(r"unknown watchlist '([^']+)'")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def check_query(
    rule: AnalyticRule,
    doc: YamlDocument | None,
    emit: Emit,
    tables: Mapping[str, Mapping[str, KqlType]] = LOCAL_TABLES,
) -> dict[str, KqlType] | None:
    """Compile the rule's query and check the columns its other fields name.

    Returns:
        The result columns, or None when the query could not be compiled here.
    """
    try:
        compiled = compile_query(rule.query, tables, now=LINT_NOW, source_name=rule.path)
    except KqlError as error:
        _report_query_error(rule, doc, error, emit)
        return None
    columns = dict(compiled.columns)
    read = tables_read(rule.query, tables) - {"_GetWatchlist"}
    missing = sorted(t for t in read if t not in tables)
    if missing:  # a fuzzy union left them out: their columns are not in the result here
        message = f"table {missing[0]} is not available locally; columns not checked"
        emit(INFO, "table-not-local", message, rule.file_line(1), None)
        return None
    if doc is not None:
        check_columns(rule, doc, set(columns), emit)
    return columns


def _report_query_error(
    rule: AnalyticRule, doc: YamlDocument | None, error: KqlError, emit: Emit
) -> None:
    line, column = _file_position(rule, doc, error.position)
    if isinstance(error, KqlSyntaxError):
        emit(ERROR, "query-syntax", error.message, line, column)
    elif isinstance(error, UnsupportedKqlError):
        message = f"not compiled here: {error.message}"
        emit(INFO, "query-unsupported", message, line, column)
    elif isinstance(error, KqlSemanticError) and (found := _UNKNOWN_TABLE.search(error.message)):
        message = f"table {found.group(1)} is not available locally; columns not checked"
        emit(INFO, "table-not-local", message, line, column)
    elif isinstance(error, KqlSemanticError) and (
        found := _UNKNOWN_WATCHLIST.search(error.message)
    ):
        message = f"watchlist {found.group(1)} is not loaded (--watchlists); columns not checked"
        emit(INFO, "watchlist-not-local", message, line, column)
    else:
        emit(ERROR, "query-compile", error.message, line, column)


def _file_position(
    rule: AnalyticRule, doc: YamlDocument | None, position: SourcePosition | None
) -> tuple[int | None, int | None]:
    """Where a position in the rule's query stands in the rule file: line and column. A
    `.kql` file (no YAML document) is the query itself."""
    if position is None:
        return None, None
    return rule.file_position(position.line, position.column)


def check_columns(rule: AnalyticRule, doc: YamlDocument, columns: set[str], emit: Emit) -> None:
    """Report every column named by the rule's mappings that the result does not have."""
    produced = ", ".join(sorted(columns))
    for index, mapping in enumerate(rule.entity_mappings):
        if mapping.implicit:
            continue
        for position, field in enumerate(mapping.field_mappings):
            if field.column_name not in columns:
                line = doc.line("entityMappings", index, "fieldMappings", position, "columnName")
                message = (
                    f"entity {mapping.entity_type}.{field.identifier} names column "
                    f"'{field.column_name}', which the query does not produce ({produced})"
                )
                emit(ERROR, "missing-column", message, line)
    for key, column in rule.custom_details:
        if column not in columns:
            message = (
                f"custom detail {key} names column '{column}', "
                f"which the query does not produce ({produced})"
            )
            emit(ERROR, "missing-column", message, doc.line("customDetails", key))

    override = rule.alert_details_override
    if override is None:
        return
    named: list[tuple[str, str]] = []
    for key, template in (
        ("alertDisplayNameFormat", override.display_name_format),
        ("alertDescriptionFormat", override.description_format),
    ):
        named.extend((key, name) for name in _PLACEHOLDER.findall(template or ""))
    for key, named_column in (
        ("alertTacticsColumnName", override.tactics_column),
        ("alertSeverityColumnName", override.severity_column),
        ("alertTechniquesColumnName", override.techniques_column),
    ):
        if named_column:
            named.append((key, named_column))
    named.extend(("alertDynamicProperties", column) for _, column in override.dynamic_properties)
    for key, column in named:
        if column not in columns:
            message = (
                f"alertDetailsOverride {key} names column '{column}', "
                f"which the query does not produce"
            )
            emit(ERROR, "missing-column", message, doc.line("alertDetailsOverride", key))
