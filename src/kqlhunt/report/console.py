"""The rich consoles kqlhunt writes to people with.

Rich honours NO_COLOR (https://no-color.org) by dropping colours but still writes bold, dim
and italic; with NO_COLOR set these consoles write no style escape at all. A closed pipe is
raised as `BrokenPipeError` for the command to end on, instead of rich's own exit.
"""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def no_color() -> bool:
    """Whether the user asked for output without colour or style (NO_COLOR set, not empty)."""
    return os.environ.get("NO_COLOR", "") != ""


def make_console(
    file: TextIO | None = None, *, stderr: bool = False, soft_wrap: bool = False
) -> Console:
    """A console on `file` (stdout by default, or stderr) that never reads text as markup
    highlights and writes no style under NO_COLOR."""
    return _Console(
        file=file,
        stderr=stderr,
        highlight=False,
        soft_wrap=soft_wrap,
        color_system=None if no_color() else "auto",
    )
