"""How the command ends when its reader goes away or the user presses Ctrl-C.

Both end quietly, as command-line tools do: no traceback and no error message. A closed pipe
(`kqlhunt hunt ... | head -1`) exits with 141 and Ctrl-C with 130, the codes a shell reports
for a tool ended by SIGPIPE or SIGINT, after the line `interrupted`.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

import click

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class QuietExitGroup(click.Group):
    """A command group whose commands end quietly on a closed output pipe and on Ctrl-C."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                # Buffered output meets a closed pipe here, not at interpreter exit, where
                # Python could only print a traceback about it.
                sys.stdout.flush()
        except BrokenPipeError:
            _discard_unwritable_output()
            sys.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            try:
                click.echo("interrupted", err=True)
            except OSError:
                _discard_unwritable_output()
            sys.exit(EXIT_INTERRUPTED)


def _discard_unwritable_output() -> None:
    """Point stdout and stderr at the null device when they can no longer be written, so
    nothing tries again on the way out."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            _to_devnull(stream)


def _to_devnull(stream: TextIO) -> None:
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):  # not a file (a test runner's buffer)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
