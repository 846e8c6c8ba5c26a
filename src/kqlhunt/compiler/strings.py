"""Kusto's string operators lowered to portable SQL.

Term operators (`has` and friends) follow Kusto's term model: a value is split into maximal runs
of letters and digits, and a needle must line up with those runs. A boundary is required only
on a needle edge that is itself alphanumeric, so "a-b" has "b" and "x.exe" has ".exe", while
"ab" does not have "b". A needle holding spaces or punctuation matches as that exact phrase with
its outer terms aligned. "Alphanumeric" is read as Kusto's docs write it, without an ASCII
qualifier: letters and digits of any script, so `_` and punctuation separate terms and "café"
is one term. Matching folds ASCII case only, as Kusto does ("case-insensitive operators are
supported only for ASCII"): "Ä" =~ "ä" is false.

Each test is compiled to a cheap case-insensitive substring prefilter AND an exact check (a
regular expression for boundaries, an ASCII-only fold for case); the engines evaluate the
prefilter first and run the costly check on the few rows that pass.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from kqlhunt.compiler.sqltypes import func

_REGEX_META = frozenset("\\.^$|?*+()[]{}")
_NOT_TERM = r"[^\p{L}\p{N}]"
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

Fold = Callable[[exp.Expr], exp.Expr]


def is_term_char(ch: str) -> bool:
    return ch.isalnum()


def regex_escape(text: str) -> str:
    """Escape regex metacharacters only, so the pattern reads the same in RE2, Java and Python."""
    return "".join("\\" + ch if ch in _REGEX_META else ch for ch in text)


def _ascii_case_insensitive(text: str) -> str:
    """A regex matching `text` with ASCII letters in either case and nothing else folded."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalpha():
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(regex_escape(ch))
    return "".join(out)


def _literal_regex(text: str, case_sensitive: bool) -> str:
    return regex_escape(text) if case_sensitive else _ascii_case_insensitive(text)


def term_regex(
    needle: str, case_sensitive: bool, *, prefix: bool = False, suffix: bool = False
) -> str:
    """The regex for `has` (or `hasprefix` / `hassuffix` when `prefix` / `suffix` is set)."""
    left = "(?:^|" + _NOT_TERM + ")" if needle and is_term_char(needle[0]) and not suffix else ""
    right = "(?:$|" + _NOT_TERM + ")" if needle and is_term_char(needle[-1]) and not prefix else ""
    return left + _literal_regex(needle, case_sensitive) + right


def as_is(sql: exp.Expr) -> exp.Expr:
    """The identity fold, for case-sensitive tests."""
    return sql.copy()


def lower_any(sql: exp.Expr) -> exp.Expr:
    """LOWER: fast, but folds every script; only a prefilter for Kusto's ASCII-only folding."""
    return exp.Lower(this=sql.copy())


def lower_ascii(sql: exp.Expr) -> exp.Expr:
    """Kusto's case folding: A-Z to a-z and nothing else."""
    upper = exp.Literal.string(_ASCII_UPPER)
    return func("TRANSLATE", sql.copy(), upper, exp.Literal.string(_ASCII_UPPER.lower()))


def ignoring_case(test: Callable[[Fold], exp.Expr]) -> exp.Expr:
    """`test` with both sides folded as Kusto folds them. The LOWER form runs first and rejects
    almost every row cheaply; the exact ASCII-only form then decides the few that remain."""
    return exp.and_(test(lower_any), test(lower_ascii), copy=False)


def _position(value: exp.Expr, needle: exp.Expr) -> exp.Expr:
    return exp.GT(this=exp.StrPosition(this=value, substr=needle), expression=exp.Literal.number(0))


def contains(value: exp.Expr, needle: str, case_sensitive: bool) -> exp.Expr:
    """Substring test; the case-insensitive form folds ASCII letters only."""
    if needle == "":
        return exp.true()
    if case_sensitive:
        return _position(value, exp.Literal.string(needle))
    if not needle.isascii():
        # A regex keeps the other letters exact.
        return regex_match(value, _literal_regex(needle, False))
    lowered = exp.Literal.string(needle.lower())
    return ignoring_case(lambda fold: _position(fold(value), lowered.copy()))


def _prefilter(value: exp.Expr, needle: str, case_sensitive: bool) -> exp.Expr:
    """A cheap necessary condition for a case-insensitive match of `needle` in `value`."""
    if case_sensitive or not needle.isascii():
        return contains(value, needle, case_sensitive)
    return _position(lower_any(value), exp.Literal.string(needle.lower()))


def regex_match(value: exp.Expr, pattern: str) -> exp.Expr:
    return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))


