"""Scalar functions over dynamic values: parsing JSON, building arrays and bags, set and array
operations, `split`, `strcat_array`, `extract_all`, `extractjson`, `zip`, `range`, `repeat`.

Arrays are worked on as SQL lists of JSON elements and turned back into JSON at the end;
elements compare by their JSON text, so `1` and `"1"` differ as they do in Kusto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler.conversions import convert
from kqlhunt.compiler.dynamic import (
    as_json,
    extract,
    is_array,
    is_bag,
    json_type,
    to_json,
)
from kqlhunt.compiler.functions import UNBOUNDED, Rule, rule
from kqlhunt.compiler.regex import regex_groups
from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType
from kqlhunt.xml_json import PARSE_XML_FUNCTION

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_X = "x"
_I = "i"


def lambda_(body: exp.Expr, *names: str) -> exp.Lambda:
    return exp.Lambda(this=body, expressions=[exp.to_identifier(n) for n in names])


def _var(name: str) -> exp.Expr:
    return exp.column(name)


def _null_dynamic() -> exp.Expr:
    return cast(exp.Null(), KqlType.DYNAMIC)


def elements(sql: exp.Expr) -> exp.Expr:
    """The elements of a JSON array as a list of JSON values ([] for a non-array)."""
    return func("JSON_EXTRACT", as_json(sql), exp.Literal.string("$[*]"))


def array_value(elements_sql: exp.Expr) -> exp.Expr:
    """A list of JSON values as a JSON array."""
    return cast(func("TO_JSON", elements_sql), KqlType.DYNAMIC)


def _only_arrays(values: list[Typed], result: exp.Expr) -> exp.Expr:
    """`result` when every argument is an array, else null (Kusto's rule for array functions)."""
    checks = [is_array(as_json(v.sql)) for v in values]
    condition = checks[0] if len(checks) == 1 else exp.and_(*checks)
    return exp.Case(ifs=[exp.If(this=condition, true=result)]).else_(_null_dynamic())


def distinct_in_order(items: exp.Expr) -> exp.Expr:
    """Keep the first of equal elements, in order."""
    first = exp.EQ(this=func("LIST_POSITION", items.copy(), _var(_X)), expression=_var(_I))
    return exp.ArrayFilter(this=items, expression=lambda_(first, _X, _I))


def _dynamic_args(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> None:
    for index, value in enumerate(args):
        if value.type is not KqlType.DYNAMIC:
            raise c.context.error(
                f"argument {index + 1} of '{node.name}()' must be dynamic, not {value.type.value}",
                node.args[index].offset,
            )


def _whole_number(c: ExpressionCompiler, node: ast.Call, value: Typed, index: int) -> None:
    if value.type not in (KqlType.INT, KqlType.LONG):
        raise c.context.error(
            f"argument {index + 1} of '{node.name}()' must be a whole number, "
            f"not {value.type.value}",
            node.args[index].offset,
        )


# -- parsing ----------------------------------------------------------------------------------


@rule("parse_json", "todynamic", "parsejson", "toobject", arity=(1, 1))
def _parse_json(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """JSON text to a dynamic value; text that is not JSON stays a dynamic string, "" is null."""
    value = args[0]
    if value.type is KqlType.DYNAMIC:
        return value
    if value.type is not KqlType.STRING:
        return Typed(to_json(value), KqlType.DYNAMIC)
    text = value.sql
    parsed = exp.Coalesce(
        this=exp.TryCast(this=text, to=exp.DataType.build("JSON")),
        expressions=[func("TO_JSON", text.copy())],
    )
    empty = exp.EQ(this=text.copy(), expression=exp.Literal.string(""))
    sql = exp.Case(ifs=[exp.If(this=empty, true=_null_dynamic())]).else_(parsed)
    return Typed(sql, KqlType.DYNAMIC)


@rule("parse_xml", arity=(1, 1))
def _parse_xml(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """XML text to a dynamic value (see `kqlhunt.backends.xml_json`); null when not XML."""
    text = c.convert(args[0], KqlType.STRING).sql
    parsed = exp.Anonymous(this=PARSE_XML_FUNCTION, expressions=[text])
    return Typed(cast(parsed, KqlType.DYNAMIC), KqlType.DYNAMIC)


@rule("extractjson", "extract_json", arity=(2, 3))
def _extract_json(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """extract_json(path, text [, typeof(T)]): the value at a JSONPath, as a string by default."""
    path = c._constant_text(args[0], node.args[0], "the path of 'extract_json()'")
    if not path.startswith("$"):
        raise c.context.error("a JSONPath starts with '$'", node.args[0].offset)
    document = _parse_json(c, node, [args[1]])
    found = Typed(extract(document.sql, func("CONCAT", exp.Literal.string(path))), KqlType.DYNAMIC)
    target = KqlType.STRING
    if len(args) == 3:
        target = _type_argument(c, node, args[2], 2)
    if target is KqlType.DYNAMIC:
        return found
    return convert(found, target)


def _type_argument(c: ExpressionCompiler, node: ast.Call, value: Typed, index: int) -> KqlType:
    if not isinstance(value.constant, KqlType):
        raise c.context.error(
            f"argument {index + 1} of '{node.name}()' must be typeof(<type>)",
            node.args[index].offset,
        )
    return value.constant


# -- building values --------------------------------------------------------------------------


@rule("pack_array", arity=(1, UNBOUNDED))
def _pack_array(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    sql = array_value(exp.Array(expressions=[to_json(a) for a in args]))
    if all(a.is_constant and a.constant is not None and a.type in _JSON_CONSTANT for a in args):
        # An array of constants is a constant too, usable as a list of needles or values.
        return Typed(sql, KqlType.DYNAMIC, [a.constant for a in args], True)
    return Typed(sql, KqlType.DYNAMIC)


# Constant types whose Python values are their JSON values.
_JSON_CONSTANT = frozenset(
    {KqlType.STRING, KqlType.BOOL, KqlType.INT, KqlType.LONG, KqlType.REAL, KqlType.DYNAMIC}
)


@rule("pack", "bag_pack", arity=(0, 128))
def _bag_pack(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    if len(args) % 2:
        raise c.context.error(f"'{node.name}()' takes key/value pairs", node.offset)
    pairs: list[exp.Expr] = []
    for key, value in zip(args[::2], args[1::2], strict=True):
        pairs += [convert(key, KqlType.STRING).sql, to_json(value)]
    return Typed(cast(func("JSON_OBJECT", *pairs), KqlType.DYNAMIC), KqlType.DYNAMIC)


@rule("range", arity=(2, 3))
def _range(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """range(start, stop [, step]): the whole numbers from start to stop inclusive."""
    for index, value in enumerate(args):
        _whole_number(c, node, value, index)
    step = args[2].sql if len(args) == 3 else exp.Literal.number(1)
    series = exp.GenerateSeries(start=args[0].sql, end=args[1].sql, step=step)
    return Typed(array_value(series), KqlType.DYNAMIC)


@rule("repeat", arity=(2, 2))
def _repeat(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    value, count = args
    _whole_number(c, node, count, 1)
    series = exp.GenerateSeries(start=exp.Literal.number(1), end=count.sql)
    repeated = func("LIST_TRANSFORM", series, lambda_(to_json(value), _X))
    return Typed(array_value(repeated), KqlType.DYNAMIC)


# -- arrays -----------------------------------------------------------------------------------


@rule("array_length", "arraylength", arity=(1, 1))
def _array_length(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    value = as_json(args[0].sql)
    length = cast(func("JSON_ARRAY_LENGTH", value), KqlType.LONG)
    sql = exp.Case(ifs=[exp.If(this=is_array(value.copy()), true=length)])
    return Typed(sql, KqlType.LONG)


@rule("array_concat", arity=(1, 64))
def _array_concat(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _dynamic_args(c, node, args)
    lists = [elements(a.sql) for a in args]
    joined = lists[0] if len(lists) == 1 else exp.ArrayConcat(this=lists[0], expressions=lists[1:])
    return Typed(_only_arrays(args, array_value(joined)), KqlType.DYNAMIC)


@rule("array_slice", arity=(3, 3))
def _array_slice(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Elements `start` to `end` inclusive; negative positions count from the end."""
    array, start, end = args
    _dynamic_args(c, node, [array])
    _whole_number(c, node, start, 1)
    _whole_number(c, node, end, 2)

    def one_based(position: exp.Expr) -> exp.Expr:
        negative = exp.LT(this=p(position), expression=exp.Literal.number(0))
        plus_one = exp.Add(this=p(position.copy()), expression=exp.Literal.number(1))
        return exp.Case(ifs=[exp.If(this=negative, true=position.copy())]).else_(plus_one)

    sliced = func("LIST_SLICE", elements(array.sql), one_based(start.sql), one_based(end.sql))
    return Typed(_only_arrays([array], array_value(sliced)), KqlType.DYNAMIC)


@rule("array_index_of", arity=(2, 2))
def _array_index_of(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """The 0-based position of the first element equal to the value, -1 when there is none."""
    array, value = args
    _dynamic_args(c, node, [array])
    position = exp.Coalesce(
        this=func("LIST_POSITION", elements(array.sql), to_json(value)),
        expressions=[exp.Literal.number(0)],
    )
    index = cast(exp.Sub(this=position, expression=exp.Literal.number(1)), KqlType.LONG)
    sql = exp.Case(ifs=[exp.If(this=is_array(as_json(array.sql)), true=index)])
    return Typed(sql, KqlType.LONG)


def _sort_key(item: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
    """A struct that orders JSON elements as Kusto does, and the rank it starts with:
    numbers by value (0), then strings (1), then everything else (2); nulls last (9)."""
    kind = json_type(item.copy())
    numeric = exp.In(
        this=kind, expressions=[exp.Literal.string(t) for t in ("BIGINT", "UBIGINT", "DOUBLE")]
    )
    is_null = exp.Is(this=item.copy(), expression=exp.Null())
    is_text = exp.EQ(this=kind.copy(), expression=exp.Literal.string("VARCHAR"))
    rank = exp.Case(
        ifs=[
            exp.If(this=is_null, true=exp.Literal.number(9)),
            exp.If(this=numeric, true=exp.Literal.number(0)),
            exp.If(this=is_text, true=exp.Literal.number(1)),
        ]
    ).else_(exp.Literal.number(2))
    fields = {
        "r": rank,
        "n": exp.TryCast(this=item.copy(), to=exp.DataType.build("DOUBLE")),
        "s": func("JSON_EXTRACT_STRING", item.copy(), exp.Literal.string("$")),
        "v": item.copy(),
    }
    struct = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier(name), expression=value)
            for name, value in fields.items()
        ]
    )
    return struct, rank


def _field(name: str) -> exp.Expr:
    return exp.Dot(this=_var(_X), expression=exp.to_identifier(name))


def _sorter(descending: bool) -> Rule:
    def compile_sort(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        array = args[0]
        _dynamic_args(c, node, [array])
        if len(args) > 1:
            raise c.context.unsupported(
                f"'{node.name}()' with a second argument", node.args[1].offset
            )
        key, _ = _sort_key(_var(_X))
        keyed = func("LIST_TRANSFORM", elements(array.sql), lambda_(key, _X))
        ordered = func("LIST_SORT", keyed)
        if descending:
            # Values run backwards within each kind; the kinds and nulls keep their places.
            backwards = func("LIST_REVERSE", ordered)
            groups = [
                exp.ArrayFilter(
                    this=backwards.copy(),
                    expression=lambda_(
                        exp.EQ(this=_field("r"), expression=exp.Literal.number(rank)), _X
                    ),
                )
                for rank in (0, 1, 2, 9)
            ]
            ordered = exp.ArrayConcat(this=groups[0], expressions=groups[1:])
        values = func("LIST_TRANSFORM", ordered, lambda_(_field("v"), _X))
        return Typed(_only_arrays([array], array_value(values)), KqlType.DYNAMIC)

    return compile_sort


rule("array_sort_asc", arity=(1, 2))(_sorter(False))
rule("array_sort_desc", arity=(1, 2))(_sorter(True))


@rule("strcat_array", arity=(2, 2))
def _strcat_array(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    array, delimiter = args
    _dynamic_args(c, node, [array])
    texts = func(
        "LIST_TRANSFORM",
        elements(array.sql),
        lambda_(
            exp.Coalesce(
                this=func("JSON_EXTRACT_STRING", _var(_X), exp.Literal.string("$")),
                expressions=[exp.Literal.string("")],
            ),
            _X,
        ),
    )
    joined = exp.ArrayToString(this=texts, expression=convert(delimiter, KqlType.STRING).sql)
    return Typed(coalesce_text(joined), KqlType.STRING)


@rule("zip", arity=(2, 16))
def _zip(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Element i of the result is [a[i], b[i], ...], padded with null to the longest array."""
    _dynamic_args(c, node, args)
    lengths = [cast(func("JSON_ARRAY_LENGTH", as_json(a.sql)), KqlType.LONG) for a in args]
    longest = lengths[0] if len(lengths) == 1 else func("GREATEST", *lengths)
    index = _var(_I)
    row = exp.Array(
        expressions=[
            func(
                "JSON_EXTRACT",
                as_json(a.sql),
                func(
                    "CONCAT",
                    exp.Literal.string("$["),
                    cast(index.copy(), KqlType.STRING),
                    exp.Literal.string("]"),
                ),
            )
            for a in args
        ]
    )
    series = exp.GenerateSeries(
        start=exp.Literal.number(0), end=exp.Sub(this=longest, expression=exp.Literal.number(1))
    )
    rows = func("LIST_TRANSFORM", series, lambda_(array_value(row), _I))
    return Typed(_only_arrays(args, array_value(rows)), KqlType.DYNAMIC)


# -- sets -------------------------------------------------------------------------------------


@rule("set_union", arity=(2, 64))
def _set_union(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _dynamic_args(c, node, args)
    joined = exp.ArrayConcat(
        this=elements(args[0].sql), expressions=[elements(a.sql) for a in args[1:]]
    )
    return Typed(_only_arrays(args, array_value(distinct_in_order(joined))), KqlType.DYNAMIC)


def _membership(items: exp.Expr, others: list[Typed], inside: bool) -> exp.Expr:
    tests: list[exp.Expr] = []
    for other in others:
        found = exp.ArrayContains(this=elements(other.sql), expression=_var(_X))
        tests.append(found)
    test = exp.and_(*tests) if inside else exp.Not(this=exp.paren(exp.or_(*tests)))
    return exp.ArrayFilter(this=items, expression=lambda_(test, _X))


@rule("set_intersect", arity=(2, 64))
def _set_intersect(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _dynamic_args(c, node, args)
    kept = _membership(distinct_in_order(elements(args[0].sql)), args[1:], inside=True)
    return Typed(_only_arrays(args, array_value(kept)), KqlType.DYNAMIC)


@rule("set_difference", arity=(2, 64))
def _set_difference(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _dynamic_args(c, node, args)
    kept = _membership(distinct_in_order(elements(args[0].sql)), args[1:], inside=False)
    return Typed(_only_arrays(args, array_value(kept)), KqlType.DYNAMIC)


@rule("set_has_element", arity=(2, 2))
def _set_has_element(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    array, value = args
    _dynamic_args(c, node, [array])
    found = exp.ArrayContains(this=elements(array.sql), expression=to_json(value))
    sql = exp.Case(ifs=[exp.If(this=is_array(as_json(array.sql)), true=found)])
    return Typed(sql, KqlType.BOOL)


# -- bags -------------------------------------------------------------------------------------


@rule("bag_keys", arity=(1, 1))
def _bag_keys(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    _dynamic_args(c, node, args)
    bag = as_json(args[0].sql)
    keys = array_value(exp.JSONKeys(this=bag))
    return Typed(exp.Case(ifs=[exp.If(this=is_bag(bag.copy()), true=keys)]), KqlType.DYNAMIC)


@rule("bag_merge", arity=(2, 64))
def _bag_merge(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """On a key in several bags the leftmost bag's value wins."""
    _dynamic_args(c, node, args)
    bags = [
        exp.Case(ifs=[exp.If(this=is_bag(as_json(a.sql)), true=as_json(a.sql))]).else_(
            cast(exp.Literal.string("{}"), KqlType.DYNAMIC)
        )
        for a in args
    ]
    merged = func("JSON_MERGE_PATCH", *reversed(bags))
    return Typed(cast(merged, KqlType.DYNAMIC), KqlType.DYNAMIC)


@rule("bag_has_key", arity=(2, 2))
def _bag_has_key(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    bag, key = args
    _dynamic_args(c, node, [bag])
    keys = exp.JSONKeys(this=as_json(bag.sql))
    found = exp.ArrayContains(this=keys, expression=convert(key, KqlType.STRING).sql)
    return Typed(exp.Coalesce(this=found, expressions=[exp.false()]), KqlType.BOOL)


# -- text into arrays -------------------------------------------------------------------------


@rule("split", arity=(2, 3))
def _split(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """split(text, delimiter [, index]): the parts; with an index, an array of that one part."""
    text = convert(args[0], KqlType.STRING).sql
    delimiter = convert(args[1], KqlType.STRING).sql
    parts = func("STR_SPLIT", text, delimiter)
    texts = func("LIST_TRANSFORM", parts, lambda_(func("TO_JSON", _var(_X)), _X))
    if len(args) == 3:
        _whole_number(c, node, args[2], 2)
        position = exp.Add(this=p(args[2].sql), expression=exp.Literal.number(1))
        texts = func("LIST_SLICE", texts, position, position.copy())
        texts = exp.Case(
            ifs=[
                exp.If(
                    this=exp.LT(this=p(args[2].sql.copy()), expression=exp.Literal.number(0)),
                    true=exp.Array(expressions=[]),
                )
            ]
        ).else_(texts)
    return Typed(array_value(texts), KqlType.DYNAMIC)


def _group_numbers(c: ExpressionCompiler, node: ast.Call, regex: str, groups: Typed) -> list[int]:
    compiled = regex_groups(regex)  # checked by the caller
    if not groups.is_constant or not isinstance(groups.constant, list) or not groups.constant:
        raise c.context.error(
            "the groups of 'extract_all()' must be a constant non-empty array",
            node.args[1].offset,
        )
    numbers = []
    for group in groups.constant:
        if isinstance(group, str) and group in compiled.named:
            numbers.append(compiled.named[group])
        elif (
            isinstance(group, int) and not isinstance(group, bool) and 0 <= group <= compiled.count
        ):
            numbers.append(group)
        else:
            raise c.context.error(
                f"extract_all(): the regex has no capture group {group!r}", node.args[1].offset
            )
    return numbers


@rule("extract_all", arity=(2, 3))
def _extract_all(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """extract_all(regex, [groups,] text): every match; with several groups, arrays of groups.
    No match gives null."""
    regex = c.constant_regex(args[0], node.args[0], "the regex of 'extract_all()'")
    text = convert(args[-1], KqlType.STRING).sql
    group_count = regex_groups(regex).count
    if len(args) == 3:
        groups = _group_numbers(c, node, regex, args[1])
    else:
        groups = list(range(1, group_count + 1)) if group_count else [0]
    pattern = exp.Literal.string(regex)
    if len(groups) == 1:
        found = exp.RegexpExtractAll(
            this=text, expression=pattern, group=exp.Literal.number(groups[0])
        )
        values = func("LIST_TRANSFORM", found, lambda_(func("TO_JSON", _var(_X)), _X))
    else:
        # Each whole match, then its groups read again from the match itself.
        whole = exp.RegexpExtractAll(
            this=text, expression=pattern.copy(), group=exp.Literal.number(0)
        )
        row = exp.Array(
            expressions=[
                func(
                    "TO_JSON",
                    exp.RegexpExtract(
                        this=_var(_X), expression=pattern.copy(), group=exp.Literal.number(g)
                    ),
                )
                for g in groups
            ]
        )
        values = func("LIST_TRANSFORM", whole, lambda_(array_value(row), _X))
    none = exp.EQ(this=exp.ArraySize(this=values), expression=exp.Literal.number(0))
    sql = exp.Case(ifs=[exp.If(this=none, true=_null_dynamic())]).else_(array_value(values.copy()))
    return Typed(sql, KqlType.DYNAMIC)


# The aggregations over dynamic values build on the helpers above.
from kqlhunt.compiler import dynamic_aggregates  # noqa: E402, F401
