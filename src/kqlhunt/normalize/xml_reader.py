"""Windows events rendered as XML (`wevtutil qe /f:xml`, Event Viewer "Save as XML", ...).

A file holds one or many `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">`
elements, optionally inside an `<Events>` root. Each event is cut out of the text and parsed on
its own with lxml, so one broken event costs one `Skipped` entry, not the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from kqlhunt.normalize.base import classify, default_table
from kqlhunt.normalize.model import RecordStream, Skipped, WinEvent
from kqlhunt.normalize.values import parse_time

_EVENT_START = re.compile(r"<(?:\w+:)?Event[\s>]")
_EVENTS_ROOT = re.compile(r"<(?:\w+:)?Events[\s>/]")
_EVENT_END = re.compile(r"</(?:\w+:)?Event\s*>")

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_RECOVERING = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=True)
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")


def lenient_xml(content: str) -> etree._Element | None:
    """Parse one event's XML as Sysmon for Linux writes it: a bare `&` in a command line is
    taken as text, and an event cut short (syslog line limits) keeps the elements before the
    cut. None when nothing usable parses."""
    text = content.strip()
    try:
        return etree.fromstring(text, PARSER)
    except etree.XMLSyntaxError:
        pass
    try:
        element = etree.fromstring(_BARE_AMPERSAND.sub("&amp;", text), _RECOVERING)
    except etree.XMLSyntaxError:
        return None
    return element if element is not None and len(element) else None


def has_events(content: str) -> bool:
    """Whether an XML text is an event log: it has an `<Event>` element or an `<Events>` root."""
    return bool(_EVENT_START.search(content) or _EVENTS_ROOT.search(content))


def read_xml(path_name: str, content: str) -> RecordStream:
    """Yield the events of a rendered-XML text.

    Args:
        path_name: the file name, for error reports.
        content: the decoded text of the file.

    Yields:
        A `WinEvent` per process event, None per other event, a `Skipped` per event that does
        not parse or has no closing tag; positions are the line the event starts on.
    """
    line = 1
    previous = 0
    for start, end in _event_spans(content):
        line += content.count("\n", previous, start)
        previous = start
        position = f"line {line}"
        if end is None:
            yield Skipped(path_name, position, "event has no closing </Event> (file truncated?)")
            continue
        try:
            element = etree.fromstring(content[start:end], PARSER)
        except etree.XMLSyntaxError as exc:
            yield Skipped(path_name, position, f"event is not well-formed XML: {exc}")
            continue
        yield event_from_xml(element, position)


def _event_spans(content: str) -> Iterator[tuple[int, int | None]]:
    """(start, end) of each `<Event>` element; end is None when the closing tag is missing."""
    starts = [m.start() for m in _EVENT_START.finditer(content)]
    for i, start in enumerate(starts):
        limit = starts[i + 1] if i + 1 < len(starts) else len(content)
        close = _EVENT_END.search(content, start, limit)
        yield start, close.end() if close else None


def event_from_xml(element: etree._Element, position: str) -> WinEvent | None:
    """Turn one parsed `<Event>` element into a `WinEvent`, or None when it is no process event.

    Args:
        element: the `<Event>` element (namespaced or not).
        position: where the event is, for error reports.

    Returns:
        The event when it is a Sysmon 1 or Security 4688 event, else None.
    """
    system: dict[str, etree._Element] = {}
    event_data = None
    for child in element:
        name = _local(child)
        if name == "System":
            system = {_local(c): c for c in child}
        elif name == "EventData":
            event_data = child

    provider = system.get("Provider")
    kind = classify(
        _text(system.get("EventID")),
        provider.get("Name", "") if provider is not None else "",
        _text(system.get("Channel")),
    )
    if kind is None:
        return None

    created = system.get("TimeCreated")
    return WinEvent(
        kind=kind,
        position=position,
        computer=_text(system.get("Computer")),
        record_id=_text(system.get("EventRecordID")),
        time=parse_time(created.get("SystemTime")) if created is not None else None,
        data=event_data_values(event_data) if event_data is not None else {},
        table=default_table(kind),
    )


def event_data_values(event_data: etree._Element) -> dict[str, object]:
    """The `<Data Name="...">` values of an `<EventData>` element; unnamed ones as a list.

    Args:
        event_data: the `<EventData>` element.

    Returns:
        Data names to their text ("" for empty elements); values without a name, if any,
        under the key `Data`.
    """
    values: dict[str, object] = {}
    unnamed: list[str] = []
    for data in event_data:
        if _local(data) != "Data":
            continue
        name = data.get("Name")
        if name:
            values[name] = data.text or ""
        else:
            unnamed.append(data.text or "")
    if unnamed:
        values["Data"] = unnamed
    return values


def event_data_from_text(content: str) -> dict[str, object]:
    """The EventData values of an XML fragment holding an `<EventData>` element somewhere.

    Sentinel exports keep the event data this way (`SecurityEvent.EventData`,
    `Event.EventData` inside a `<DataItem>`).

    Args:
        content: the XML text.

    Returns:
        The data values, or an empty dict when the text does not parse or has no EventData.
    """
    try:
        root = etree.fromstring(content.strip(), PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    for element in root.iter():
        if isinstance(element.tag, str) and _local(element) == "EventData":
            return event_data_values(element)
    return {}


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return (element.text or "").strip()
