"""MITRE ATT&CK lookups for lint: Sentinel's tactic names and the Enterprise techniques.

Sentinel spells tactics in CamelCase (`InitialAccess`); ATT&CK's STIX data uses short names
(`initial-access`). `PreAttack` is Sentinel's name for the retired PRE-ATT&CK matrix, and the
two ICS tactics belong to ATT&CK for ICS, whose techniques the Enterprise table does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from kqlhunt.lint.attack_data import ATTACK_VERSION, TECHNIQUES

SENTINEL_TACTICS: Final[dict[str, str | None]] = {
    "Reconnaissance": "reconnaissance",
    "ResourceDevelopment": "resource-development",
    "InitialAccess": "initial-access",
    "Execution": "execution",
    "Persistence": "persistence",
    "PrivilegeEscalation": "privilege-escalation",
    "DefenseEvasion": "defense-evasion",
    "CredentialAccess": "credential-access",
    "Discovery": "discovery",
    "LateralMovement": "lateral-movement",
    "Collection": "collection",
    "Exfiltration": "exfiltration",
    "CommandAndControl": "command-and-control",
    "Impact": "impact",
    "PreAttack": None,
    "ImpairProcessControl": None,
    "InhibitResponseFunction": None,
}

# PRE-ATT&CK's tactics became these two Enterprise tactics in ATT&CK v8.
PRE_ATTACK_SUCCESSORS: Final = frozenset({"reconnaissance", "resource-development"})

TECHNIQUE_ID = re.compile(r"^T\d{4}(\.\d{3})?$")
ICS_TECHNIQUE_ID = re.compile(r"^T0\d{3}$")


@dataclass(frozen=True, slots=True)
class Technique:
    """One ATT&CK Enterprise technique as the generated table holds it."""

    id: str
    name: str
    tactics: tuple[str, ...]
    status: str  # "", "revoked" or "deprecated"
    replaced_by: str


def technique(technique_id: str) -> Technique | None:
    """The technique with this id (`T1059`, `T1059.001`), or None when ATT&CK has none."""
    entry = TECHNIQUES.get(technique_id)
    if entry is None:
        return None
    name, tactics, status, replaced_by = entry
    return Technique(technique_id, name, tactics, status, replaced_by)


_BY_FOLDED = {name.lower(): name for name in SENTINEL_TACTICS}


def canonical_tactic(name: str) -> str | None:
    """Sentinel's spelling of a tactic written with other case, blanks or dashes
    (`Initial access` -> `InitialAccess`), or None when it is no tactic at all."""
    folded = "".join(c for c in name if c.isalnum()).lower()
    return _BY_FOLDED.get(folded)


def tactic_short_names(sentinel_tactics: tuple[str, ...]) -> set[str]:
    """ATT&CK short names of the rule's tactics; PreAttack stands for its two successors."""
    names: set[str] = set()
    for tactic in sentinel_tactics:
        if tactic == "PreAttack":
            names |= PRE_ATTACK_SUCCESSORS
        short = SENTINEL_TACTICS.get(tactic)
        if short is not None:
            names.add(short)
    return names


def sentinel_tactic_name(short_name: str) -> str:
    """`initial-access` -> `InitialAccess`."""
    return "".join(part.capitalize() for part in short_name.split("-"))


__all__ = [
    "ATTACK_VERSION",
    "SENTINEL_TACTICS",
    "TECHNIQUE_ID",
    "Technique",
    "canonical_tactic",
    "sentinel_tactic_name",
    "tactic_short_names",
    "technique",
]
