"""The ASIM schemas by name, and every name Sentinel gives their parsers and tables.

Sentinel spells each ASIM schema in several ways: the workspace-deployed unions (`imDns`), the
built-in parsers (`_Im_Dns`, `_ASim_Dns`), the parameter-less unions (`ASimDns`), the
per-source parsers (`vimDnsCiscoUmbrella`, `_Im_Dns_CiscoUmbrella`, `ASimDnsCiscoUmbrella`)
and the ingestion-time normalized table (`ASimDnsActivityLogs`). Every one of those names
answers with the same rows, so kqlhunt gives them all one table: the schema's `table` name.

References: the ASIM schema pages, https://learn.microsoft.com/azure/sentinel/normalization-schema-<x>
(their "Parsers" sections), and the source parsers Microsoft lists for each union in
Azure/Azure-Sentinel `Parsers/ASim<Schema>/Parsers/im<Schema>.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AsimSchema:
    """One ASIM schema and the names its parsers answer to.

    Attributes:
        name: the schema as ASIM names it (`Dns`, `NetworkSession`, ...).
        table: the union name kqlhunt holds the schema's rows under (`imDns`).
        spellings: the schema's words in parser names (`Dns`; `Registry` and `RegistryEvent`).
        logs_table: the ingestion-time normalized table (`ASimDnsActivityLogs`), if any.
        sources: the per-source parsers' source names (`CiscoUmbrella`, ...).
        extra: further names of the schema's union (older or built-in spellings).
    """

    name: str
    table: str
    spellings: tuple[str, ...]
    logs_table: str | None = None
    sources: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def names(self) -> Iterator[str]:
        """Every name of the schema, the union's `table` first, each once."""
        seen: set[str] = set()
        for name in self._all_names():
            if name not in seen:
                seen.add(name)
                yield name

    def _all_names(self) -> Iterator[str]:
        yield self.table
        yield from self.extra
        for word in self.spellings:
            yield from (f"im{word}", f"_Im_{word}", f"ASim{word}", f"_ASim_{word}", f"vim{word}")
            for source in self.sources:
                yield from (f"vim{word}{source}", f"ASim{word}{source}", f"im{word}{source}")
                yield from (f"_Im_{word}_{source}", f"_ASim_{word}_{source}")
        if self.logs_table is not None:
            yield self.logs_table

    def filtering_parser(self, name: str) -> bool:
        """Whether `name` is one of the schema's filtering parsers, which take parameters
        (`im*`, `_Im_*`, `vim*`); the `ASim*` unions and the tables take none."""
        return name.startswith(("im", "_Im_", "vim")) and name != self.logs_table


PROCESS_EVENT = AsimSchema(
    "ProcessEvent",
    "imProcessCreate",
    ("ProcessCreate",),
    logs_table="ASimProcessEventLogs",
    sources=(
        "Microsoft365D",
        "MicrosoftSysmon",
        "MicrosoftSysmonWindowsEvent",
        "MicrosoftSecurityEvents",
        "MicrosoftWindowsEvents",
        "LinuxSysmon",
    ),
    extra=(
        "imProcess",
        "imProcessEvent",
        "_Im_ProcessEvent",
        "_ASim_ProcessEvent_Create",
        "_ASim_ProcessEvent",
        "ASimProcessEventCreate",
        "ASimProcessEvent",
        *(
            f"_ASim_ProcessEvent_{source}"
            for source in (
                "Microsoft365D",
                "CreateMicrosoftSysmon",
                "CreateMicrosoftSysmonWindowsEvent",
                "CreateMicrosoftSecurityEvents",
                "CreateMicrosoftWindowsEvents",
                "CreateLinuxSysmon",
            )
        ),
    ),
)
"""Process creation: `imProcessCreate`, the union of every source kqlhunt normalizes. The
non-creation names (`imProcess`, `imProcessEvent`) answer with it too."""

