"""String functions: length, slicing, trimming, replacing, searching, encoding and hashing.

Each function converts non-string arguments to strings first, as Kusto does, and never returns a
null string: where Kusto's result is "nothing" it is "".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from kqlhunt.compiler import strings
from kqlhunt.compiler.functions import constant_word, rule, text
from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text, func, p
from kqlhunt.kql import ast
from kqlhunt.types import KqlType

if TYPE_CHECKING:
    from kqlhunt.compiler.expressions import ExpressionCompiler

_S = exp.Literal.string
_N = exp.Literal.number


@rule("tolower", arity=(1, 1))
def _tolower(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(exp.Lower(this=text(c, args[0]).sql), KqlType.STRING)


@rule("toupper", arity=(1, 1))
def _toupper(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(exp.Upper(this=text(c, args[0]).sql), KqlType.STRING)


@rule("strcat", arity=(1, 64))
def _strcat(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(strings.strcat(*(text(c, a).sql for a in args)), KqlType.STRING)


@rule("strcat_delim", arity=(3, 65))
def _strcat_delim(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    delimiter, parts = text(c, args[0]).sql, [text(c, a).sql for a in args[1:]]
    pieces: list[exp.Expr] = []
    for i, part in enumerate(parts):
        if i:
            pieces.append(delimiter.copy())
        pieces.append(part)
    return Typed(strings.strcat(*pieces), KqlType.STRING)


@rule("strlen", arity=(1, 1))
def _strlen(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(cast(exp.Length(this=text(c, args[0]).sql), KqlType.LONG), KqlType.LONG)


@rule("string_size", arity=(1, 1))
def _string_size(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """The length in bytes of the UTF-8 text."""
    encoded = exp.Encode(this=text(c, args[0]).sql, charset=_S("utf-8"))
    return Typed(cast(func("OCTET_LENGTH", encoded), KqlType.LONG), KqlType.LONG)


@rule("substring", arity=(2, 3))
def _substring(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    source = text(c, args[0]).sql
    start = from_end(args[1].sql, source)
    sub = exp.Substring(
        this=source,
        start=exp.Add(this=p(start), expression=_N(1)),
        length=args[2].sql if len(args) > 2 else None,
    )
    return Typed(coalesce_text(sub), KqlType.STRING)


def from_end(index: exp.Expr, source: exp.Expr) -> exp.Expr:
    """A negative start index counts from the end of the text."""
    negative = exp.LT(this=p(index), expression=_N(0))
    back = exp.Add(this=exp.Length(this=source.copy()), expression=p(index.copy()))
    clamped = func("GREATEST", back, _N(0))
    return exp.Case(ifs=[exp.If(this=negative, true=clamped)]).else_(index.copy())


def _trim_rule(leading: bool, trailing: bool) -> None:
    def compile_trim(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        regex = c.constant_regex(args[0], node.args[0], f"the pattern of '{node.name}()'")
        patterns = [f"^(?:{regex})+"] * leading + [f"(?:{regex})+$"] * trailing
        return Typed(regex_replace(text(c, args[1]).sql, "|".join(patterns), ""), KqlType.STRING)

    name = "trim" if leading and trailing else ("trim_start" if leading else "trim_end")
    rule(name, arity=(2, 2))(compile_trim)


_trim_rule(True, True)
_trim_rule(True, False)
_trim_rule(False, True)


@rule("replace_string", arity=(3, 3))
def _replace_string(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    source, old, new = (text(c, a).sql for a in args)
    return Typed(func("REPLACE", source, old, new), KqlType.STRING)


@rule("replace_regex", "replace", arity=(3, 3))
def _replace_regex(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    # replace_regex(source, regex, rewrite); the deprecated replace(regex, rewrite, source).
    if node.name == "replace":
        args = [args[2], args[0], args[1]]
    regex = c.constant_regex(
        args[1], node.args[0 if node.name == "replace" else 1], f"the regex of '{node.name}()'"
    )
    rewrite = c._constant_text(args[2], node, "the rewrite")
    return Typed(regex_replace(text(c, args[0]).sql, regex, rewrite), KqlType.STRING)


def regex_replace(source: exp.Expr, pattern: str, rewrite: str) -> exp.Expr:
    """Replace every match; groups are written \\1 in the rewrite (RE2's syntax, as Kusto's)."""
    return exp.RegexpReplace(
        this=source,
        expression=_S(pattern),
        replacement=_S(rewrite),
        modifiers=_S("g"),
    )


@rule("extract", arity=(3, 4))
def _extract(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    regex = c.constant_regex(args[0], node.args[0], "the regex of 'extract()'")
    if not args[1].is_constant or not isinstance(args[1].constant, int):
        raise c.context.error(
            "the group of 'extract()' must be a constant number", node.args[1].offset
        )
    source = text(c, args[2]).sql
    found = exp.RegexpExtract(this=source, expression=_S(regex), group=_N(args[1].constant))
    value = Typed(coalesce_text(found), KqlType.STRING)
    if len(args) == 3:
        return value
    target = args[3].constant
    if not isinstance(target, KqlType):
        raise c.context.error("the last argument of 'extract()' must be typeof(T)", node.offset)
    if target is KqlType.STRING:
        return value
    # No match gives null of the requested type, not a conversion of "".
    converted = c.convert(
        Typed(exp.Nullif(this=found.copy(), expression=_S("")), KqlType.STRING), target
    )
    return converted


@rule("indexof", arity=(2, 5))
def _indexof(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """indexof(source, lookup [, start [, length [, occurrence]]]): 0-based index or -1."""
    source, lookup = text(c, args[0]).sql, text(c, args[1]).sql
    start = from_end(args[2].sql, source) if len(args) > 2 else _N(0)
    occurrence = 1
    if len(args) > 4:
        if not args[4].is_constant or not isinstance(args[4].constant, int) or args[4].constant < 1:
            raise c.context.unsupported(
                "indexof() with an occurrence that is not a positive constant", node.args[4].offset
            )
        occurrence = args[4].constant
    window: exp.Expr = exp.Substring(this=source, start=exp.Add(this=p(start), expression=_N(1)))
    if len(args) > 3:
        length = args[3].sql
        whole = exp.LT(this=p(length), expression=_N(0))
        window = exp.Case(ifs=[exp.If(this=whole, true=window)]).else_(
            exp.Substring(
                this=source.copy(),
                start=exp.Add(this=p(start.copy()), expression=_N(1)),
                length=length.copy(),
            )
        )
    # Position (1-based, in the window) of the n-th occurrence; 0 when there is none.
    position: exp.Expr = exp.StrPosition(this=window, substr=lookup)
    for _ in range(occurrence - 1):
        rest = exp.Substring(this=window.copy(), start=exp.Add(this=p(position), expression=_N(1)))
        following = exp.StrPosition(this=rest, substr=lookup.copy())
        found = exp.and_(
            exp.GT(this=p(position.copy()), expression=_N(0)),
            exp.GT(this=p(following), expression=_N(0)),
        )
        position = exp.Case(
            ifs=[
                exp.If(
                    this=found,
                    true=exp.Add(this=p(position.copy()), expression=p(following.copy())),
                )
            ]
        ).else_(_N(0))
    index = exp.Add(this=exp.Sub(this=p(position), expression=_N(1)), expression=p(start.copy()))
    missing = exp.EQ(this=p(position.copy()), expression=_N(0))
    result = exp.Case(ifs=[exp.If(this=missing, true=_N(-1))]).else_(index)
    return Typed(cast(result, KqlType.LONG), KqlType.LONG)


def _has_border(needle: str) -> bool:
    """Whether two occurrences of `needle` can overlap (a proper prefix is also a suffix)."""
    return any(needle[:k] == needle[-k:] for k in range(1, len(needle)))


@rule("countof", arity=(2, 3))
def _countof(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Plain matches may overlap ("aaaa" has "aa" 3 times); regex matches do not."""
    kind = constant_word(c, node, args[2], 2) if len(args) > 2 else "normal"
    source = text(c, args[0]).sql
    searched = text(c, args[1])
    if kind == "regex":
        regex = c.constant_regex(searched, node.args[1], "the regex of 'countof()'")
        count: exp.Expr = exp.RegexpCount(this=source, expression=_S(regex))
        return Typed(cast(count, KqlType.LONG), KqlType.LONG)
    search = c._constant_text(searched, node.args[1], "the search text of 'countof()'")
    if kind != "normal":
        raise c.context.error("the kind of 'countof()' is 'normal' or 'regex'", node.offset)
    if not search:
        return Typed(cast(_N(0), KqlType.LONG), KqlType.LONG)
    if _has_border(search):
        raise c.context.unsupported(
            "countof() of a text that can overlap itself", node.args[1].offset
        )
    # Without self-overlap, the count is how much shorter the text gets when they are removed.
    removed = exp.Length(this=func("REPLACE", source.copy(), _S(search), _S("")))
    shorter = exp.Sub(this=exp.Length(this=source), expression=removed)
    count = exp.IntDiv(this=exp.paren(shorter), expression=_N(len(search)))
    return Typed(cast(count, KqlType.LONG), KqlType.LONG)


