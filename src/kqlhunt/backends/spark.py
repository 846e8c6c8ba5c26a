"""Apache Spark: the same compiled queries, for data too large for one machine.

The compiler's SQL tree is backend-neutral; this module only renders it for Spark SQL. A few
generic functions the compiler names have a different spelling or meaning in Spark, and are
rewritten here (`REWRITES`). Dynamic values travel as JSON text, as Spark has no JSON type.

The master URL comes from the `master` argument or `KQLHUNT_SPARK_MASTER` (default
`local[*]`); any `spark.*` setting can be passed in `config`.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa
from sqlglot import exp

from kqlhunt.backends.base import to_result
from kqlhunt.catalog import FileColumns, TableData
from kqlhunt.command_line import PARSE_COMMAND_LINE_FUNCTION
from kqlhunt.compiler import CompiledQuery
from kqlhunt.compiler.regex import with_named_groups
from kqlhunt.errors import BackendError, UnsupportedKqlError
from kqlhunt.result import QueryResult
from kqlhunt.types import KqlType
from kqlhunt.xml_json import PARSE_XML_FUNCTION

log = logging.getLogger(__name__)

DEFAULT_CONFIG = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "2g",
    "spark.sql.ansi.enabled": "false",  # Kusto's conversions yield null, not an error
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.variable.substitute": "false",  # ${x} in a rule's string is text, not a variable
}
# Settings the compiled SQL's meaning depends on: a user's settings may not change them.
SEMANTIC_CONFIG = frozenset(
    {"spark.sql.session.timeZone", "spark.sql.ansi.enabled", "spark.sql.variable.substitute"}
)


def _anonymous(name: str, node: exp.Anonymous) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=node.expressions)


def _trunc(node: exp.Anonymous) -> exp.Expr:
    """Numeric truncation toward zero (Spark's TRUNC truncates dates)."""
    value = node.expressions[0]
    negative = exp.LT(this=exp.paren(value.copy()), expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=negative, true=exp.Ceil(this=value.copy()))]).else_(
        exp.Floor(this=value.copy())
    )


REWRITES: dict[str, Callable[[exp.Anonymous], exp.Expr]] = {
    "TRUNC": _trunc,
    "JSON_EXTRACT_STRING": lambda n: _anonymous("GET_JSON_OBJECT", n),
    "LIST_SLICE": lambda n: _anonymous("SLICE", n),
    "LIST_HAS_ANY": lambda n: _anonymous("ARRAYS_OVERLAP", n),
}

# Generic functions the compiler names for which Spark SQL has no equivalent yet (mostly the
# list and JSON functions behind dynamic values). A query needing one is refused by name.
SPARK_MISSING = frozenset(
    {
        "LIST_TRANSFORM", "LIST_POSITION", "LIST_SORT", "LIST_REVERSE", "LIST_REDUCE",
        "LIST_PREPEND", "LIST_EXTRACT", "JSON_TYPE", "JSON_OBJECT", "JSON_ARRAY",
        "JSON_ARRAY_LENGTH", "JSON_MERGE_PATCH", "JSON_EXTRACT", "STR_SPLIT", "FLATTEN",
        "CHR", PARSE_XML_FUNCTION, PARSE_COMMAND_LINE_FUNCTION,
    }
)  # fmt: skip

# strftime directives the compiler uses, in Java's DateTimeFormatter spelling.
_JAVA_FORMATS = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss"}


def _java_format(strftime: str) -> str:
    out: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(strftime):
        directive = strftime[i : i + 2]
        if directive in _JAVA_FORMATS:
            if literal:
                out.append("'" + "".join(literal).replace("'", "''") + "'")
                literal = []
            out.append(_JAVA_FORMATS[directive])
            i += 2
        elif strftime[i] in "-:. /":
            out.append(strftime[i])
            i += 1
        else:
            literal.append(strftime[i])
            i += 1
    if literal:
        out.append("'" + "".join(literal) + "'")
    return "".join(out)


def _java_replacement(rewrite: str) -> str:
    """RE2 rewrites name groups as a backslash and a digit; Java as a dollar and a digit, and a
    literal dollar must be escaped. A doubled backslash is a literal backslash in both."""
    out: list[str] = []
    i = 0
    while i < len(rewrite):
        pair = rewrite[i : i + 2]
        if len(pair) == 2 and pair[0] == "\\" and (pair[1].isdigit() or pair[1] == "\\"):
            out.append("$" + pair[1] if pair[1].isdigit() else pair)
            i += 2
            continue
        out.append("\\$" if rewrite[i] == "$" else rewrite[i])
        i += 1
    return "".join(out)


_REGEX_FUNCTIONS = (
    exp.RegexpLike,
    exp.RegexpILike,
    exp.RegexpExtract,
    exp.RegexpExtractAll,
    exp.RegexpReplace,
    exp.RegexpCount,
    exp.RegexpSplit,
)


