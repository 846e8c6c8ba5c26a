"""The YAML loader of rule and tuning files.

PyYAML's safe loader reads `2027-13-45` as a date (it has the shape of one) and then fails with
a bare `ValueError` that names no file or line. Rule files written by hand hold such values
(`version: 2024-1-1.2` typos, dates out of range), and Sentinel's own tooling keeps them as text.
This loader does the same: a timestamp-shaped scalar that is no real date stays the text it is,
and whatever reads the field reports it in its own words.
"""

from __future__ import annotations

from typing import Any

import yaml


class Loader(yaml.SafeLoader):
    """`yaml.SafeLoader`, but an impossible date stays text."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)


def load(text: str) -> Any:
    """The data of one YAML document, as `yaml.safe_load` gives it but for impossible dates."""
    return yaml.load(text, Loader=Loader)
