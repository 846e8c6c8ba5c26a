"""Write a hunt's alerts in one of the output formats of `kqlhunt hunt --format`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from kqlhunt.alerts.model import Alert
from kqlhunt.alerts.render import render_alerts, render_summary, write_jsonl
from kqlhunt.report.console import make_console
from kqlhunt.tuning.exclusions import ExclusionCount

if TYPE_CHECKING:
    from kqlhunt.hunt import RuleOutcome

FORMATS = ("table", "jsonl", "csv", "ocsf", "html")


def write_alerts(
    fmt: str,
    alerts: Sequence[Alert],
    stream: TextIO,
    *,
    outcomes: Sequence[RuleOutcome] = (),
    tuning_path: str | None = None,
    exclusions: Sequence[ExclusionCount] = (),
) -> None:
    """Write `alerts` to `stream` as `fmt`, one of `FORMATS`.

    `table` adds the summary by rule, severity and host; `jsonl` ends with the tuning summary
    line when a tuning file was used; `html` is one self-contained page.
    """
    if fmt == "table":
        console = make_console(stream)
        render_alerts(alerts, console)
        render_summary(alerts, console)
    elif fmt == "jsonl":
        write_jsonl(alerts, stream)
        if tuning_path is not None:
            from kqlhunt.tuning.summary import tuning_json

            stream.write(json.dumps(tuning_json(tuning_path, exclusions)) + "\n")
    elif fmt == "csv":
        from kqlhunt.report.csv_output import write_csv

        write_csv(alerts, stream)
    elif fmt == "ocsf":
        from kqlhunt.report.ocsf import write_ocsf

        kinds = {o.rule.id: o.rule.kind.value for o in outcomes}
        write_ocsf(alerts, stream, kinds)
    elif fmt == "html":
        from kqlhunt.report.html import RuleLine, render_html

        rules = [
            RuleLine(o.rule.name, len(o.alerts), str(o.error) if o.error else None)
            for o in outcomes
        ]
        stream.write(render_html(alerts, rules=rules, exclusions=exclusions))
    else:
        raise ValueError(f"unknown alert format {fmt!r} (known: {', '.join(FORMATS)})")