@rule("reverse", arity=(1, 1))
def _reverse(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(exp.Reverse(this=text(c, args[0]).sql), KqlType.STRING)


@rule("strrep", arity=(2, 3))
def _strrep(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    value, times = text(c, args[0]).sql, args[1].sql
    if len(args) == 2:
        repeated: exp.Expr = exp.Repeat(this=value, times=times)
    else:
        delimiter = text(c, args[2]).sql
        head = exp.Repeat(
            this=func("CONCAT", value, delimiter),
            times=exp.Sub(this=p(times), expression=_N(1)),
        )
        positive = exp.GT(this=p(times.copy()), expression=_N(0))
        repeated = exp.Case(
            ifs=[exp.If(this=positive, true=func("CONCAT", head, value.copy()))]
        ).else_(_S(""))
    return Typed(coalesce_text(repeated), KqlType.STRING)


@rule("isascii", arity=(1, 1))
def _isascii(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(strings.regex_match(text(c, args[0]).sql, r"^[\x00-\x7f]*$"), KqlType.BOOL)


@rule("translate", arity=(3, 3))
def _translate(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """translate(search, replacement, source): a shorter replacement list repeats its last
    character; an empty one deletes the searched characters."""
    search = c._constant_text(args[0], node.args[0], "the characters of 'translate()'")
    replacement = c._constant_text(args[1], node.args[1], "the replacements of 'translate()'")
    if replacement and len(replacement) < len(search):
        replacement += replacement[-1] * (len(search) - len(replacement))
    result = func("TRANSLATE", text(c, args[2]).sql, _S(search), _S(replacement))
    return Typed(result, KqlType.STRING)


# A UTF-8 byte sequence, read as upper-case hex pairs.
_UTF8_HEX = (
    "^(?:[0-7][0-9A-F]|C[2-9A-F][89AB][0-9A-F]|D[0-9A-F][89AB][0-9A-F]"
    "|E0[AB][0-9A-F][89AB][0-9A-F]|E[1-9A-CEF][89AB][0-9A-F][89AB][0-9A-F]"
    "|ED[89][0-9A-F][89AB][0-9A-F]|F0[9AB][0-9A-F](?:[89AB][0-9A-F]){2}"
    "|F[1-3](?:[89AB][0-9A-F]){3}|F48[0-9A-F](?:[89AB][0-9A-F]){2})*$"
)
_BASE64 = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


@rule("base64_decode_tostring", "base64_decodestring", arity=(1, 1))
def _base64_decode(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    """Text that is not base64, or bytes that are not UTF-8, give "" (checked before decoding,
    so that no engine raises an error)."""
    source = text(c, args[0]).sql
    valid_base64 = strings.regex_match(source, _BASE64)
    valid_utf8 = strings.regex_match(exp.Hex(this=exp.FromBase64(this=source.copy())), _UTF8_HEX)
    decoded = exp.Decode(this=exp.FromBase64(this=source.copy()), charset=_S("utf-8"))
    inner = exp.Case(ifs=[exp.If(this=valid_utf8, true=decoded)]).else_(_S(""))
    outer = exp.Case(ifs=[exp.If(this=valid_base64, true=inner)]).else_(_S(""))
    return Typed(coalesce_text(outer), KqlType.STRING)


@rule("base64_encode_tostring", "base64_encodestring", arity=(1, 1))
def _base64_encode(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    encoded = exp.ToBase64(this=exp.Encode(this=text(c, args[0]).sql, charset=_S("utf-8")))
    return Typed(coalesce_text(encoded), KqlType.STRING)


@rule("url_decode", arity=(1, 1))
def _url_decode(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    return Typed(coalesce_text(func("URL_DECODE", text(c, args[0]).sql)), KqlType.STRING)


def _hash_rule(name: str, build: type[exp.Func], **extra: exp.Expr) -> None:
    def compile_hash(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
        return Typed(build(this=text(c, args[0]).sql, **extra), KqlType.STRING)

    rule(name, arity=(1, 1))(compile_hash)


_hash_rule("hash_md5", exp.MD5)
_hash_rule("hash_sha1", exp.SHA)
_hash_rule("hash_sha256", exp.SHA2, length=_N(256))


@rule("hash", "base64_decode_toarray", arity=(1, 2))
def _engine_specific(c: ExpressionCompiler, node: ast.Call, args: list[Typed]) -> Typed:
    reasons = {
        "hash": "Kusto's xxhash64 seed and byte order have no portable SQL form",
        "base64_decode_toarray": "the engines have no portable way to list a value's bytes",
    }
    detail = reasons[node.name]
    raise c.context.unsupported(f"the function '{node.name}()'", node.offset, detail)
