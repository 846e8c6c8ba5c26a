"""String functions: documented examples and the awkward cases (empty, Unicode, invalid input)."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.errors import UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import on_value, scalar


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('trim_start("-", "--a--")', "a--"),
        ('trim_end("-", "--a--")', "--a"),
        (r'trim_start(@"[^\w]+", "  .hello")', "hello"),
        ('trim_end("x", "")', ""),
        # countof: plain matches may overlap, regex matches do not (documented examples)
        ('countof("aaa", "a")', 3),
        ('countof("ababa", "ab", "normal")', 2),
        ('countof("ababa", "aba", "regex")', 1),
        ('countof("abcabc", "a.c", "regex")', 2),
        ('countof("abcdefedcba", "[abc]", "regex")', 6),
        ('countof("Hello, world!", "o")', 2),
        (r'countof(@"C:\Windows\x", @"\")', 2),
        ('countof("", "a")', 0),
        ('countof("abc", "")', 0),
        ('reverse("abc")', "cba"),
        ('reverse("")', ""),
        ("reverse(123)", "321"),
        ('strrep("ab", 3)', "ababab"),
        ('strrep("ab", 3, ",")', "ab,ab,ab"),
        ('strrep("ab", 0, ",")', ""),
        ('isascii("abc")', True),
        ('isascii("café")', False),
        ('isascii("")', True),
        ('translate("abc", "x", "aabbcc")', "xxxxxx"),
        ('translate("ab", "xy", "aabbcc")', "xxyycc"),
        ('translate("abc", "", "aabbcc")', ""),
        ('string_size("abc")', 3),
        ('string_size("é")', 2),
        ('strlen("é")', 1),
        # base64: the documented examples; text that is not base64 or not UTF-8 gives ""
        ('base64_decode_tostring("S3VzdG8=")', "Kusto"),
        ('base64_decode_tostring("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")', ""),
        ('base64_decode_tostring("not base64!")', ""),
        ('base64_decode_tostring("")', ""),
        ('base64_decode_tostring("w6k=")', "é"),
        ('base64_encode_tostring("Kusto")', "S3VzdG8="),
        ('base64_encode_tostring("é")', "w6k="),
        ('base64_encode_tostring("")', ""),
        ('url_decode(@"https%3a%2f%2fwww.bing.com%2f")', "https://www.bing.com/"),
        ('url_decode("a%20b")', "a b"),
        ('hash_md5("World")', "f5a7924e621e84c9280a9a27e1bcb7f6"),
        ('hash_sha1("World")', "70c07ec18ef89c5309bbb0937f3a6342411e1fdd"),
        (
            'hash_sha256("World")',
            "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524",
        ),
        ('hash_md5("")', "d41d8cd98f00b204e9800998ecf8427e"),
        # extract with a result type: no match or a failed conversion is null
        (r'extract(@"-(\d{2})-", 1, "15-12-2024", typeof(int))', 12),
        (r'isnull(extract(@"(\w+)", 1, "abc", typeof(long)))', True),
        (r'isnull(extract(@"(\d+)", 1, "abc", typeof(long)))', True),
        (r'extract(@"(\d+\.\d+)", 1, "v 1.5", typeof(real))', 1.5),
        (r'extract(@"(\w+)", 1, "abc", typeof(string))', "abc"),
        # named groups in either of RE2's spellings, on every backend
        (r'extract(@"(?P<n>b)(?<m>c)", 2, "abc")', "c"),
        (r'extract_all(@"(?<k>\w)=(?P<v>\d)", dynamic(["v"]), "a=1 b=2")', ["1", "2"]),
        (r'replace_regex("a=1", @"(?<k>\w)=(?<v>\d)", @"\2=\1")', "1=a"),
        (r'"key=7" matches regex @"^(?<k>\w+)=\d$"', True),
    ],
)
def test_string_function(expression: str, expected: Any) -> None:
    assert scalar(expression) == expected


def test_functions_read_columns_as_well_as_constants() -> None:
    assert on_value("a.b.c", KqlType.STRING, 'countof(v, ".")') == 2
    assert on_value("", KqlType.STRING, "reverse(v)") == ""
    assert on_value("S3VzdG8=", KqlType.STRING, "base64_decode_tostring(v)") == "Kusto"


@pytest.mark.parametrize(
    ("expression", "construct"),
    [
        ('countof("aaaa", "aa")', "countof() of a text that can overlap itself"),
        ('countof("hello", "ll")', "countof() of a text that can overlap itself"),
        ('hash("a")', "the function 'hash()'"),
        ('base64_decode_toarray("S3VzdG8=")', "the function 'base64_decode_toarray()'"),
    ],
)
def test_string_functions_kqlhunt_refuses(expression: str, construct: str) -> None:
    with pytest.raises(UnsupportedKqlError) as caught:
        scalar(expression)
    assert caught.value.construct == construct
