"""Conversions between KQL types (`tostring`, `tolong`, ...) with Kusto's null-on-failure rule."""

from __future__ import annotations

from sqlglot import exp

from kqlhunt.compiler.sqltypes import Typed, cast, coalesce_text, func, null_of, p
from kqlhunt.kql.literals import parse_datetime
from kqlhunt.types import KqlType

_DIGITS = exp.Literal.string


def _lpad(sql: exp.Expr, width: int) -> exp.Expr:
    return func("LPAD", cast(sql, KqlType.STRING), exp.Literal.number(width), _DIGITS("0"))


def datetime_text(sql: exp.Expr) -> exp.Expr:
    """ISO 8601 with a Z, as Kusto prints datetimes; 7 fraction digits when there is a fraction."""
    whole = exp.TimeToStr(this=sql, format=exp.Literal.string("%Y-%m-%dT%H:%M:%S"))
    micros = exp.Mod(this=exp.UnixMicros(this=sql), expression=exp.Literal.number(1_000_000))
    fraction = exp.Case(
        ifs=[exp.If(this=exp.EQ(this=micros, expression=exp.Literal.number(0)), true=_DIGITS("Z"))]
    ).else_(func("CONCAT", _DIGITS("."), _lpad(micros.copy(), 6), _DIGITS("0Z")))
    return func("CONCAT", whole, fraction)


def timespan_text(sql: exp.Expr) -> exp.Expr:
    """Kusto's timespan text: [-][d.]hh:mm:ss[.fffffff]."""
    ticks = exp.Abs(this=sql)

    def part(divisor: int, modulo: int | None) -> exp.Expr:
        value: exp.Expr = exp.IntDiv(this=ticks.copy(), expression=exp.Literal.number(divisor))
        if modulo is not None:
            value = exp.Mod(this=value, expression=exp.Literal.number(modulo))
        return value

    days = part(864_000_000_000, None)
    fraction = exp.Mod(this=ticks.copy(), expression=exp.Literal.number(10_000_000))
    sign = exp.Case(
        ifs=[exp.If(this=exp.LT(this=sql, expression=exp.Literal.number(0)), true=_DIGITS("-"))]
    ).else_(_DIGITS(""))
    day_text = exp.Case(
        ifs=[exp.If(this=exp.EQ(this=days, expression=exp.Literal.number(0)), true=_DIGITS(""))]
    ).else_(func("CONCAT", cast(days.copy(), KqlType.STRING), _DIGITS(".")))
    fraction_text = exp.Case(
        ifs=[exp.If(this=exp.EQ(this=fraction, expression=exp.Literal.number(0)), true=_DIGITS(""))]
    ).else_(func("CONCAT", _DIGITS("."), _lpad(fraction.copy(), 7)))
    clock = [
        _lpad(part(36_000_000_000, 24), 2),
        _DIGITS(":"),
        _lpad(part(600_000_000, 60), 2),
        _DIGITS(":"),
        _lpad(part(10_000_000, 60), 2),
    ]
    return func("CONCAT", sign, day_text, *clock, fraction_text)


def real_text(sql: exp.Expr) -> exp.Expr:
    """Whole reals print without a fraction (2.0 -> "2"), as Kusto prints them."""
    whole = exp.and_(
        exp.EQ(this=sql, expression=func("FLOOR", sql.copy())),
        exp.LT(this=exp.Abs(this=sql.copy()), expression=exp.Literal.number(1e15)),
    )
    as_long = cast(cast(sql.copy(), KqlType.LONG), KqlType.STRING)
    return exp.Case(ifs=[exp.If(this=whole, true=as_long)]).else_(cast(sql.copy(), KqlType.STRING))


def to_string(value: Typed) -> Typed:
    t, sql = value.type, value.sql
    if t is KqlType.STRING:
        return value
    if value.is_constant and value.constant is None:
        return null_of(KqlType.STRING)
    if t is KqlType.DATETIME:
        text = datetime_text(sql)
    elif t is KqlType.TIMESPAN:
        text = timespan_text(sql)
    elif t in (KqlType.REAL, KqlType.DECIMAL):
        text = real_text(sql)
    elif t is KqlType.BOOL:
        text = exp.Case(ifs=[exp.If(this=sql, true=_DIGITS("true"))]).else_(
            exp.Case(ifs=[exp.If(this=exp.Not(this=sql.copy()), true=_DIGITS("false"))])
        )
    elif t is KqlType.DYNAMIC:
        text = func("JSON_EXTRACT_STRING", sql, _DIGITS("$"))
    else:
        text = cast(sql, KqlType.STRING)
    # CONCAT skips nulls on some engines, so a null value is tested before it is formatted.
    is_null = exp.Is(this=p(sql.copy()), expression=exp.Null())
    guarded = exp.Case(ifs=[exp.If(this=is_null, true=_DIGITS(""))]).else_(text)
    return Typed(coalesce_text(guarded), KqlType.STRING)


