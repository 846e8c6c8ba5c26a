"""The ASIM Process Event schema (0.1.4): the columns of `imProcessCreate`, in order, with types.

Every ASIM field name is spelled once, here. Mappers import the constants below, and the table
schema comes from `IM_PROCESS_CREATE`. Types follow the typed empty schema table of the ASIM
parsers: datetime for the event times and `*CreationTime`, int for `EventCount`, long for
`*FileSize`, bool for `*IsHidden`, dynamic for `AdditionalFields`, string for the rest. The
inspection fields keep the types the schema documents for them (`RuleNumber`, `ThreatRiskLevel`
and `ThreatConfidence` int, `ThreatIsActive` bool, `Threat*ReportedTime` datetime).
"""

from __future__ import annotations

from typing import Final

from kqlhunt.types import KqlType

TABLE_NAME: Final = "imProcessCreate"
SCHEMA_VERSION: Final = "0.1.4"


# Standard Log Analytics columns
TIME_GENERATED: Final = "TimeGenerated"
TYPE: Final = "Type"

# Common event fields
EVENT_COUNT: Final = "EventCount"
EVENT_START_TIME: Final = "EventStartTime"
EVENT_END_TIME: Final = "EventEndTime"
EVENT_TYPE: Final = "EventType"
EVENT_SUB_TYPE: Final = "EventSubType"
EVENT_RESULT: Final = "EventResult"
EVENT_RESULT_DETAILS: Final = "EventResultDetails"
EVENT_ORIGINAL_RESULT_DETAILS: Final = "EventOriginalResultDetails"
EVENT_SEVERITY: Final = "EventSeverity"
EVENT_ORIGINAL_SEVERITY: Final = "EventOriginalSeverity"
EVENT_UID: Final = "EventUid"
EVENT_ORIGINAL_UID: Final = "EventOriginalUid"
EVENT_ORIGINAL_TYPE: Final = "EventOriginalType"
EVENT_ORIGINAL_SUB_TYPE: Final = "EventOriginalSubType"
EVENT_MESSAGE: Final = "EventMessage"
EVENT_PRODUCT: Final = "EventProduct"
EVENT_PRODUCT_VERSION: Final = "EventProductVersion"
EVENT_VENDOR: Final = "EventVendor"
EVENT_SCHEMA: Final = "EventSchema"
EVENT_SCHEMA_VERSION: Final = "EventSchemaVersion"
EVENT_REPORT_URL: Final = "EventReportUrl"
EVENT_OWNER: Final = "EventOwner"
ADDITIONAL_FIELDS: Final = "AdditionalFields"

# Device: the machine the process ran on
DVC: Final = "Dvc"
DVC_IP_ADDR: Final = "DvcIpAddr"
DVC_HOSTNAME: Final = "DvcHostname"
DVC_DOMAIN: Final = "DvcDomain"
DVC_DOMAIN_TYPE: Final = "DvcDomainType"
DVC_FQDN: Final = "DvcFQDN"
DVC_ID: Final = "DvcId"
DVC_ID_TYPE: Final = "DvcIdType"
DVC_DESCRIPTION: Final = "DvcDescription"
DVC_MAC_ADDR: Final = "DvcMacAddr"
DVC_ZONE: Final = "DvcZone"
DVC_OS: Final = "DvcOs"
DVC_OS_VERSION: Final = "DvcOsVersion"
DVC_ACTION: Final = "DvcAction"
DVC_ORIGINAL_ACTION: Final = "DvcOriginalAction"
DVC_INTERFACE: Final = "DvcInterface"
DVC_SCOPE_ID: Final = "DvcScopeId"
DVC_SCOPE: Final = "DvcScope"

# Aliases
USER: Final = "User"
PROCESS: Final = "Process"
COMMAND_LINE: Final = "CommandLine"
HASH: Final = "Hash"

