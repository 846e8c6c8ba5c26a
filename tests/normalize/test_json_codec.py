"""`json_codec` gives what the `json` module gives, through `orjson` or by falling back."""

from __future__ import annotations

import json
import sys

import pytest

from kqlhunt.normalize.base import additional_fields
from kqlhunt.normalize.json_codec import dumps_compact, dumps_compact_text, loads


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    "document",
    [
        '{"Event":{"System":{"EventID":1},"EventData":{"ProcessId":4242,"Image":"C:\\\\x.exe"}}}',
        '{"a":18446744073709551615,"b":-9223372036854775808}',  # the 64-bit limits
        '{"a":18446744073709551616}',  # beyond 64 bits: orjson would give a float
        '{"a":-9223372036854775809}',
        '{"a":{"b":[1,{"c":[18446744073709551616]}]}}',  # deep inside
        "18446744073709551616",
        '{"a":123456789012345678901234567890}',
        '{"a":NaN,"b":Infinity,"c":-Infinity}',  # orjson refuses these
        '{"a":1e400}',
        '{"a":"\\ud800"}',  # a lone surrogate
        '{"a":"\\ud83d\\ude00 \\u0000 \\u00e9"}',  # a surrogate pair, escapes
        '{"a":1,"a":2}',  # the last value wins
        '{"a":[1.5,-0.0,1e-7,2.5e+300,0.1]}',  # floats read alike
        '"text"',  # a document that is no object
        "[]",
    ],
)
def test_loads_matches_json(document: str) -> None:
    expected = json.loads(document)
    got = loads(document)
    assert repr(got) == repr(expected)  # repr tells an int from an equal float


@pytest.mark.parametrize("document", ["", "{", '{"a":}', "NaNx", '{"a":1}x'])
def test_loads_raises_what_json_raises(document: str) -> None:
    with pytest.raises(ValueError) as expected:
        json.loads(document)
    with pytest.raises(ValueError) as got:
        loads(document)
    assert str(got.value) == str(expected.value)


def test_loads_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        loads(None)


def test_compact_text_escapes_every_character_as_json_does() -> None:
    characters = "".join(
        chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
    )
    for start in range(0, len(characters), 4096):
        data = {'k"\\\n': characters[start : start + 4096], characters[start : start + 64]: ""}
        assert dumps_compact_text(data) == _compact(data)


@pytest.mark.parametrize(
    "data",
    [
        {"a": "\ud800"},  # orjson refuses lone surrogates
        {"\udfff": "b"},
        {1: "x", 2.5: "y", None: "z", False: "f"},  # keys that are not text
        {},
    ],
)
def test_compact_text_falls_back_to_json(data: dict[object, str]) -> None:
    assert dumps_compact_text(data) == _compact(data)  # type: ignore[arg-type]


def test_additional_fields_match_json() -> None:
    data = {
        "Image": "C:\\Windows\\cmd.exe",
        "ProcessId": 4242,
        "Big": 2**70,
        "Flag": True,
        "Nothing": None,
        "Ratio": 0.1,
        "Quote": 'say "hi"\u2028',
    }
    expected = {
        name: value if isinstance(value, str) else json.dumps(value) for name, value in data.items()
    }
    expected["Nothing"] = ""
    assert additional_fields(data) == _compact(expected)
    nested = {"List": [1.0, 1e16, 2**70, float("nan"), "x"], "Map": {"k": 1e-5}, "Id": 7}
    assert additional_fields(nested) == _compact({**nested, "Id": "7"})
    assert dumps_compact(nested) == _compact(nested)