def convert(value: Typed, target: KqlType) -> Typed:
    """`to<type>()`: a conversion that yields null (or "" for strings) when it fails."""
    if value.type is target:
        return value
    if target is KqlType.STRING:
        return to_string(value)
    source = value.sql
    if value.type is KqlType.DYNAMIC:
        source = func("JSON_EXTRACT_STRING", source, _DIGITS("$"))
    if target in (KqlType.INT, KqlType.LONG) and value.type in (KqlType.REAL, KqlType.DECIMAL):
        return Typed(
            exp.TryCast(this=func("TRUNC", source), to=cast(source, target).args["to"]), target
        )
    if target is KqlType.DATETIME and value.type in (KqlType.STRING, KqlType.DYNAMIC):
        if value.is_constant and isinstance(value.constant, str):
            from kqlhunt.compiler.expressions import literal

            return literal(parse_datetime(value.constant), KqlType.DATETIME)
        return Typed(_parse_datetime_text(source), target)
    if target is KqlType.TIMESPAN and value.type.is_numeric:
        # A number converted to timespan counts ticks.
        return Typed(exp.TryCast(this=source, to=cast(source, KqlType.LONG).args["to"]), target)
    if target is KqlType.TIMESPAN and value.type in (KqlType.STRING, KqlType.DYNAMIC):
        return Typed(_parse_timespan_text(source), target)
    if target is KqlType.BOOL and value.type in (KqlType.STRING, KqlType.DYNAMIC):
        lowered = exp.Lower(this=exp.Trim(this=source))
        ifs = [
            exp.If(this=exp.EQ(this=lowered, expression=_DIGITS("true")), true=exp.true()),
            exp.If(this=exp.EQ(this=lowered.copy(), expression=_DIGITS("false")), true=exp.false()),
            exp.If(this=exp.EQ(this=lowered.copy(), expression=_DIGITS("1")), true=exp.true()),
            exp.If(this=exp.EQ(this=lowered.copy(), expression=_DIGITS("0")), true=exp.false()),
        ]
        return Typed(exp.Case(ifs=ifs), target)
    if target in (KqlType.INT, KqlType.LONG) and value.type in (KqlType.STRING, KqlType.DYNAMIC):
        return Typed(_parse_integer_text(source, target), target)
    if target is KqlType.GUID and value.type in (KqlType.STRING, KqlType.DYNAMIC):
        return Typed(_parse_guid_text(source), target)
    return Typed(exp.TryCast(this=source, to=cast(source, target).args["to"]), target)


_GUID_DIGITS = r"([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})"
_GUID_TEXT = r"^\{?" + _GUID_DIGITS + r"\}?$"


def _parse_guid_text(source: exp.Expr) -> exp.Expr:
    """A guid read from text, in lower case with dashes (as guid literals are held), or null:
    32 hex digits, with or without the dashes and braces .NET writes around them."""
    from kqlhunt.compiler.functions_strings import regex_replace

    text = exp.Lower(this=exp.Trim(this=source))
    valid = exp.RegexpLike(this=text, expression=exp.Literal.string(_GUID_TEXT))
    canonical = regex_replace(text.copy(), _GUID_TEXT, "\\1-\\2-\\3-\\4-\\5")
    return exp.Case(ifs=[exp.If(this=valid, true=canonical)])


_HEX_TEXT = r"^\s*0[xX][0-9a-fA-F]{1,15}\s*$"
_HEX_WIDTH = 15  # hex digits that always fit a long


def _hex_value(source: exp.Expr) -> exp.Expr:
    """The value of `0x...` text, digit by digit: engines disagree on casting hex text (DuckDB
    reads it, Spark gives null), so the arithmetic is spelled out."""
    digits = func(
        "LPAD",
        exp.Lower(
            this=func("REGEXP_REPLACE", exp.Trim(this=source), _DIGITS("^0[xX]"), _DIGITS(""))
        ),
        exp.Literal.number(_HEX_WIDTH),
        _DIGITS("0"),
    )
    total: exp.Expr = exp.Literal.number(0)
    for i in range(_HEX_WIDTH):
        digit = exp.Sub(
            this=exp.StrPosition(
                this=_DIGITS("0123456789abcdef"),
                substr=exp.Substring(
                    this=digits.copy(),
                    start=exp.Literal.number(i + 1),
                    length=exp.Literal.number(1),
                ),
            ),
            expression=exp.Literal.number(1),
        )
        weight = exp.Literal.number(16 ** (_HEX_WIDTH - 1 - i))
        total = exp.Add(this=total, expression=exp.Mul(this=exp.paren(digit), expression=weight))
    return cast(total, KqlType.LONG)