# Actor: the user who started the process
ACTOR_USER_ID: Final = "ActorUserId"
ACTOR_USER_ID_TYPE: Final = "ActorUserIdType"
ACTOR_SCOPE: Final = "ActorScope"
ACTOR_SCOPE_ID: Final = "ActorScopeId"
ACTOR_USERNAME: Final = "ActorUsername"
ACTOR_USERNAME_TYPE: Final = "ActorUsernameType"
ACTOR_SESSION_ID: Final = "ActorSessionId"
ACTOR_USER_TYPE: Final = "ActorUserType"
ACTOR_ORIGINAL_USER_TYPE: Final = "ActorOriginalUserType"

# Acting process: the process that created the target
ACTING_PROCESS_COMMAND_LINE: Final = "ActingProcessCommandLine"
ACTING_PROCESS_CREATION_TIME: Final = "ActingProcessCreationTime"
ACTING_PROCESS_FILE_COMPANY: Final = "ActingProcessFileCompany"
ACTING_PROCESS_FILE_DESCRIPTION: Final = "ActingProcessFileDescription"
ACTING_PROCESS_FILE_INTERNAL_NAME: Final = "ActingProcessFileInternalName"
ACTING_PROCESS_FILE_ORIGINAL_NAME: Final = "ActingProcessFileOriginalName"
ACTING_PROCESS_FILE_PRODUCT: Final = "ActingProcessFileProduct"
ACTING_PROCESS_FILE_SIZE: Final = "ActingProcessFileSize"
ACTING_PROCESS_FILE_VERSION: Final = "ActingProcessFileVersion"
ACTING_PROCESS_FILENAME: Final = "ActingProcessFilename"
ACTING_PROCESS_GUID: Final = "ActingProcessGuid"
ACTING_PROCESS_IMPHASH: Final = "ActingProcessIMPHASH"
ACTING_PROCESS_ID: Final = "ActingProcessId"
ACTING_PROCESS_INJECTED_ADDRESS: Final = "ActingProcessInjectedAddress"
ACTING_PROCESS_INTEGRITY_LEVEL: Final = "ActingProcessIntegrityLevel"
ACTING_PROCESS_IS_HIDDEN: Final = "ActingProcessIsHidden"
ACTING_PROCESS_MD5: Final = "ActingProcessMD5"
ACTING_PROCESS_NAME: Final = "ActingProcessName"
ACTING_PROCESS_SHA1: Final = "ActingProcessSHA1"
ACTING_PROCESS_SHA256: Final = "ActingProcessSHA256"
ACTING_PROCESS_SHA512: Final = "ActingProcessSHA512"
ACTING_PROCESS_TOKEN_ELEVATION: Final = "ActingProcessTokenElevation"

# Parent process: the parent of the acting process
PARENT_PROCESS_CREATION_TIME: Final = "ParentProcessCreationTime"
PARENT_PROCESS_FILE_COMPANY: Final = "ParentProcessFileCompany"
PARENT_PROCESS_FILE_DESCRIPTION: Final = "ParentProcessFileDescription"
PARENT_PROCESS_FILE_PRODUCT: Final = "ParentProcessFileProduct"
PARENT_PROCESS_FILE_VERSION: Final = "ParentProcessFileVersion"
PARENT_PROCESS_GUID: Final = "ParentProcessGuid"
PARENT_PROCESS_IMPHASH: Final = "ParentProcessIMPHASH"
PARENT_PROCESS_ID: Final = "ParentProcessId"
PARENT_PROCESS_INJECTED_ADDRESS: Final = "ParentProcessInjectedAddress"
PARENT_PROCESS_INTEGRITY_LEVEL: Final = "ParentProcessIntegrityLevel"
PARENT_PROCESS_IS_HIDDEN: Final = "ParentProcessIsHidden"
PARENT_PROCESS_MD5: Final = "ParentProcessMD5"
PARENT_PROCESS_NAME: Final = "ParentProcessName"
PARENT_PROCESS_SHA1: Final = "ParentProcessSHA1"
PARENT_PROCESS_SHA256: Final = "ParentProcessSHA256"
PARENT_PROCESS_SHA512: Final = "ParentProcessSHA512"
PARENT_PROCESS_TOKEN_ELEVATION: Final = "ParentProcessTokenElevation"

