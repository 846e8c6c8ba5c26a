"""Turn the text of one Sentinel rule YAML file into an `AnalyticRule`."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import PurePath
from typing import Any

import yaml

from kqlhunt import yaml_loader
from kqlhunt.errors import RuleError
from kqlhunt.rules import sections
from kqlhunt.rules.durations import parse_duration
from kqlhunt.rules.model import (
    LEGACY_ENTITY_MAPPINGS,
    AnalyticRule,
    EntityMapping,
    FieldMapping,
    RuleKind,
    Severity,
)

# Keys whose presence marks a rule that Sentinel runs on a schedule.
_SCHEDULE_KEYS = ("queryFrequency", "queryPeriod")

_TRIGGER_OPERATORS = {
    "gt": "gt",
    "greaterthan": "gt",
    "lt": "lt",
    "lessthan": "lt",
    "eq": "eq",
    "equal": "eq",
    "ne": "ne",
    "notequal": "ne",
}


def parse_rule(text: str, path: str = "<string>") -> AnalyticRule:
    """Parse the YAML text of one analytic rule or hunting query.

    A file without `kind` and without `queryFrequency`/`queryPeriod` is a hunting query.
    A missing severity is Informational for a hunting query and Medium otherwise.

    Args:
        text: The YAML document.
        path: Where the text came from; named in errors and kept on the rule.

    Returns:
        The rule.

    Raises:
        RuleError: The text is not YAML, is not a mapping, or a field is missing or invalid.
            The reason names the field and, where known, the line.
    """
    root, data = _load_yaml(text, path)
    fields = _Fields(path, root, data)

    rule_id = fields.required_text("id")
    name = fields.required_text("name")
    query = fields.required_text("query")

    kind = _kind(fields)
    severity_name = fields.text("severity")
    if severity_name is None:
        severity = Severity.INFORMATIONAL if kind is RuleKind.HUNTING else Severity.MEDIUM
    else:
        try:
            severity = Severity.from_name(severity_name)
        except ValueError:
            choices = ", ".join(s.value for s in Severity)
            message = f"must be one of {choices}, not {severity_name!r}"
            raise fields.error("severity", message) from None

    techniques_key = "relevantTechniques" if "relevantTechniques" in data else "techniques"
    suppression_enabled, suppression_duration = sections.suppression(data)
    return AnalyticRule(
        id=rule_id.strip(),
        name=name.strip(),
        query=query,
        path=path,
        query_line=fields.query_line("query"),
        query_column=fields.query_column("query"),
        description=(fields.text("description") or "").strip(),
        severity=severity,
        tactics=fields.strings("tactics"),
        techniques=fields.strings(techniques_key),
        entity_mappings=_entity_mappings(fields),
        kind=kind,
        status=_stripped(fields.text("status")),
        version=_stripped(fields.text("version")),
        query_frequency=_duration(fields, "queryFrequency"),
        query_period=_duration(fields, "queryPeriod"),
        trigger_operator=_trigger_operator(fields),
        trigger_threshold=_trigger_threshold(fields),
        custom_details=sections.custom_details(data),
        alert_details_override=sections.alert_details_override(data),
        event_grouping=sections.event_grouping(data),
        incident_configuration=sections.incident_configuration(data),
        suppression_enabled=suppression_enabled,
        suppression_duration=suppression_duration,
        required_data_connectors=sections.data_connectors(data),
        sub_techniques=sections.strings(data.get("subTechniques")),
        tags=sections.strings(data.get("tags")),
    )


def parse_kql_file(text: str, path: str = "<string>") -> AnalyticRule:
    """A plain `.kql` file as a hunting query.

    The file name (without suffix) is the rule's name and the base of a stable id, and leading
    `//` comment lines are its description.

    Raises:
        RuleError: The file holds no query.
    """
    if not text.strip():
        raise RuleError(path, "the file is empty")
    comments = []
    for line in text.splitlines():
        if not line.strip().startswith("//"):
            break
        comments.append(line.strip()[2:].strip())
    stem = PurePath(path).stem
    return AnalyticRule(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"kqlhunt:kql:{stem}")),
        name=stem,
        query=text,
        path=path,
        description=" ".join(c for c in comments if c),
        severity=Severity.INFORMATIONAL,
        entity_mappings=LEGACY_ENTITY_MAPPINGS,
        kind=RuleKind.HUNTING,
    )


def _load_yaml(text: str, path: str) -> tuple[yaml.MappingNode, dict[str, Any]]:
    loader = yaml_loader.Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise RuleError(path, "the file is empty")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise RuleError(path, f"invalid YAML: {where}{problem}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(path, f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()

    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        raise RuleError(path, "the file is not a YAML mapping of rule fields")
    return node, data


class _Fields:
    """The top-level fields of a rule file, with the line each value starts on."""

    def __init__(self, path: str, root: yaml.MappingNode, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.nodes: dict[str, yaml.Node] = {}
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode):
                self.nodes[str(key_node.value)] = value_node

    def line(self, key: str) -> int | None:
        node = self.nodes.get(key)
        return node.start_mark.line + 1 if node is not None else None

    def error(self, key: str, message: str) -> RuleError:
        line = self.line(key)
        where = f"line {line}: " if line is not None else ""
        return RuleError(self.path, f"{where}field '{key}' {message}")

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"must be text, not {_yaml_type(value)}")
        return value

    def required_text(self, key: str) -> str:
        if key not in self.data:
            raise RuleError(self.path, f"missing required field '{key}'")
        value = self.text(key)
        if value is None or not value.strip():
            raise self.error(key, "is empty")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of text; empty entries are dropped."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of text, not {_yaml_type(value)}")
        items: list[str] = []
        for index, item in enumerate(value):
            if item is None:  # a bare `-`: Sentinel's own files have a few
                continue
            if not isinstance(item, str):
                raise self.error(key, f"item {index} must be text, not {_yaml_type(item)}")
            if item.strip():
                items.append(item.strip())
        return tuple(items)

    def query_column(self, key: str) -> int | None:
        """The file column where each line of the value starts, or None when its lines are
        not the file's (folded, or a quoted or plain value over several lines)."""
        node = self.nodes[key]
        if not isinstance(node, yaml.ScalarNode):
            return None
        if node.style == "|":
            # each line of the file is the block's indentation, then the line of the value
            buffer = node.start_mark.buffer or ""
            written = buffer.rstrip("\0").split("\n")[node.start_mark.line + 1 :]
            value = str(node.value).split("\n")
            for file_line, value_line in zip(written, value, strict=False):
                if value_line.strip() and file_line.rstrip().endswith(value_line.rstrip()):
                    return len(file_line.rstrip()) - len(value_line.rstrip()) + 1
            return None
        if "\n" in str(node.value).rstrip("\n") or node.start_mark.line != node.end_mark.line:
            return None
        quoted = node.style in ("'", '"')
        return int(node.start_mark.column) + (2 if quoted else 1)

    def query_line(self, key: str) -> int:
        node = self.nodes[key]
        # A block scalar (`query: |`) starts on the line after its indicator.
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return node.start_mark.line + 2
        return node.start_mark.line + 1