def _java_regex(node: exp.Expr) -> None:
    """Named groups as Java spells them, `(?<name>...)`; the compiler writes RE2's `(?P<`."""
    pattern = node.args.get("expression")
    if isinstance(pattern, exp.Literal) and pattern.is_string and "(?P<" in pattern.this:
        java = with_named_groups(pattern.this, "(?<")
        node.set("expression", exp.Literal.string(java))


def _rewrite(node: exp.Expr) -> exp.Expr:
    if isinstance(node, _REGEX_FUNCTIONS):
        _java_regex(node)
    if isinstance(node, exp.RegexpReplace):
        replacement = node.args.get("replacement")
        if isinstance(replacement, exp.Literal) and replacement.is_string:
            node.set("replacement", exp.Literal.string(_java_replacement(replacement.this)))
        return node
    if isinstance(node, exp.Anonymous) and str(node.this).upper() in REWRITES:
        return REWRITES[str(node.this).upper()](node)
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON):
        inner: exp.Expr = node.this  # dynamic values are JSON text already
        return inner
    if isinstance(node, exp.DataType) and node.is_type(exp.DataType.Type.JSON):
        return exp.DataType.build("STRING")
    if isinstance(node, exp.TimeToStr):
        fmt = node.args["format"]
        java = _java_format(fmt.this if isinstance(fmt, exp.Literal) else str(fmt))
        return exp.Anonymous(this="DATE_FORMAT", expressions=[node.this, exp.Literal.string(java)])
    return node


def view_name(table: str) -> str:
    """Spark view names are plain identifiers: `watchlist:Admins` becomes `watchlist_Admins`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", table)


def _is_array_aggregate(node: exp.Expr) -> bool:
    inner = node.this if isinstance(node, exp.Coalesce) else node
    if isinstance(inner, exp.Anonymous) and str(inner.this).upper() == "LIST_SLICE":
        inner = inner.expressions[0]
        inner = inner.this if isinstance(inner, exp.Coalesce) else inner
    if isinstance(inner, exp.Filter):
        inner = inner.this
    return isinstance(inner, exp.ArrayAgg | exp.ArrayUniqueAgg)


def _refuse_what_spark_cannot_express(tree: exp.Expr) -> None:
    """Refuse, by name, the constructs whose Spark rendering would not give Kusto's answer.

    Spark has no JSON type: dynamic values are text there, so only JSON text that passes
    through unchanged, and arrays built by make_set/make_list, are rendered; computing on
    dynamic values (property access, parse_json, pack_array...) is a gap on Spark.
    """

    def refuse(construct: str) -> UnsupportedKqlError:
        return UnsupportedKqlError(
            construct, detail="not yet rendered for Spark; the DuckDB backend runs it"
        )

    for node in tree.walk():
        if isinstance(node, exp.Anonymous):
            name = str(node.this).upper()
            if name in SPARK_MISSING:
                raise refuse(f"the SQL function {name} on the Spark backend")
            if name == "TO_JSON" and not _is_array_aggregate(node.expressions[0]):
                raise refuse("computing dynamic values on the Spark backend")
        elif isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON):
            operand = node.this
            literal = isinstance(operand, exp.Literal | exp.Null)
            if not literal and not isinstance(operand, exp.Anonymous):
                raise refuse("computing dynamic values on the Spark backend")
        elif isinstance(node, exp.JSONExtract | exp.JSONExtractScalar):
            raise refuse("dynamic property access on the Spark backend")
        elif isinstance(node, exp.Quantile | exp.PercentileCont | exp.PercentileDisc):
            raise refuse("percentiles on the Spark backend (it interpolates)")


def spark_sql(query: CompiledQuery) -> str:
    """The compiled query in Spark SQL.

    Raises:
        UnsupportedKqlError: the query needs a function Spark SQL lacks (`SPARK_MISSING`).
    """
    tree = query.sql.copy()
    _refuse_what_spark_cannot_express(tree)
    # Children before parents, so a rewritten node's arguments are rewritten too.
    for node in reversed(list(tree.walk())):
        if isinstance(node, exp.Table):
            replacement: exp.Expr = exp.Table(
                this=exp.to_identifier(view_name(node.name), quoted=True)
            )
        else:
            replacement = _rewrite(node)
        if replacement is not node:
            node.replace(replacement)
    return tree.sql(dialect="spark", copy=False)  # the tree is a copy already


def _naive_utc(table: pa.Table) -> pa.Table:
    fields = [
        pa.field(f.name, pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def spark_session(master: str | None = None, config: dict[str, str] | None = None) -> Any:
    """The Spark session of this process with kqlhunt's settings, created on first use.

    Args:
        master: the master URL; by default `KQLHUNT_SPARK_MASTER`, else `local[*]`.
        config: `spark.*` settings on top of `DEFAULT_CONFIG` (used when the session is
            created; a session already running keeps its own).

    On a local master, Python tasks run this interpreter (which has kqlhunt) unless
    `PYSPARK_PYTHON` names another; on a cluster, `PYSPARK_PYTHON` names the executors' one.

    Raises:
        BackendError: PySpark is not installed, `config` changes a setting of
            `SEMANTIC_CONFIG`, or Spark cannot start.
    """
    fixed = sorted(key for key in config or {} if key in SEMANTIC_CONFIG)
    if fixed:
        raise BackendError(
            f"{', '.join(fixed)} cannot be changed: kqlhunt's Kusto semantics on Spark rely on "
            f"{', '.join(f'{key}={DEFAULT_CONFIG[key]}' for key in fixed)}"
        )
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise BackendError(
            "the Spark engine needs PySpark: pip install 'kqlhunt[spark]' (and Java 17)"
        ) from error
    url = master or os.environ.get("KQLHUNT_SPARK_MASTER", "local[*]")
    if url.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(url).appName("kqlhunt")
    for key, value in {**DEFAULT_CONFIG, **(config or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # py4j and PySpark start failures share no base class
        raise BackendError(
            f"Spark could not start on master {url!r}: {_start_failure(error)}"
        ) from error
    session.sparkContext.setLogLevel("OFF")
    # Failed queries come back as BackendError; Spark's own report of them is noise.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return session


def _start_failure(error: Exception) -> str:
    """Why Spark did not start, in a line: the JVM's stack trace left out."""
    reason = " ".join(str(error).split()) or type(error).__name__
    reason = reason.split(" JVM stacktrace:")[0]
    if "JAVA_GATEWAY_EXITED" in reason:
        # The JVM printed its reason on stderr and exited: a wrong master URL, a bad setting,
        # or no Java.
        reason += " (see Spark's message above: is Java 17 installed, the master URL right?)"
    return reason if len(reason) <= 400 else reason[:400] + "..."


