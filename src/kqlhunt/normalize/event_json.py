"""Events in the JSON shape of EVTX parsers: `{"Event": {"System": ..., "EventData": ...}}`.

This is what `evtx` (`records_json()`) and `evtx_dump -o json` produce: XML attributes under
`#attributes`, element text under `#text` when an element also has attributes, numbers as
JSON numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from kqlhunt.normalize.base import classify, default_table
from kqlhunt.normalize.model import WinEvent
from kqlhunt.normalize.values import parse_time, text


def event_from_evtx_json(
    record: Mapping[str, object],
    position: str,
    fallback_time: object = None,
) -> WinEvent | None:
    """Turn one EVTX-style JSON record into a `WinEvent`, or None when it is no process event.

    Args:
        record: the decoded JSON object, with an `Event` key.
        position: where the record is, for error reports.
        fallback_time: a timestamp text to use when System/TimeCreated is missing (the EVTX
            record header time).

    Returns:
        The event when it is a Sysmon 1 or Security 4688 event, else None.
    """
    event = _mapping(record.get("Event"))
    system = _mapping(event.get("System"))
    kind = classify(
        _element_text(system.get("EventID")),
        text(_attribute(system.get("Provider"), "Name")),
        text(_element_text(system.get("Channel"))),
    )
    if kind is None:
        return None

    time = parse_time(_attribute(system.get("TimeCreated"), "SystemTime"))
    if time is None:
        time = parse_time(fallback_time)
    return WinEvent(
        kind=kind,
        position=position,
        computer=text(_element_text(system.get("Computer"))),
        record_id=text(_element_text(system.get("EventRecordID"))),
        time=time,
        data=_mapping(event.get("EventData")),
        table=default_table(kind),
    )


def is_evtx_json(record: Mapping[str, object]) -> bool:
    """Whether a JSON object has the `Event.System` shape this module reads."""
    event = record.get("Event")
    return isinstance(event, Mapping) and isinstance(event.get("System"), Mapping)


# Decoded JSON holds plain dicts: `type(value) is dict` answers for them before the far slower
# `isinstance` check against the `Mapping` ABC, kept for other mappings.


def _mapping(value: object) -> Mapping[str, object]:
    if type(value) is dict or isinstance(value, Mapping):
        return value
    return {}


def _element_text(value: object) -> object:
    """The text of an element that may carry attributes (`{"#text": 4688, ...}`)."""
    if type(value) is dict or isinstance(value, Mapping):
        return value.get("#text")
    return value


def _attribute(value: object, name: str) -> object:
    if type(value) is dict or isinstance(value, Mapping):
        attributes = value.get("#attributes")
        if type(attributes) is dict or isinstance(attributes, Mapping):
            return attributes.get(name)
    return None