# Target user: the credentials the new process runs with
TARGET_USERNAME: Final = "TargetUsername"
TARGET_USERNAME_TYPE: Final = "TargetUsernameType"
TARGET_USER_ID: Final = "TargetUserId"
TARGET_USER_ID_TYPE: Final = "TargetUserIdType"
TARGET_USER_SESSION_ID: Final = "TargetUserSessionId"
TARGET_USER_TYPE: Final = "TargetUserType"
TARGET_ORIGINAL_USER_TYPE: Final = "TargetOriginalUserType"
TARGET_USER_SCOPE: Final = "TargetUserScope"
TARGET_USER_SCOPE_ID: Final = "TargetUserScopeId"
TARGET_USER_SESSION_GUID: Final = "TargetUserSessionGuid"

# Target process: the new (or terminated) process
TARGET_PROCESS_COMMAND_LINE: Final = "TargetProcessCommandLine"
TARGET_PROCESS_CREATION_TIME: Final = "TargetProcessCreationTime"
TARGET_PROCESS_CURRENT_DIRECTORY: Final = "TargetProcessCurrentDirectory"
TARGET_PROCESS_FILE_COMPANY: Final = "TargetProcessFileCompany"
TARGET_PROCESS_FILE_DESCRIPTION: Final = "TargetProcessFileDescription"
TARGET_PROCESS_FILE_INTERNAL_NAME: Final = "TargetProcessFileInternalName"
TARGET_PROCESS_FILE_ORIGINAL_NAME: Final = "TargetProcessFileOriginalName"
TARGET_PROCESS_FILE_PRODUCT: Final = "TargetProcessFileProduct"
TARGET_PROCESS_FILE_SIZE: Final = "TargetProcessFileSize"
TARGET_PROCESS_FILE_VERSION: Final = "TargetProcessFileVersion"
TARGET_PROCESS_FILENAME: Final = "TargetProcessFilename"
TARGET_PROCESS_GUID: Final = "TargetProcessGuid"
TARGET_PROCESS_IMPHASH: Final = "TargetProcessIMPHASH"
TARGET_PROCESS_ID: Final = "TargetProcessId"
TARGET_PROCESS_INJECTED_ADDRESS: Final = "TargetProcessInjectedAddress"
TARGET_PROCESS_INTEGRITY_LEVEL: Final = "TargetProcessIntegrityLevel"
TARGET_PROCESS_IS_HIDDEN: Final = "TargetProcessIsHidden"
TARGET_PROCESS_MD5: Final = "TargetProcessMD5"
TARGET_PROCESS_NAME: Final = "TargetProcessName"
TARGET_PROCESS_SHA1: Final = "TargetProcessSHA1"
TARGET_PROCESS_SHA256: Final = "TargetProcessSHA256"
TARGET_PROCESS_SHA512: Final = "TargetProcessSHA512"
TARGET_PROCESS_STATUS_CODE: Final = "TargetProcessStatusCode"
TARGET_PROCESS_TOKEN_ELEVATION: Final = "TargetProcessTokenElevation"
HASH_TYPE: Final = "HashType"

# Inspection fields
RULE_NAME: Final = "RuleName"
RULE_NUMBER: Final = "RuleNumber"
RULE: Final = "Rule"
THREAT_ID: Final = "ThreatId"
THREAT_NAME: Final = "ThreatName"
THREAT_CATEGORY: Final = "ThreatCategory"
THREAT_RISK_LEVEL: Final = "ThreatRiskLevel"
THREAT_ORIGINAL_RISK_LEVEL: Final = "ThreatOriginalRiskLevel"
THREAT_FIELD: Final = "ThreatField"
THREAT_CONFIDENCE: Final = "ThreatConfidence"
THREAT_ORIGINAL_CONFIDENCE: Final = "ThreatOriginalConfidence"
THREAT_IS_ACTIVE: Final = "ThreatIsActive"
THREAT_FIRST_REPORTED_TIME: Final = "ThreatFirstReportedTime"
THREAT_LAST_REPORTED_TIME: Final = "ThreatLastReportedTime"

_D = KqlType.DATETIME
_S = KqlType.STRING