def _parse_integer_text(source: exp.Expr, target: KqlType) -> exp.Expr:
    """Decimal text, a real in text truncated, or hex text (`0x1a2c`, as the ASIM parsers
    read Windows ids): kqlhunt reads hex the same way on every engine."""
    is_hex = exp.RegexpLike(this=source.copy(), expression=_DIGITS(_HEX_TEXT))
    hex_value = _hex_value(source.copy())
    if target is KqlType.INT:
        fits = exp.LTE(this=hex_value.copy(), expression=exp.Literal.number(2**31 - 1))
        hex_value = exp.Case(ifs=[exp.If(this=fits, true=cast(hex_value, KqlType.INT))])
    decimal = _parse_decimal_text(source, target)
    # Longer hex text is null everywhere (DuckDB would read it, Spark would not).
    other_hex = exp.RegexpLike(this=source.copy(), expression=_DIGITS(r"^\s*0[xX]"))
    return exp.Case(
        ifs=[
            exp.If(this=is_hex, true=hex_value),
            exp.If(this=other_hex, true=cast(exp.Null(), target)),
        ]
    ).else_(decimal)


def _parse_decimal_text(source: exp.Expr, target: KqlType) -> exp.Expr:
    as_real = exp.TryCast(this=exp.Trim(this=source), to=cast(source, KqlType.REAL).args["to"])
    whole = exp.TryCast(this=exp.Trim(this=source.copy()), to=cast(source, target).args["to"])
    truncated = exp.TryCast(this=func("TRUNC", as_real), to=cast(source, target).args["to"])
    # Engines round "1.5" when casting it to an integer; text with a fraction is truncated.
    has_fraction = exp.GT(
        this=exp.StrPosition(this=source.copy(), substr=_DIGITS(".")),
        expression=exp.Literal.number(0),
    )
    return exp.Case(ifs=[exp.If(this=has_fraction, true=truncated)]).else_(
        exp.Coalesce(this=whole, expressions=[truncated.copy()])
    )


def _parse_datetime_text(source: exp.Expr) -> exp.Expr:
    text = exp.Trim(this=source)
    no_zone = func("REGEXP_REPLACE", text, _DIGITS("(Z|[+-]00:?00)$"), _DIGITS(""))
    return exp.TryCast(this=no_zone, to=exp.DataType.build("TIMESTAMP"))


def _parse_timespan_text(source: exp.Expr) -> exp.Expr:
    # [-][d.]hh:mm[:ss[.fffffff]]
    pattern = r"^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$"

    def group(n: int) -> exp.Expr:
        extracted = exp.RegexpExtract(
            this=exp.Trim(this=source.copy()),
            expression=exp.Literal.string(pattern),
            group=exp.Literal.number(n),
        )
        return exp.Coalesce(
            this=exp.TryCast(
                this=exp.Nullif(this=extracted, expression=_DIGITS("")),
                to=exp.DataType.build("BIGINT"),
            ),
            expressions=[exp.Literal.number(0)],
        )

    fraction = exp.RegexpExtract(
        this=exp.Trim(this=source.copy()),
        expression=exp.Literal.string(pattern),
        group=exp.Literal.number(6),
    )
    fraction_ticks = exp.Coalesce(
        this=exp.TryCast(
            this=exp.Nullif(
                this=func("RPAD", fraction, exp.Literal.number(7), _DIGITS("0")),
                expression=_DIGITS("0000000"),
            ),
            to=exp.DataType.build("BIGINT"),
        ),
        expressions=[exp.Literal.number(0)],
    )
    total = exp.Add(
        this=exp.Mul(
            this=exp.paren(
                exp.Add(
                    this=exp.Add(
                        this=exp.Mul(this=group(2), expression=exp.Literal.number(86_400)),
                        expression=exp.Mul(this=group(3), expression=exp.Literal.number(3_600)),
                    ),
                    expression=exp.Add(
                        this=exp.Mul(this=group(4), expression=exp.Literal.number(60)),
                        expression=group(5),
                    ),
                )
            ),
            expression=exp.Literal.number(10_000_000),
        ),
        expression=fraction_ticks,
    )
    matches = exp.RegexpLike(
        this=exp.Trim(this=source.copy()), expression=exp.Literal.string(pattern)
    )
    negative = exp.EQ(
        this=exp.RegexpExtract(
            this=exp.Trim(this=source.copy()),
            expression=exp.Literal.string(pattern),
            group=exp.Literal.number(1),
        ),
        expression=_DIGITS("-"),
    )
    signed = exp.Case(ifs=[exp.If(this=negative, true=exp.Neg(this=exp.paren(total)))]).else_(
        total.copy()
    )
    return exp.Case(ifs=[exp.If(this=matches, true=signed)]).else_(
        cast(exp.Null(), KqlType.TIMESPAN)
    )
