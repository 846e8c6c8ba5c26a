"""Ctrl-C while DuckDB runs a query stops the query and reaches the caller as Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from kqlhunt.engine import Engine

# A cross join of 10^10 rows: minutes of work in little memory.
LONG_QUERY = """
range x from 1 to 100000 step 1 | extend k = 1
| join kind=inner (range y from 1 to 100000 step 1 | extend k = 1) on k
| summarize count()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to itself")
def test_ctrl_c_during_a_query_raises_keyboard_interrupt() -> None:
    engine = Engine(backend="duckdb")
    ctrl_c = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    ctrl_c.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            engine.query(LONG_QUERY)
    finally:
        ctrl_c.cancel()
        engine.close()
