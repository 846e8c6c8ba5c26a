"""`parse_xml()`: XML text to the JSON of a dynamic value, as Kusto converts it.

Kusto's documented rules: `<e/>` is `{"e": null}`; `<e>text</e>` is `{"e": "text"}`; an
attribute `name` becomes the property `@name`; an element with attributes or children keeps its
text under `#text`; repeated child elements become an array. Only elements, attributes and text
are kept (comments, processing instructions and the XML declaration are dropped), namespace
declarations become `@xmlns` properties, and text stays text. Input that is not well-formed
XML, or longer than 1 MB, gives null.

The SQL engines cannot parse XML, so the backends call `parse_xml_json` as a function of
their own (`PARSE_XML_FUNCTION`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

PARSE_XML_FUNCTION = "KQLHUNT_PARSE_XML"
"""The SQL name of the function a backend registers for `parse_xml()`."""

MAX_INPUT = 1_048_576  # bytes, as Kusto's parse_xml

# No network, no entity expansion, no DTD: the text comes from logs and rules.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def parse_xml_json(text: str | None) -> str | None:
    """The JSON text of `parse_xml(text)`, or None (null) when it is not XML."""
    if text and text.startswith("<DataItem") and (converted := _event_data_json(text)):
        return converted
    return _tree_json(text)


def _tree_json(text: str | None) -> str | None:
    """`parse_xml_json` by way of the XML tree: any XML."""
    data = text.encode("utf-8", "surrogatepass") if text else b""
    if not data or len(data) > MAX_INPUT:
        return None
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return json.dumps({_name(root): _value(root, {})}, ensure_ascii=False)


class ParsedXml:
    """`parse_xml_json` converting each distinct text once, for the life of one engine.

    Rules that read Windows events from the `Event` table parse the same XML column, each over
    every event; with this, a hunt parses each event once. Results are kept up to `budget`
    characters of text and JSON; past it, new texts are converted on every call. Nothing is
    evicted: queries scan a table in the same order, so a least-recently-used cache smaller
    than the column would never hit.

    Args:
        budget: the most characters (inputs and results) kept.
    """

    def __init__(self, budget: int = 256 * 1024 * 1024) -> None:
        self.budget = budget
        self._held: dict[str, str | None] = {}

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return None
        held = self._held
        if text in held:
            return held[text]
        value = parse_xml_json(text)
        if self.budget > 0:
            self.budget -= len(text) + len(value or "")
            held[text] = value
        return value


# The XML of the `Event` table's EventData column, as the Log Analytics agent (and kqlhunt's
# normalizer) writes it: rules parse it for every Windows event, so this one shape is converted
# from a regular expression's matches instead of a tree. Whatever this conversion is not sure
# of, it leaves to the general one: other shapes, spacing or names; carriage returns, tabs or
# newlines that XML would normalize; characters XML forbids; `]]>`; entities other than the
# predefined and numeric ones.
_DATA_ITEM = re.compile(
    r'<DataItem((?: [A-Za-z_][\w.-]*="[^"<]*")*)>'
    r'<EventData xmlns="(http://schemas\.microsoft\.com/win/2004/08/events/event)">'
    r'((?:<Data Name="[^"<]*"(?:/>|>[^<]*</Data>))*)</EventData></DataItem>'
)
_ATTRIBUTE = re.compile(r' ([A-Za-z_][\w.-]*)="([^"<]*)"')
_DATA = re.compile(r'<Data Name="([^"<]*)"(?:/>|>([^<]*)</Data>)')
_UNSURE = re.compile(r"\r|\]\]>|[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _Unsure(Exception):
    """The shortcut cannot tell what the general conversion would give."""


def _event_data_json(text: str) -> str | None:
    """`parse_xml_json` of Event-table XML, or None when it is not that shape (or unsure)."""
    match = _DATA_ITEM.fullmatch(text)
    # Printable ASCII (the common case) holds no character to be unsure of but for `]]>`.
    plain = text.isascii() and text.isprintable()
    if match is None or ("]]>" in text if plain else _UNSURE.search(text)):
        return None
    attributes, namespace, elements = match.groups()
    try:
        item: dict[str, Any] = {}
        for name, value in _ATTRIBUTE.findall(attributes):
            if name.startswith("xmlns") or "@" + name in item or "\t" in value or "\n" in value:
                raise _Unsure
            item["@" + name] = _unescaped(value)
        event_data: dict[str, Any] = {"@xmlns": namespace}
        data = []
        for name, value in _DATA.findall(elements):
            if "\t" in name or "\n" in name:
                raise _Unsure
            element = {"@Name": _unescaped(name)}
            if value and (value := _unescaped(value).strip()):
                element["#text"] = value
            data.append(element)
    except _Unsure:
        return None
    if data:
        event_data["Data"] = data[0] if len(data) == 1 else data
    item["EventData"] = event_data
    return json.dumps({"DataItem": item}, ensure_ascii=False)


def _unescaped(value: str) -> str:
    """XML text with its entities replaced."""
    if "&" not in value:
        return value
    replaced = _ENTITY.sub(_entity, value)
    if value.count("&") != len(_ENTITY.findall(value)):
        raise _Unsure  # a bare `&` or an unknown entity: not well-formed
    return replaced


def _entity(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _PREDEFINED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    character = chr(code) if code <= 0x10FFFF else ""
    if not character or _UNSURE.fullmatch(character) or character == "\r":
        raise _Unsure
    return character


def _local(name: str) -> str:
    """A tag or attribute name without its `{namespace}`."""
    return name.rpartition("}")[2] if name[:1] == "{" else name


def _name(element: Any) -> str:
    local = _local(element.tag)
    prefix = element.prefix
    return f"{prefix}:{local}" if prefix else local


def _value(element: Any, parent_namespaces: dict[str | None, str]) -> Any:
    properties: dict[str, Any] = {}
    namespaces = element.nsmap
    if namespaces != parent_namespaces:
        for prefix, uri in namespaces.items():
            if parent_namespaces.get(prefix) != uri:
                properties["@xmlns" if prefix is None else f"@xmlns:{prefix}"] = uri
    for key, value in element.attrib.items():
        properties["@" + _local(key)] = value
    text = element.text
    text = text.strip() if text else ""
    grouped: dict[str, list[Any]] = {}
    for child in element:
        tail = child.tail
        if tail and (tail := tail.strip()):
            text += tail
        if isinstance(child.tag, str):
            grouped.setdefault(_name(child), []).append(_value(child, namespaces))
    if not properties and not grouped:
        return text or None
    if text:
        properties["#text"] = text
    for name, values in grouped.items():
        properties[name] = values[0] if len(values) == 1 else values
    return properties
