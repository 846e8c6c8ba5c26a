"""A self-contained HTML report: alerts by rule and host, a timeline drawn as inline SVG, and
pivots by host and account. It loads nothing from the network: styles are inline and a
Content-Security-Policy forbids any fetch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jinja2

from kqlhunt import __version__
from kqlhunt.alerts.build import identifier_text
from kqlhunt.alerts.model import Alert
from kqlhunt.alerts.pivots import alert_accounts, alert_host, summarize
from kqlhunt.alerts.render import format_entities
from kqlhunt.rules.model import Severity
from kqlhunt.tuning.exclusions import ExclusionCount

SEVERITY_COLORS = {
    Severity.HIGH: "#c62828",
    Severity.MEDIUM: "#ef6c00",
    Severity.LOW: "#1565c0",
    Severity.INFORMATIONAL: "#757575",
}
# Timeline geometry, in SVG user units.
LANE_HEIGHT, LABEL_WIDTH, PLOT_WIDTH, AXIS_HEIGHT, TICKS = 28, 400, 640, 36, 6


@dataclass(frozen=True)
class RuleLine:
    """One rule's line in the report's run summary."""

    name: str
    alerts: int
    error: str | None = None


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    color: str
    title: str


@dataclass(frozen=True)
class Timeline:
    """The timeline chart: one lane per rule, one dot per alert, time ticks below."""

    width: int
    height: int
    label_width: int
    lanes: list[tuple[str, float]]
    dots: list[Dot]
    ticks: list[tuple[float, str]]
    start: str
    end: str


def timeline(alerts: Sequence[Alert]) -> Timeline | None:
    """Place each alert with a time on its rule's lane; None when no alert has a time."""
    timed = [a for a in alerts if a.time is not None]
    if not timed:
        return None
    times = [_utc(a.time) for a in timed if a.time is not None]
    start, end = min(times), max(times)
    span = max((end - start).total_seconds(), 60.0)
    # A margin of 2% either side keeps the first and last dot off the edges.
    start -= timedelta(seconds=span * 0.02)
    span *= 1.04
    names = list(dict.fromkeys(a.name for a in sorted(timed, key=lambda a: a.name)))
    lane_y = {name: 10 + i * LANE_HEIGHT + LANE_HEIGHT / 2 for i, name in enumerate(names)}

    def x_of(moment: datetime) -> float:
        return LABEL_WIDTH + (moment - start).total_seconds() / span * PLOT_WIDTH

    dots = [
        Dot(
            round(x_of(_utc(a.time)), 2),
            lane_y[a.name],
            SEVERITY_COLORS[a.severity],
            f"{_utc(a.time):%Y-%m-%d %H:%M:%S} UTC · {a.name} · {alert_host(a)}",
        )
        for a in timed
        if a.time is not None
    ]
    plot_bottom = 10 + len(names) * LANE_HEIGHT
    ticks = []
    for i in range(TICKS + 1):
        moment = start + timedelta(seconds=span * i / TICKS)
        label = f"{moment:%m-%d %H:%M}" if span > 86_400 else f"{moment:%H:%M}"
        ticks.append((round(x_of(moment), 2), label))
    return Timeline(
        width=LABEL_WIDTH + PLOT_WIDTH + 20,
        height=plot_bottom + AXIS_HEIGHT,
        label_width=LABEL_WIDTH,
        lanes=[(name, y) for name, y in lane_y.items()],
        dots=dots,
        ticks=ticks,
        start=f"{min(times):%Y-%m-%d %H:%M:%S}",
        end=f"{max(times):%Y-%m-%d %H:%M:%S}",
    )


def _utc(value: datetime | None) -> datetime:
    assert value is not None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kqlhunt.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    alerts: Sequence[Alert],
    *,
    rules: Sequence[RuleLine] = (),
    exclusions: Sequence[ExclusionCount] = (),
    title: str = "kqlhunt report",
    generated: datetime | None = None,
) -> str:
    """The report as one HTML document.

    Args:
        alerts: The alerts, shown in the order given.
        rules: The rules that ran, with their alert counts or errors.
        exclusions: What each exclusion of a tuning file removed.
        title: The page title.
        generated: The instant the report names as its creation; now by default.
    """
    generated = generated or datetime.now(timezone.utc)
    rows = [
        {
            "alert": alert,
            "time": f"{_utc(alert.time):%Y-%m-%d %H:%M:%S}" if alert.time else "-",
            "host": alert_host(alert),
            "accounts": ", ".join(alert_accounts(alert)) or "-",
            "entities": format_entities(alert.entities) or "-",
            "command_line": identifier_text(alert.row.get("CommandLine")) or "",
            "color": SEVERITY_COLORS[alert.severity],
        }
        for alert in alerts
    ]
    by_host: dict[str, list[dict[str, object]]] = {}
    by_account: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_host.setdefault(str(row["host"]), []).append(row)
        for account in alert_accounts(row["alert"]):  # type: ignore[arg-type]
            by_account.setdefault(account, []).append(row)
    summary = summarize(alerts)
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        version=__version__,
        generated=f"{generated:%Y-%m-%d %H:%M:%S} UTC",
        summary=summary,
        rows=rows,
        rules=rules,
        exclusions=exclusions,
        timeline=timeline(alerts),
        by_host=[(h, by_host[h]) for h, _ in summary.by_host],
        by_account=[(a, by_account[a]) for a, _ in summary.by_account],
        colors={s.value: c for s, c in SEVERITY_COLORS.items()},
    )
