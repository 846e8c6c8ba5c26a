"""Lines of values inside a YAML document, so findings point at the offending line."""

from __future__ import annotations

from typing import Any

import yaml

from kqlhunt import yaml_loader


class YamlDocument:
    """A YAML mapping document: its data and the node tree with positions.

    Raises:
        yaml.YAMLError: The text is not one YAML document.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        loader = yaml_loader.Loader(text)
        try:
            node = loader.get_single_node()
            self.root: yaml.Node | None = node
            self.data: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()

    def line(self, *path: str | int) -> int | None:
        """The 1-based line where the value at `path` starts (keys and list indexes), or of
        its nearest ancestor that exists; None for an empty document."""
        node = self.root
        found = node.start_mark.line + 1 if node is not None else None
        for step in path:
            node = _child(node, step)
            if node is None:
                break
            found = node.start_mark.line + 1
        return found

    def key_line(self, key: str) -> int | None:
        """The line of a top-level key itself (where a block value's indicator stands)."""
        if isinstance(self.root, yaml.MappingNode):
            for key_node, _ in self.root.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    return int(key_node.start_mark.line) + 1
        return None


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                return value_node  # type: ignore[no-any-return]
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return node.value[step]  # type: ignore[no-any-return]
    return None
