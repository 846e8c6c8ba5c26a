"""The entity types Sentinel maps query columns to, with the identifiers each one takes.

Spelled as in Sentinel's analytic-rule schema (`entityMappings[].entityType` and
`fieldMappings[].identifier`), which is what the rule YAML files use.
"""

from __future__ import annotations

from typing import Final

ENTITY_IDENTIFIERS: Final[dict[str, tuple[str, ...]]] = {
    "Account": (
        "Name",
        "FullName",
        "NTDomain",
        "DnsDomain",
        "UPNSuffix",
        "Sid",
        "AadTenantId",
        "AadUserId",
        "PUID",
        "IsDomainJoined",
        "DisplayName",
        "ObjectGuid",
        "CloudAppAccountId",
    ),
    "Host": (
        "DnsDomain",
        "NTDomain",
        "HostName",
        "FullName",
        "NetBiosName",
        "AzureID",
        "OMSAgentID",
        "OSFamily",
        "OSVersion",
        "IsDomainJoined",
    ),
    "IP": ("Address",),
    "Malware": ("Name", "Category"),
    "File": ("Directory", "Name"),
    "Process": ("ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"),
    "CloudApplication": ("AppId", "Name", "InstanceName"),
    "DNS": ("DomainName",),
    "AzureResource": ("ResourceId",),
    "FileHash": ("Algorithm", "Value"),
    "RegistryKey": ("Hive", "Key"),
    "RegistryValue": ("Name", "Value", "ValueType"),
    "SecurityGroup": ("DistinguishedName", "SID", "ObjectGuid"),
    "URL": ("Url",),
    "Mailbox": ("MailboxPrimaryAddress", "DisplayName", "Upn", "ExternalDirectoryObjectId"),
    "MailCluster": (
        "NetworkMessageIds",
        "CountByDeliveryStatus",
        "CountByThreatType",
        "CountByProtectionStatus",
        "Threats",
        "Query",
        "QueryTime",
        "MailCount",
        "IsVolumeAnomaly",
        "Source",
        "ClusterSourceIdentifier",
        "ClusterSourceType",
        "ClusterQueryStartTime",
        "ClusterQueryEndTime",
        "ClusterGroup",
    ),
    "MailMessage": (
        "Recipient",
        "Urls",
        "Threats",
        "Sender",
        "P1Sender",
        "P1SenderDisplayName",
        "P1SenderDomain",
        "SenderIP",
        "P2Sender",
        "P2SenderDisplayName",
        "P2SenderDomain",
        "ReceivedDate",
        "NetworkMessageId",
        "InternetMessageId",
        "Subject",
        "BodyFingerprintBin1",
        "BodyFingerprintBin2",
        "BodyFingerprintBin3",
        "BodyFingerprintBin4",
        "BodyFingerprintBin5",
        "AntispamDirection",
        "DeliveryAction",
        "DeliveryLocation",
        "Language",
        "ThreatDetectionMethods",
    ),
    "SubmissionMail": (
        "SubmissionId",
        "SubmissionDate",
        "Submitter",
        "NetworkMessageId",
        "Timestamp",
        "Recipient",
        "Sender",
        "SenderIp",
        "Subject",
        "ReportType",
    ),
}

# Entity types Sentinel shows in incidents but does not accept in a rule's entityMappings.
UNMAPPABLE_ENTITY_TYPES: Final = frozenset({"CloudLogonSession", "NetworkConnection", "IoTDevice"})

# Sentinel's limits on the mappings of one rule.
MAX_ENTITY_MAPPINGS: Final = 10
MAX_IDENTIFIERS_PER_ENTITY: Final = 3