def has(
    value: exp.Expr,
    needle: str,
    case_sensitive: bool,
    *,
    prefix: bool = False,
    suffix: bool = False,
) -> exp.Expr:
    """`value has needle` (also `hasprefix`, `hassuffix`), as prefilter AND boundary regex."""
    if needle == "":
        return exp.true() if (prefix or suffix) else exp.false()
    pattern = term_regex(needle, case_sensitive, prefix=prefix, suffix=suffix)
    if pattern == _literal_regex(needle, case_sensitive):
        return contains(value, needle, case_sensitive)  # no boundary to check
    return exp.and_(_prefilter(value, needle, case_sensitive), regex_match(value, pattern))


def has_any(value: exp.Expr, needles: list[str], case_sensitive: bool) -> exp.Expr:
    """`has_any`: one alternation regex behind an OR of substring prefilters; for a list too
    long for one regex (IOC lists of thousands), see `_has_any_of_many`."""
    needles = list(dict.fromkeys(needles))
    if not needles:
        return exp.false()
    if "" in needles:
        needles.remove("")
        if not needles:
            return exp.false()
    if len(needles) == 1:
        return has(value, needles[0], case_sensitive)
    if sum(_pattern_size(n, case_sensitive) for n in needles) > MAX_PATTERN:
        return _has_any_of_many(value, needles, case_sensitive)
    return _phrases(value, needles, case_sensitive)


# The longest alternation put in one regex: RE2 refuses programs past a size that a few hundred
# case-insensitive hashes reach ("pattern too large").
MAX_PATTERN = 16_000


def _has_any_of_many(value: exp.Expr, needles: list[str], case_sensitive: bool) -> exp.Expr:
    """`has_any` of a long list. A needle of letters and digits only (a hash, a word) is had
    exactly when it equals one of the value's terms, so those needles are looked up among the
    value's terms, folded as Kusto folds them; the others (phrases, domains, paths) are tested
    by regexes of at most `MAX_PATTERN` characters each, behind their substring prefilters."""
    words = [n for n in needles if all(map(is_term_char, n))]
    listed_words = set(words)
    tests: list[exp.Expr] = []
    if words:
        fold = as_is if case_sensitive else lower_ascii
        terms = exp.RegexpSplit(this=fold(value), expression=exp.Literal.string(_NOT_TERM + "+"))
        folded = words if case_sensitive else [_fold_ascii(w) for w in words]
        listed = exp.Array(expressions=[exp.Literal.string(w) for w in dict.fromkeys(folded)])
        tests.append(func("LIST_HAS_ANY", terms, listed))
    chunks: list[list[str]] = []
    size = 0
    for needle in needles:
        if needle in listed_words:
            continue
        length = _pattern_size(needle, case_sensitive)
        if chunks and size + length <= MAX_PATTERN:
            chunks[-1].append(needle)
            size += length
        else:
            chunks.append([needle])
            size = length
    tests.extend(_phrases(value, chunk, case_sensitive) for chunk in chunks)
    return exp.paren(exp.or_(*tests, copy=False), copy=False)


def _pattern_size(needle: str, case_sensitive: bool) -> int:
    """The characters `needle` adds to an alternation regex."""
    return len(term_regex(needle, case_sensitive)) + len("(?:)|")


def _phrases(value: exp.Expr, needles: list[str], case_sensitive: bool) -> exp.Expr:
    """`has_any` as one alternation regex behind an OR of substring prefilters."""
    prefilter = exp.or_(*(_prefilter(value, n, case_sensitive) for n in needles), copy=False)
    pattern = "|".join(f"(?:{term_regex(n, case_sensitive)})" for n in needles)
    return exp.and_(exp.paren(prefilter, copy=False), regex_match(value, pattern), copy=False)


def _fold_ascii(text: str) -> str:
    """Kusto's case folding of a needle: A-Z to a-z and nothing else."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans(_ASCII_UPPER, _ASCII_UPPER.lower())


def starts_with(value: exp.Expr, needle: str, case_sensitive: bool) -> exp.Expr:
    if case_sensitive:
        return exp.StartsWith(this=value, expression=exp.Literal.string(needle))
    if not needle.isascii():
        return regex_match(value, "^" + _literal_regex(needle, False))
    lowered = exp.Literal.string(needle.lower())
    return ignoring_case(lambda fold: exp.StartsWith(this=fold(value), expression=lowered.copy()))


def ends_with(value: exp.Expr, needle: str, case_sensitive: bool) -> exp.Expr:
    if case_sensitive:
        return exp.EndsWith(this=value, expression=exp.Literal.string(needle))
    if not needle.isascii():
        return regex_match(value, _literal_regex(needle, False) + "$")
    lowered = exp.Literal.string(needle.lower())
    return ignoring_case(lambda fold: exp.EndsWith(this=fold(value), expression=lowered.copy()))


def equals_ignore_case(left: exp.Expr, right: exp.Expr) -> exp.Expr:
    return ignoring_case(lambda fold: exp.EQ(this=fold(left), expression=fold(right)))


def strcat(*parts: exp.Expr) -> exp.Expr:
    return func("CONCAT", *parts)