def _kind(fields: _Fields) -> RuleKind:
    name = fields.text("kind")
    if name is None:
        scheduled = any(fields.data.get(k) is not None for k in _SCHEDULE_KEYS)
        return RuleKind.SCHEDULED if scheduled else RuleKind.HUNTING
    try:
        return RuleKind.from_name(name)
    except ValueError:
        choices = ", ".join(k.value for k in RuleKind)
        raise fields.error("kind", f"must be one of {choices}, not {name!r}") from None


def _entity_mappings(fields: _Fields) -> tuple[EntityMapping, ...]:
    value = fields.data.get("entityMappings")
    if not value:
        return LEGACY_ENTITY_MAPPINGS
    if not isinstance(value, list):
        raise fields.error("entityMappings", f"must be a list, not {_yaml_type(value)}")

    mappings: list[EntityMapping] = []
    for index, item in enumerate(value):
        where = f"item {index}"
        if not isinstance(item, dict):
            raise fields.error("entityMappings", f"{where} must be a mapping")
        entity_type = item.get("entityType")
        if not isinstance(entity_type, str) or not entity_type.strip():
            raise fields.error("entityMappings", f"{where} needs an entityType")
        field_items = item.get("fieldMappings")
        if not isinstance(field_items, list) or not field_items:
            raise fields.error("entityMappings", f"{where} ({entity_type}) needs fieldMappings")
        field_mappings: list[FieldMapping] = []
        for field_item in field_items:
            identifier = field_item.get("identifier") if isinstance(field_item, dict) else None
            column = field_item.get("columnName") if isinstance(field_item, dict) else None
            if not isinstance(identifier, str) or not isinstance(column, str):
                raise fields.error(
                    "entityMappings",
                    f"{where} ({entity_type}): each field mapping needs identifier and columnName",
                )
            field_mappings.append(FieldMapping(identifier.strip(), column.strip()))
        mappings.append(EntityMapping(entity_type.strip(), tuple(field_mappings)))
    return tuple(mappings)


def _duration(fields: _Fields, key: str) -> timedelta | None:
    text = fields.text(key)
    if text is None:
        return None
    duration = parse_duration(text)
    if duration is None:
        raise fields.error(key, f"must be a duration such as 5m, 1h or 14d, not {text!r}")
    return duration


def _trigger_operator(fields: _Fields) -> str | None:
    text = fields.text("triggerOperator")
    if text is None:
        return None
    operator = _TRIGGER_OPERATORS.get(text.strip().lower())
    if operator is None:
        raise fields.error("triggerOperator", f"must be gt, lt, eq or ne, not {text!r}")
    return operator


def _trigger_threshold(fields: _Fields) -> int | None:
    value = fields.data.get("triggerThreshold")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise fields.error("triggerThreshold", f"must be a whole number, not {value!r}")
    return value


def _stripped(text: str | None) -> str | None:
    return text.strip() if text is not None else None


def _yaml_type(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__
