"""kqlhunt: run Microsoft Sentinel KQL analytic rules over endpoint logs, without a workspace."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
