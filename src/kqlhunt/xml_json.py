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


def _name(element: Any) -> str:
    qualified = etree.QName(element)
    prefix = element.prefix
    return f"{prefix}:{qualified.localname}" if prefix else qualified.localname


def _value(element: Any, parent_namespaces: dict[str | None, str]) -> Any:
    properties: dict[str, Any] = {}
    namespaces = dict(element.nsmap)
    for prefix, uri in namespaces.items():
        if parent_namespaces.get(prefix) != uri:
            properties["@xmlns" if prefix is None else f"@xmlns:{prefix}"] = uri
    for key, value in element.attrib.items():
        qualified = etree.QName(key)
        properties["@" + qualified.localname] = value
    texts = [element.text] + [child.tail for child in element]
    text = "".join(t.strip() for t in texts if t and t.strip())
    children = [child for child in element if isinstance(child.tag, str)]
    if not properties and not children:
        return text or None
    if text:
        properties["#text"] = text
    grouped: dict[str, list[Any]] = {}
    for child in children:
        grouped.setdefault(_name(child), []).append(_value(child, namespaces))
    for name, values in grouped.items():
        properties[name] = values[0] if len(values) == 1 else values
    return properties