class SparkBackend:
    name = "spark"
    dialect = "spark"

    def __init__(self, master: str | None = None, config: dict[str, str] | None = None) -> None:
        self.session: Any = spark_session(master, config)
        self._materialized: dict[str, Any] = {}

    def load(self, tables: Iterable[TableData]) -> None:
        # Aliases (imProcess, _Im_ProcessCreate, ...) share their data: one frame serves all.
        frames: dict[tuple[int, tuple[str, ...]], Any] = {}
        for table in tables:
            key = (id(table.data), table.files)
            frame = frames.get(key)
            if frame is None:
                frame = frames[key] = self._frame(table)
            frame.createOrReplaceTempView(view_name(table.name))

    def _frame(self, table: TableData) -> Any:
        if table.files:
            # A workspace table: Spark reads the Parquet files in place, in parallel.
            held = table.file_columns()
            reader = self.session.read
            if not held.uniform:
                reader = reader.option("mergeSchema", "true")
            columns = [_file_column(c, t, held) for c, t in table.columns.items()]
            return reader.parquet(*table.files).selectExpr(*columns)
        data = _naive_utc(table.data)
        if data.num_rows == 0:
            return self.session.createDataFrame([], schema=_spark_schema(table))
        return self.session.createDataFrame(data)

    def run(self, query: CompiledQuery) -> QueryResult:
        arrow = self._computed(query, lambda frame: frame.toArrow())
        rows = list(
            zip(*(arrow.column(i).to_pylist() for i in range(arrow.num_columns)), strict=True)
        )
        return to_result(query, rows)

    def materialize(self, name: str, query: CompiledQuery) -> None:
        # A local checkpoint computes the rows now, keeps them on the executors and cuts the
        # lineage, so that later queries over the view do not compute them again.
        frame = self._computed(query, lambda frame: frame.localCheckpoint())
        frame.createOrReplaceTempView(view_name(name))
        self._materialized[name] = frame

    def drop(self, name: str) -> None:
        frame = self._materialized.pop(name, None)
        if frame is not None:
            self.session.catalog.dropTempView(view_name(name))
            frame.unpersist()

    def _computed(self, query: CompiledQuery, action: Callable[[Any], Any]) -> Any:
        sql = spark_sql(query)
        log.debug("Spark SQL: %s", sql)
        try:
            return action(self.session.sql(sql))
        except Exception as error:  # py4j and Spark analysis errors have no common base
            raise BackendError(f"Spark failed to run the compiled query: {error}") from error

    def close(self) -> None:
        """Sessions are shared per process and stay up for later engines."""


def _spark_schema(table: TableData) -> str:
    parts = [f"{_quote(column)} {_spark_type(t)}" for column, t in table.columns.items()]
    return ", ".join(parts)


def _spark_type(kql_type: KqlType) -> str:
    from kqlhunt.compiler.sqltypes import SQL_TYPES

    return SQL_TYPES[kql_type].replace("VARCHAR", "STRING").replace("JSON", "STRING")


def _quote(column: str) -> str:
    return f"`{column.replace('`', '``')}`"


def _file_column(column: str, kql_type: KqlType, held: FileColumns) -> str:
    """A column of Parquet files; one a file lacks (written before the table had it) reads as
    Kusto's empty value: "" for a string, a typed null otherwise."""
    name = _quote(column)
    if column not in held.some:
        empty = "''" if kql_type is KqlType.STRING else f"CAST(NULL AS {_spark_type(kql_type)})"
        return f"{empty} AS {name}"
    if kql_type is KqlType.STRING and column not in held.every:
        return f"COALESCE({name}, '') AS {name}"
    return name
