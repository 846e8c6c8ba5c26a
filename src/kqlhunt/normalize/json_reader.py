"""JSON log files: one object per line (NDJSON), objects one after another (pretty-printed
`evtx_dump` output), or a JSON array of objects.

Objects are decoded one at a time with `raw_decode`, so NDJSON and concatenated objects are
the same case. After an object that does not decode, reading resumes at the next line that
starts with `{` in the first column, which is where the next top-level object begins in both
layouts. A JSON array is decoded whole when it can be; when it cannot, its elements are
decoded one by one up to the first broken one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from kqlhunt.normalize.json_shapes import event_from_object
from kqlhunt.normalize.model import RecordStream, Skipped

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"\s*")
_NEXT_OBJECT = re.compile(r"\n\{")


def read_json(path_name: str, content: str) -> RecordStream:
    """Yield the records of a JSON log text.

    Args:
        path_name: the file name, for error reports.
        content: the decoded text, starting (after whitespace) with `{` or `[`.

    Yields:
        A `WinEvent` per process event, None per other object, a `Skipped` per value that
        does not decode or is not an object. Positions are "line N" (the line an object
        starts on) or, inside a JSON array, "element N".
    """
    start = _skip_space(content, 0)
    is_array = content[start : start + 1] == "["
    values = _array(content, start) if is_array else _objects(content)
    for position, value, error in values:
        if error:
            yield Skipped(path_name, position, error)
        elif isinstance(value, dict):
            try:
                yield event_from_object(value, position)
            except ValueError as exc:
                yield Skipped(path_name, position, str(exc))
        else:
            yield Skipped(path_name, position, f"not a JSON object: {type(value).__name__}")


# (position, decoded value, error message or "")
_Value = tuple[str, object, str]


def _objects(content: str) -> Iterator[_Value]:
    """Each top-level value of a text of concatenated JSON values."""
    lines = _LineCounter(content)
    pos = 0
    end = len(content)
    while True:
        pos = _skip_space(content, pos)
        if pos >= end:
            return
        position = f"line {lines.at(pos)}"
        try:
            value, pos = _DECODER.raw_decode(content, pos)
        except json.JSONDecodeError as exc:
            yield position, None, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            resume = _NEXT_OBJECT.search(content, pos)
            if resume is None:
                return
            pos = resume.start() + 1
            continue
        yield position, value, ""


def _array(content: str, start: int) -> Iterator[_Value]:
    """Each element of a top-level JSON array, as far as the array decodes."""
    try:
        whole = json.loads(content)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        for number, element in enumerate(whole, 1):
            yield f"element {number}", element, ""
        return

    pos = start + 1
    number = 0
    while True:
        pos = _skip_space(content, pos)
        if content[pos : pos + 1] == "]":
            return
        number += 1
        position = f"element {number}"
        try:
            element, pos = _DECODER.raw_decode(content, pos)
        except json.JSONDecodeError as exc:
            yield position, None, f"invalid JSON: {exc.msg}; the rest of the array is not read"
            return
        yield position, element, ""
        pos = _skip_space(content, pos)
        if content[pos : pos + 1] == ",":
            pos += 1
        elif content[pos : pos + 1] != "]":
            yield f"element {number + 1}", None, "invalid JSON: expected ',' or ']' in array"
            return


def _skip_space(content: str, pos: int) -> int:
    match = _WHITESPACE.match(content, pos)
    return match.end() if match else pos


class _LineCounter:
    """Line numbers of increasing offsets in a text, counted incrementally."""

    def __init__(self, content: str) -> None:
        self._content = content
        self._offset = 0
        self._line = 1

    def at(self, offset: int) -> int:
        self._line += self._content.count("\n", self._offset, offset)
        self._offset = offset
        return self._line
