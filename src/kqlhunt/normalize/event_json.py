"""Events in the JSON shape of EVTX parsers: `{"Event": {"System": ..., "EventData": ...}}`.

This is what `evtx` (`records_json()`) and `evtx_dump -o json` produce: XML attributes under
`#attributes`, element text under `#text` when an element also has attributes, numbers as
JSON numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

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


def _mapping(value: object) -> Mapping[str, object]:
    return value if _is_mapping(value) else {}


def _element_text(value: object) -> object:
    """The text of an element that may carry attributes (`{"#text": 4688, ...}`)."""
    if _is_mapping(value):
        return value.get("#text")
    return value


def _attribute(value: object, name: str) -> object:
    if _is_mapping(value):
        attributes = value.get("#attributes")
        if _is_mapping(attributes):
            return attributes.get(name)
    return None


# The other types decoded JSON holds. Checking the type first answers for them, and for plain
# dicts, before the far slower `isinstance` check against the `Mapping` ABC, kept for other
# mappings.
_JSON_SCALARS = frozenset({str, int, float, bool, type(None), list})


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    kind = type(value)
    return kind is dict or (kind not in _JSON_SCALARS and isinstance(value, Mapping))