AUDIT_EVENT = AsimSchema(
    "AuditEvent",
    "imAuditEvent",
    ("AuditEvent",),
    logs_table="ASimAuditEventLogs",
    sources=("MicrosoftExchangeAdmin365", "AzureActivity", "MicrosoftWindowsEvents"),
)
AUTHENTICATION = AsimSchema(
    "Authentication",
    "imAuthentication",
    ("Authentication",),
    logs_table="ASimAuthenticationEventLogs",
    sources=(
        "AADManagedIdentitySignInLogs",
        "AADNonInteractiveUserSignInLogs",
        "AADServicePrincipalSignInLogs",
        "SigninLogs",
        "AWSCloudTrail",
        "OktaSSO",
        "OktaV2",
        "M365Defender",
        "MicrosoftWindowsEvent",
        "MD4IoT",
        "PostgreSQL",
        "Sshd",
        "Su",
        "Sudo",
    ),
)
DNS = AsimSchema(
    "Dns",
    "imDns",
    ("Dns",),
    logs_table="ASimDnsActivityLogs",
    sources=(
        "CiscoUmbrella",
        "InfobloxNIOS",
        "MicrosoftOMS",
        "Gcp",
        "CorelightZeek",
        "MicrosoftSysmon",
        "AzureFirewall",
        "MicrosoftNXlog",
        "ZscalerZIA",
        "Native",
        "VectraAI",
        "SentinelOne",
    ),
)
FILE_EVENT = AsimSchema(
    "FileEvent",
    "imFileEvent",
    ("FileEvent",),
    logs_table="ASimFileEventLogs",
    sources=(
        "LinuxSysmonFileCreated",
        "LinuxSysmonFileDeleted",
        "AzureBlobStorage",
        "Microsoft365D",
        "AzureFileStorage",
        "AzureQueueStorage",
        "MicrosoftSharePoint",
        "MicrosoftSysmon",
        "AzureTableStorage",
        "MicrosoftWindowsEvents",
        "MicrosoftSecurityEvents",
        "Native",
        "SentinelOne",
        "VMwareCarbonBlackCloud",
        "GoogleWorkspace",
    ),
)
NETWORK_SESSION = AsimSchema(
    "NetworkSession",
    "imNetworkSession",
    ("NetworkSession",),
    logs_table="ASimNetworkSessionLogs",
    sources=(
        "Microsoft365Defender",
        "LinuxSysmon",
        "MD4IoT",
        "MicrosoftWindowsEventFirewall",
        "ZscalerZIA",
        "PaloAltoCEF",
        "VMConnection",
        "AWSVPC",
        "AzureFirewall",
        "AzureNSG",
        "VectraAI",
        "CiscoMeraki",
        "AppGateSDP",
        "FortinetFortiGate",
    ),
)
REGISTRY_EVENT = AsimSchema(
    "RegistryEvent",
    "imRegistry",
    ("Registry", "RegistryEvent"),
    logs_table="ASimRegistryEventLogs",
    sources=(
        "Microsoft365D",
        "MicrosoftSysmon",
        "MicrosoftWindowsEvent",
        "SentinelOne",
        "VMwareCarbonBlackCloud",
    ),
)
USER_MANAGEMENT = AsimSchema(
    "UserManagement",
    "imUserManagement",
    ("UserManagement",),
    logs_table="ASimUserManagementActivityLogs",
    sources=(
        "AWSCloudTrail",
        "CiscoISE",
        "LinuxAuthpriv",
        "MicrosoftWindowsEvent",
        "MicrosoftSecurityEvent",
        "SentinelOne",
        "Native",
    ),
)
WEB_SESSION = AsimSchema(
    "WebSession",
    "imWebSession",
    ("WebSession",),
    logs_table="ASimWebSessionLogs",
    sources=("SquidProxy", "ZscalerZIA", "VectraAI", "IIS"),
)

SCHEMAS: tuple[AsimSchema, ...] = (
    PROCESS_EVENT,
    AUDIT_EVENT,
    AUTHENTICATION,
    DNS,
    FILE_EVENT,
    NETWORK_SESSION,
    REGISTRY_EVENT,
    USER_MANAGEMENT,
    WEB_SESSION,
)
"""Every ASIM schema kqlhunt knows, process events first."""

_BY_NAME: dict[str, AsimSchema] = {name: s for s in SCHEMAS for name in s.names()}


def schema_of(name: str) -> AsimSchema | None:
    """The ASIM schema a table or parser name belongs to, or None for any other name."""
    return _BY_NAME.get(name)