IM_PROCESS_CREATE: Final[dict[str, KqlType]] = {
    # Standard Log Analytics columns
    TIME_GENERATED: _D,
    TYPE: _S,
    # Common event fields
    EVENT_COUNT: KqlType.INT,
    EVENT_START_TIME: _D,
    EVENT_END_TIME: _D,
    EVENT_TYPE: _S,
    EVENT_SUB_TYPE: _S,
    EVENT_RESULT: _S,
    EVENT_RESULT_DETAILS: _S,
    EVENT_ORIGINAL_RESULT_DETAILS: _S,
    EVENT_SEVERITY: _S,
    EVENT_ORIGINAL_SEVERITY: _S,
    EVENT_UID: _S,
    EVENT_ORIGINAL_UID: _S,
    EVENT_ORIGINAL_TYPE: _S,
    EVENT_ORIGINAL_SUB_TYPE: _S,
    EVENT_MESSAGE: _S,
    EVENT_PRODUCT: _S,
    EVENT_PRODUCT_VERSION: _S,
    EVENT_VENDOR: _S,
    EVENT_SCHEMA: _S,
    EVENT_SCHEMA_VERSION: _S,
    EVENT_REPORT_URL: _S,
    EVENT_OWNER: _S,
    ADDITIONAL_FIELDS: KqlType.DYNAMIC,
    # Device: the machine the process ran on
    DVC: _S,
    DVC_IP_ADDR: _S,
    DVC_HOSTNAME: _S,
    DVC_DOMAIN: _S,
    DVC_DOMAIN_TYPE: _S,
    DVC_FQDN: _S,
    DVC_ID: _S,
    DVC_ID_TYPE: _S,
    DVC_DESCRIPTION: _S,
    DVC_MAC_ADDR: _S,
    DVC_ZONE: _S,
    DVC_OS: _S,
    DVC_OS_VERSION: _S,
    DVC_ACTION: _S,
    DVC_ORIGINAL_ACTION: _S,
    DVC_INTERFACE: _S,
    DVC_SCOPE_ID: _S,
    DVC_SCOPE: _S,
    # Aliases
    USER: _S,
    PROCESS: _S,
    COMMAND_LINE: _S,
    HASH: _S,
    # Actor: the user who started the process
    ACTOR_USER_ID: _S,
    ACTOR_USER_ID_TYPE: _S,
    ACTOR_SCOPE: _S,
    ACTOR_SCOPE_ID: _S,
    ACTOR_USERNAME: _S,
    ACTOR_USERNAME_TYPE: _S,
    ACTOR_SESSION_ID: _S,
    ACTOR_USER_TYPE: _S,
    ACTOR_ORIGINAL_USER_TYPE: _S,
    # Acting process: the process that created the target
    ACTING_PROCESS_COMMAND_LINE: _S,
    ACTING_PROCESS_CREATION_TIME: _D,
    ACTING_PROCESS_FILE_COMPANY: _S,
    ACTING_PROCESS_FILE_DESCRIPTION: _S,
    ACTING_PROCESS_FILE_INTERNAL_NAME: _S,
    ACTING_PROCESS_FILE_ORIGINAL_NAME: _S,
    ACTING_PROCESS_FILE_PRODUCT: _S,
    ACTING_PROCESS_FILE_SIZE: KqlType.LONG,
    ACTING_PROCESS_FILE_VERSION: _S,
    ACTING_PROCESS_FILENAME: _S,
    ACTING_PROCESS_GUID: _S,
    ACTING_PROCESS_IMPHASH: _S,
    ACTING_PROCESS_ID: _S,
    ACTING_PROCESS_INJECTED_ADDRESS: _S,
    ACTING_PROCESS_INTEGRITY_LEVEL: _S,
    ACTING_PROCESS_IS_HIDDEN: KqlType.BOOL,
    ACTING_PROCESS_MD5: _S,
    ACTING_PROCESS_NAME: _S,
    ACTING_PROCESS_SHA1: _S,
    ACTING_PROCESS_SHA256: _S,
    ACTING_PROCESS_SHA512: _S,
    ACTING_PROCESS_TOKEN_ELEVATION: _S,
    # Parent process: the parent of the acting process
    PARENT_PROCESS_CREATION_TIME: _D,
    PARENT_PROCESS_FILE_COMPANY: _S,
    PARENT_PROCESS_FILE_DESCRIPTION: _S,
    PARENT_PROCESS_FILE_PRODUCT: _S,
    PARENT_PROCESS_FILE_VERSION: _S,
    PARENT_PROCESS_GUID: _S,
    PARENT_PROCESS_IMPHASH: _S,
    PARENT_PROCESS_ID: _S,
    PARENT_PROCESS_INJECTED_ADDRESS: _S,
    PARENT_PROCESS_INTEGRITY_LEVEL: _S,
    PARENT_PROCESS_IS_HIDDEN: KqlType.BOOL,
    PARENT_PROCESS_MD5: _S,
    PARENT_PROCESS_NAME: _S,
    PARENT_PROCESS_SHA1: _S,
    PARENT_PROCESS_SHA256: _S,
    PARENT_PROCESS_SHA512: _S,
    PARENT_PROCESS_TOKEN_ELEVATION: _S,
    # Target user: the credentials the new process runs with
    TARGET_USERNAME: _S,
    TARGET_USERNAME_TYPE: _S,
    TARGET_USER_ID: _S,
    TARGET_USER_ID_TYPE: _S,
    TARGET_USER_SESSION_ID: _S,
    TARGET_USER_TYPE: _S,
    TARGET_ORIGINAL_USER_TYPE: _S,
    TARGET_USER_SCOPE: _S,
    TARGET_USER_SCOPE_ID: _S,
    TARGET_USER_SESSION_GUID: _S,
    # Target process: the new (or terminated) process
    TARGET_PROCESS_COMMAND_LINE: _S,
    TARGET_PROCESS_CREATION_TIME: _D,
    TARGET_PROCESS_CURRENT_DIRECTORY: _S,
    TARGET_PROCESS_FILE_COMPANY: _S,
    TARGET_PROCESS_FILE_DESCRIPTION: _S,
    TARGET_PROCESS_FILE_INTERNAL_NAME: _S,
    TARGET_PROCESS_FILE_ORIGINAL_NAME: _S,
    TARGET_PROCESS_FILE_PRODUCT: _S,
    TARGET_PROCESS_FILE_SIZE: KqlType.LONG,
    TARGET_PROCESS_FILE_VERSION: _S,
    TARGET_PROCESS_FILENAME: _S,
    TARGET_PROCESS_GUID: _S,
    TARGET_PROCESS_IMPHASH: _S,
    TARGET_PROCESS_ID: _S,
    TARGET_PROCESS_INJECTED_ADDRESS: _S,
    TARGET_PROCESS_INTEGRITY_LEVEL: _S,
    TARGET_PROCESS_IS_HIDDEN: KqlType.BOOL,
    TARGET_PROCESS_MD5: _S,
    TARGET_PROCESS_NAME: _S,
    TARGET_PROCESS_SHA1: _S,
    TARGET_PROCESS_SHA256: _S,
    TARGET_PROCESS_SHA512: _S,
    TARGET_PROCESS_STATUS_CODE: _S,
    TARGET_PROCESS_TOKEN_ELEVATION: _S,
    HASH_TYPE: _S,
    # Inspection fields
    RULE_NAME: _S,
    RULE_NUMBER: KqlType.INT,
    RULE: _S,
    THREAT_ID: _S,
    THREAT_NAME: _S,
    THREAT_CATEGORY: _S,
    THREAT_RISK_LEVEL: KqlType.INT,
    THREAT_ORIGINAL_RISK_LEVEL: _S,
    THREAT_FIELD: _S,
    THREAT_CONFIDENCE: KqlType.INT,
    THREAT_ORIGINAL_CONFIDENCE: _S,
    THREAT_IS_ACTIVE: KqlType.BOOL,
    THREAT_FIRST_REPORTED_TIME: _D,
    THREAT_LAST_REPORTED_TIME: _D,
}
"""The columns of `imProcessCreate` in schema order, with their KQL types."""
