"""The KQL tokenizer: query text in, a list of positioned tokens out."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from kqlhunt.errors import KqlSyntaxError, SourcePosition


class TokenType(enum.Enum):
    IDENTIFIER = "identifier"
    STRING = "string"
    INT = "int"
    REAL = "real"
    TIMESPAN = "timespan"
    OPERATOR = "operator"  # punctuation and symbolic operators: | ( ) == =~ ..
    KEYWORD_OPERATOR = "keyword operator"  # word operators with a bang or tilde: !has, in~
    RAW = "raw literal text"  # the text inside datetime(...) and timespan(...)
    EOF = "end of query"


@dataclass(frozen=True, slots=True)
class Token:
    type: TokenType
    text: str  # the source text of the token
    value: object  # the decoded value: string contents, number, ticks, or the text
    offset: int  # character offset in the query

    def is_op(self, *texts: str) -> bool:
        return self.type is TokenType.OPERATOR and self.text in texts

    def is_word(self, *words: str) -> bool:
        return self.type in (TokenType.IDENTIFIER, TokenType.KEYWORD_OPERATOR) and (
            self.text in words
        )


# Tabular operators and options whose names contain a hyphen; the tokenizer reads each as one word.
HYPHENATED_WORDS = frozenset(
    {
        "project-away",
        "project-keep",
        "project-rename",
        "project-reorder",
        "project-smart",
        "mv-expand",
        "mv-apply",
        "parse-where",
        "parse-kv",
        "make-series",
        "top-nested",
        "top-hitters",
        "fork-join",
        "graph-match",
        "make-graph",
        "graph-merge",
        "graph-to-table",
        "scan-join",
    }
)

# Words after which `['name']` quotes a column name rather than indexing a value.
_NAME_INTRODUCERS = frozenset(
    {"print", "extend", "project", "by", "summarize", "distinct", "let", "and", "or", "on"}
    | {"where", "filter", "sort", "order", "top", "take", "limit"}
    | {"range", "from", "to", "step", "union", "join", "lookup", "as", "serialize", "invoke"}
    | HYPHENATED_WORDS
)

# Words whose parenthesised argument is literal text, not tokens: datetime(2014-05-25T08:20Z).
RAW_LITERAL_WORDS = frozenset({"datetime", "date", "timespan", "time", "guid"})

# Word operators spelled with a leading '!' or a trailing '~' (or both).
_BANG_WORDS = frozenset(
    {
        "has",
        "has_cs",
        "hasprefix",
        "hasprefix_cs",
        "hassuffix",
        "hassuffix_cs",
        "contains",
        "contains_cs",
        "startswith",
        "startswith_cs",
        "endswith",
        "endswith_cs",
        "in",
        "between",
        "has_any",
        "has_all",
    }
)

# Longest first, so that '==' wins over '='.
_SYMBOLS = (
    "!~",
    "=~",
    "==",
    "!=",
    "<>",
    "<=",
    ">=",
    "=>",
    "..",
    "|",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
    "%",
    ".",
    ":",
    "?",
)

# Units of timespan literals, in ticks of 100 ns.
_TICKS_PER_SECOND = 10_000_000
TIMESPAN_UNITS: dict[str, int] = {
    "d": 86_400 * _TICKS_PER_SECOND,
    "day": 86_400 * _TICKS_PER_SECOND,
    "days": 86_400 * _TICKS_PER_SECOND,
    "h": 3_600 * _TICKS_PER_SECOND,
    "hr": 3_600 * _TICKS_PER_SECOND,
    "hrs": 3_600 * _TICKS_PER_SECOND,
    "hour": 3_600 * _TICKS_PER_SECOND,
    "hours": 3_600 * _TICKS_PER_SECOND,
    "m": 60 * _TICKS_PER_SECOND,
    "min": 60 * _TICKS_PER_SECOND,
    "minute": 60 * _TICKS_PER_SECOND,
    "minutes": 60 * _TICKS_PER_SECOND,
    "s": _TICKS_PER_SECOND,
    "sec": _TICKS_PER_SECOND,
    "second": _TICKS_PER_SECOND,
    "seconds": _TICKS_PER_SECOND,
    "ms": 10_000,
    "milli": 10_000,
    "millis": 10_000,
    "millisec": 10_000,
    "millisecond": 10_000,
    "milliseconds": 10_000,
    "microsec": 10,
    "microsecond": 10,
    "microseconds": 10,
    "tick": 1,
    "ticks": 1,
}

_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?",
)
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_]*")
_UNIT = re.compile(r"[A-Za-z]+")
# A name may start with digits when letters follow that do not make a number: `5Minutebin`.
_DIGIT_WORD = re.compile(r"\d+[A-Za-z_][A-Za-z0-9_]*")
_OCTAL_ESCAPE = re.compile(r"[0-7]{1,3}")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def position_of(text: str, offset: int, source_name: str = "<query>") -> SourcePosition:
    """The line, column and line text of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    if line_end < 0:
        line_end = len(text)
    line = text.count("\n", 0, offset) + 1
    return SourcePosition(line, offset - line_start + 1, text[line_start:line_end], source_name)


