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

    def __init__(self, budget: int = 128 * 1024 * 1024) -> None:
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
