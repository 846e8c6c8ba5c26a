"""`parse_command_line(text, "windows")`: a command line split into its arguments as the
Windows function CommandLineToArgvW splits it.

The first argument, the program, ends at the next quote when it starts with one, else at the
first space or tab; it takes no escapes. In the arguments after it, spaces and tabs separate
arguments outside quotes; a quote starts or ends a quoted part; inside quotes `""` is one
literal quote. Backslashes are literal unless a quote follows them: then 2n backslashes give n
and the quote acts as above, and 2n+1 give n and a literal quote.

The SQL engines cannot run this, so the backends call `parse_command_line_json` as a function of
their own (`PARSE_COMMAND_LINE_FUNCTION`).
"""

from __future__ import annotations

import json

PARSE_COMMAND_LINE_FUNCTION = "KQLHUNT_PARSE_COMMAND_LINE"
"""The SQL name of the function a backend registers for `parse_command_line()`."""

_BLANKS = " \t"


def split_windows_command_line(text: str) -> list[str]:
    """The arguments of a Windows command line.

    >>> split_windows_command_line('echo "hello world!"')
    ['echo', 'hello world!']
    """
    if not text:
        return []
    program, i = _program(text)
    arguments = [program]
    while True:
        while i < len(text) and text[i] in _BLANKS:
            i += 1
        if i >= len(text):
            return arguments
        argument, i = _argument(text, i)
        arguments.append(argument)


def _program(text: str) -> tuple[str, int]:
    if text[0] == '"':
        end = text.find('"', 1)
        return (text[1:], len(text)) if end < 0 else (text[1:end], end + 1)
    end = 0  # a leading blank makes the program an empty argument, as in Windows
    while end < len(text) and text[end] not in _BLANKS:
        end += 1
    return text[:end], end


def _argument(text: str, i: int) -> tuple[str, int]:
    parts: list[str] = []
    quoted = False
    while i < len(text):
        char = text[i]
        if char in _BLANKS and not quoted:
            break
        if char == "\\":
            start = i
            while i < len(text) and text[i] == "\\":
                i += 1
            count = i - start
            if i < len(text) and text[i] == '"':
                parts.append("\\" * (count // 2))
                if count % 2:
                    parts.append('"')
                    i += 1
            else:
                parts.append("\\" * count)
            continue
        if char == '"':
            if quoted and text[i + 1 : i + 2] == '"':
                parts.append('"')
                i += 2
                continue
            quoted = not quoted
            i += 1
            continue
        parts.append(char)
        i += 1
    return "".join(parts), i


def parse_command_line_json(text: str | None) -> str | None:
    """The JSON array of `parse_command_line(text, "windows")`; null stays null."""
    if text is None:
        return None
    return json.dumps(split_windows_command_line(text), ensure_ascii=False)
