"""`externaldata`: a table read from files when the query is compiled.

kqlhunt runs without a network, so only local files are read: a path, or a `file://` address.
A rule can name any path, so reading is confined to the current folder and the folders listed
in the environment variable `KQLHUNT_EXTERNALDATA_DIRS` (separated as in `PATH`); anything
else is refused with an error naming the path.

Formats, from the `format` property or else the file's extension: `csv` (the default), `tsv`,
`scsv` (;), `psv` (|), `txt`/`raw` (each line one value of the first column), and `json` /
`multijson` (one object per line, or a JSON array of objects; columns are read by name).
`ignoreFirstRecord=true` skips a header line. Text values are converted to the column types
with Kusto's conversion rules (`tolong()`, `todatetime()`, ...); a `dynamic` column holds the
value as JSON, or as a string when it is not JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.relation import Relation, aliased
from kqlhunt.compiler.sqltypes import Typed, cast
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.scope import QueryContext
    from kqlhunt.compiler.tabular import TabularCompiler

ROOTS_VARIABLE = "KQLHUNT_EXTERNALDATA_DIRS"

_DELIMITERS = {"csv": ",", "tsv": "\t", "scsv": ";", "psv": "|", "sohsv": "\x01"}
_LINES = ("txt", "raw")
_JSON = ("json", "multijson", "singlejson")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".txt": "txt", ".json": "json", ".jsonl": "json"}


def external_data(tc: TabularCompiler, node: ast.ExternalData) -> Relation:
    context = tc.context
    properties = _properties(tc, node)
    columns = dict(node.columns)
    if not columns:
        raise context.error("externaldata needs at least one column", node.offset)
    records: list[list[Any]] = []
    for uri_node in node.uris:
        offset = uri_node.offset
        uri = _constant_text(tc, uri_node)
        path = _local_path(context, uri, offset)
        log_format = str(properties.get("format") or _EXTENSIONS.get(path.suffix.lower(), "csv"))
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise context.error(f"externaldata cannot read {path}: {error}", offset) from None
        ignore_first = properties.get("ignoreFirstRecord") is True
        found = _records(context, text, log_format.lower(), list(columns), ignore_first, offset)
        from_json = log_format.lower() in _JSON
        dynamic = [i for i, t in enumerate(columns.values()) if t is KqlType.DYNAMIC]
        for record in found:
            for i in dynamic:
                record[i] = _json_text(record[i], from_json)
        records += found

    names = [f"c{i}" for i in range(len(columns))]
    if not records:
        empty = exp.select(*(aliased(cast(exp.Null(), t), n) for n, t in columns.items()))
        return Relation(empty.where(exp.false()), columns)
    rows = [exp.Tuple(expressions=[_text_literal(v) for v in record]) for record in records]
    alias = exp.TableAlias(
        this=exp.to_identifier(context.fresh_alias()),
        columns=[exp.to_identifier(n) for n in names],
    )
    values = exp.Values(expressions=rows, alias=alias)
    projections = [
        aliased(_typed(exp.column(raw), kql_type).sql, name)
        for raw, (name, kql_type) in zip(names, columns.items(), strict=True)
    ]
    return Relation(exp.select(*projections).from_(values, copy=False), columns)


def _constant(tc: TabularCompiler, node: ast.Expr, what: str) -> object:
    """The value of a constant expression; `what` names it in the error when it is not one."""
    value = tc.scalar(Relation(exp.select(exp.Star()), {})).compile(node)
    if not value.is_constant:
        raise tc.context.error(f"{what} must be a constant", node.offset)
    return value.constant


def _constant_text(tc: TabularCompiler, node: ast.Expr) -> str:
    value = _constant(tc, node, "an externaldata storage address")
    if not isinstance(value, str):
        raise tc.context.error("an externaldata storage address must be a string", node.offset)
    return value


def _properties(tc: TabularCompiler, node: ast.ExternalData) -> dict[str, object]:
    return {
        name: _constant(tc, value, f"externaldata property {name}")
        for name, value in node.properties
    }


def _local_path(context: QueryContext, uri: str, offset: int) -> Path:
    """The file an address names, when it is local and inside an allowed folder."""
    parsed = urlparse(uri)
    if parsed.scheme in ("http", "https", "abfss", "wasbs", "adl"):
        raise context.unsupported(
            "externaldata from a remote address",
            offset,
            f"kqlhunt reads local files only: download {uri} and give its path",
        )
    raw = unquote(parsed.path) if parsed.scheme == "file" else uri.split(";")[0]
    path = Path(raw).expanduser()
    resolved = (Path.cwd() / path).resolve()
    roots = [
        Path.cwd(),
        *(Path(p) for p in os.environ.get(ROOTS_VARIABLE, "").split(os.pathsep) if p),
    ]
    if not any(resolved.is_relative_to(root.resolve()) for root in roots):
        raise context.error(
            f"externaldata reads only files under the current folder or the folders in "
            f"${ROOTS_VARIABLE}; {resolved} is outside them",
            offset,
        )
    if not resolved.is_file():
        raise context.error(f"externaldata: no file {resolved}", offset)
    return resolved


def _records(
    context: QueryContext,
    text: str,
    log_format: str,
    names: list[str],
    ignore_first: bool,
    offset: int,
) -> list[list[Any]]:
    """The file's records, each a list of one value (text, JSON value or None) per column."""
    width = len(names)
    if log_format in _LINES:
        lines = text.splitlines()[1 if ignore_first else 0 :]
        return [[line, *[None] * (width - 1)] for line in lines]
    if log_format in _JSON:
        return [
            [obj.get(n) if isinstance(obj, dict) else None for n in names]
            for obj in _objects(context, text, offset)
        ]
    delimiter = _DELIMITERS.get(log_format)
    if delimiter is None:
        raise context.unsupported(f"the externaldata format '{log_format}'", offset)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records = [row for row in reader if row]
    if ignore_first:
        records = records[1:]
    return [(row + [None] * width)[:width] for row in records]


def _objects(context: QueryContext, text: str, offset: int) -> list[Any]:
    stripped = text.strip()
    try:
        if stripped.startswith("["):
            whole = json.loads(stripped)
            return whole if isinstance(whole, list) else [whole]
        return [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        message = f"externaldata: invalid JSON at line {error.lineno}: {error.msg}"
        raise context.error(message, offset) from None


def _json_text(value: Any, parsed: bool) -> str | None:
    """A `dynamic` cell as JSON text: a JSON file's value as it is; a text file's value parsed
    as JSON when it is JSON, else kept as a string."""
    if value is None or (not parsed and value == ""):
        return None
    if not parsed:
        try:
            json.loads(value)
            return str(value)
        except json.JSONDecodeError:
            pass
    return json.dumps(value)


def _text_literal(value: Any) -> exp.Expr:
    """A cell as text: strings as they are, other JSON values as JSON, nothing as NULL."""
    if value is None:
        return exp.Null()
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.string(json.dumps(value))


def _typed(raw: exp.Expr, kql_type: KqlType) -> Typed:
    """A column of text as `kql_type`, converted as Kusto converts text (a string column
    holds "" where the file has no value)."""
    if kql_type is KqlType.STRING:
        return Typed(exp.Coalesce(this=raw, expressions=[exp.Literal.string("")]), kql_type)
    return convert(Typed(raw, KqlType.STRING), kql_type)
