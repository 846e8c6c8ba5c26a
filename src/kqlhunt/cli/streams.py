"""How the command ends when its reader goes away, the user presses Ctrl-C, or kqlhunt fails.

The first two end quietly, as command-line tools do: no traceback and no error message. A
closed pipe (`kqlhunt hunt ... | head -1`) exits with 141 and Ctrl-C with 130, the codes a shell
reports for a tool ended by SIGPIPE or SIGINT, after the line `interrupted`. An error kqlhunt
did not foresee (a bug) ends with one line naming it and exit code 70 (sysexits' EX_SOFTWARE),
never with Python's 1, which means "alerts were raised"; `-v` logs its traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, TextIO

import click

log = logging.getLogger(__name__)

EXIT_INTERNAL = 70  # sysexits' EX_SOFTWARE
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
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors and exits, which click reports itself
        except Exception as error:
            log.info("kqlhunt failed unexpectedly", exc_info=True)
            click.echo(
                f"error: kqlhunt failed unexpectedly ({type(error).__name__}: {error}); this is "
                "a fault of kqlhunt's, and `kqlhunt -v ...` shows where it happened",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


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
