"""Run a piece of JavaScript against Kusto.Language (Microsoft's analyzer, npm
`@kusto/language-service-next`, installed in tests/oracle/node_modules as the oracle tests need)
and read the JSON it prints. Shared by the scripts that generate tables from it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tests" / "oracle" / "node_modules"

_PRELUDE = """
require("@kusto/language-service-next/bridge.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.js");
const K = Kusto.Language;
const version = require("@kusto/language-service-next/package.json").version;
"""


def run(script: str) -> Any:
    """The JSON value `script` prints; it sees `K` (Kusto.Language) and `version`."""
    environment = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    done = subprocess.run(
        ["node", "-e", _PRELUDE + script],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)