class Tokenizer:
    """Splits KQL text into tokens. Comments (`//` to end of line) and whitespace are dropped."""

    def __init__(self, text: str, source_name: str = "<query>") -> None:
        self.text = text
        self.source_name = source_name
        self.pos = 0
        self.tokens: list[Token] = []

    def tokenize(self) -> list[Token]:
        text = self.text
        while True:
            self._skip_blanks()
            if self.pos >= len(text):
                break
            token = self._next_token()
            self.tokens.append(token)
            if token.type is TokenType.IDENTIFIER and token.text in RAW_LITERAL_WORDS:
                self._raw_argument()
        # The end points just past the last text, so errors there show the line they belong to.
        self.tokens.append(Token(TokenType.EOF, "", None, len(text.rstrip())))
        return self.tokens

    def _error(self, message: str, offset: int) -> KqlSyntaxError:
        return KqlSyntaxError(message, position_of(self.text, offset, self.source_name))

    def _skip_blanks(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch.isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break

    def _next_token(self) -> Token:
        text, start = self.text, self.pos
        ch = text[start]

        if ch in "'\"":
            return self._quoted(start, start, verbatim=False)
        if ch in "@hH" and text[start + 1 : start + 2] in ("'", '"'):
            return self._quoted(start, start + 1, verbatim=ch == "@")
        if (
            ch in "hH"
            and text[start + 1 : start + 2] == "@"
            and text[start + 2 : start + 3] in "'\""
        ):
            return self._quoted(start, start + 2, verbatim=True)
        if text.startswith("```", start) or text.startswith("~~~", start):
            return self._multiline(start)
        if ch.isdigit() or (ch == "." and text[start + 1 : start + 2].isdigit()):
            return self._number(start)
        if ch == "[" and text[start + 1 : start + 2] in ("'", '"') and not self._indexable():
            name = self._bracketed_name(start)
            if name is not None:
                return name
        if ch == "!" and (m := _WORD.match(text, start + 1)) and m.group() in _BANG_WORDS:
            end = m.end()
            if text.startswith("~", end) and m.group() == "in":
                end += 1
            self.pos = end
            word = text[start:end]
            return Token(TokenType.KEYWORD_OPERATOR, word, word, start)
        if m := _WORD.match(text, start):
            return self._word(start, m.end())
        for symbol in _SYMBOLS:
            if text.startswith(symbol, start):
                self.pos = start + len(symbol)
                return Token(TokenType.OPERATOR, symbol, symbol, start)
        raise self._error(f"unexpected character {ch!r}", start)

    def _word(self, start: int, end: int) -> Token:
        text = self.text
        # Hyphenated operator names such as project-away and mv-expand are one word.
        while text.startswith("-", end) and (m := _WORD.match(text, end + 1)):
            candidate = text[start : m.end()]
            if not any(w == candidate or w.startswith(candidate + "-") for w in HYPHENATED_WORDS):
                break
            end = m.end()
        word = text[start:end]
        if word == "in" and text.startswith("~", end):
            end += 1
            word = "in~"
            self.pos = end
            return Token(TokenType.KEYWORD_OPERATOR, word, word, start)
        self.pos = end
        return Token(TokenType.IDENTIFIER, word, word, start)

    def _number(self, start: int) -> Token:
        text = self.text
        m = _NUMBER.match(text, start)
        assert m is not None
        literal, end = m.group(), m.end()
        word = _DIGIT_WORD.match(text, start) if literal.isdigit() else None
        if word and word.group()[len(literal) :].lower() not in TIMESPAN_UNITS:
            return self._word(start, word.end())
        unit = _UNIT.match(text, end)
        if unit and not literal.lower().startswith("0x"):
            name = unit.group().lower()
            if name not in TIMESPAN_UNITS:
                raise self._error(f"unknown timespan unit {unit.group()!r}", end)
            self.pos = unit.end()
            ticks = round(float(literal) * TIMESPAN_UNITS[name])
            return Token(TokenType.TIMESPAN, text[start : unit.end()], ticks, start)
        self.pos = end
        if literal.lower().startswith("0x"):
            return Token(TokenType.INT, literal, int(literal, 16), start)
        if any(c in literal for c in ".eE"):
            return Token(TokenType.REAL, literal, float(literal), start)
        return Token(TokenType.INT, literal, int(literal), start)

    def _quoted(self, start: int, quote_at: int, verbatim: bool) -> Token:
        text = self.text
        quote = text[quote_at]
        i = quote_at + 1
        parts: list[str] = []
        while True:
            if i >= len(text) or text[i] == "\n":
                raise self._error("unterminated string literal", start)
            ch = text[i]
            if ch == quote:
                if verbatim and text.startswith(quote, i + 1):
                    parts.append(quote)
                    i += 2
                    continue
                i += 1
                break
            if ch == "\\" and not verbatim:
                i, decoded = self._escape(i)
                parts.append(decoded)
                continue
            parts.append(ch)
            i += 1
        self.pos = i
        return Token(TokenType.STRING, text[start:i], "".join(parts), start)

    def _escape(self, at: int) -> tuple[int, str]:
        text = self.text
        code = text[at + 1 : at + 2]
        if code in _SIMPLE_ESCAPES:
            return at + 2, _SIMPLE_ESCAPES[code]
        if code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[at + 2 : at + 6]):
            return at + 6, chr(int(text[at + 2 : at + 6], 16))
        if octal := _OCTAL_ESCAPE.match(text, at + 1):
            return octal.end(), chr(int(octal.group(), 8))
        if code == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[at + 2 : at + 4]):
            return at + 4, chr(int(text[at + 2 : at + 4], 16))
        raise self._error(f"unknown escape sequence '\\{code}' in string literal", at)

    def _multiline(self, start: int) -> Token:
        fence = self.text[start : start + 3]
        end = self.text.find(fence, start + 3)
        if end < 0:
            raise self._error("unterminated multi-line string literal", start)
        self.pos = end + 3
        return Token(
            TokenType.STRING, self.text[start : end + 3], self.text[start + 3 : end], start
        )

    def _raw_argument(self) -> None:
        """After datetime/timespan/guid: `(`, the untokenized text up to `)`, and `)`."""
        self._skip_blanks()
        text, start = self.text, self.pos
        if not text.startswith("(", start):
            return
        close = text.find(")", start + 1)
        if close < 0:
            raise self._error("unterminated literal: missing ')'", start)
        self.tokens.append(Token(TokenType.OPERATOR, "(", "(", start))
        raw = text[start + 1 : close]
        if raw.strip():
            self.tokens.append(Token(TokenType.RAW, raw, raw, start + 1))
        self.tokens.append(Token(TokenType.OPERATOR, ")", ")", close))
        self.pos = close + 1

    def _indexable(self) -> bool:
        """Whether '[' here indexes the previous value (`bag["key"]`) rather than quoting a name."""
        if not self.tokens:
            return False
        last = self.tokens[-1]
        if last.type is TokenType.IDENTIFIER:
            return last.text not in _NAME_INTRODUCERS
        return last.is_op(")", "]")

    def _bracketed_name(self, start: int) -> Token | None:
        """`['column name']` quotes an identifier; None when the brackets hold something else."""
        quoted = self._quoted(start + 1, start + 1, verbatim=False)
        if not self.text.startswith("]", self.pos):
            self.pos = start
            return None
        self.pos += 1
        return Token(TokenType.IDENTIFIER, self.text[start : self.pos], quoted.value, start)


def tokenize(text: str, source_name: str = "<query>") -> list[Token]:
    """Tokenize KQL text. Raises KqlSyntaxError with a position on bad input."""
    return Tokenizer(text, source_name).tokenize()
