"""The columns of the Log Analytics tables kqlhunt fills, with their KQL types.

Each table has every column Microsoft documents for it, so a rule reading a column no
normalizer fills still compiles and sees Kusto's empty value ("" for a string, null
otherwise). References (column names and types):

* `SecurityEvent`, `Event`, `WindowsEvent`, `Syslog`: Azure Monitor Logs table reference,
  https://learn.microsoft.com/azure/azure-monitor/reference/tables/securityevent (and
  .../tables/event, .../tables/windowsevent, .../tables/syslog).
* `DeviceProcessEvents`: the Defender XDR advanced hunting schema,
  https://learn.microsoft.com/defender-xdr/advanced-hunting-deviceprocessevents-table, and the
  Azure Monitor reference of the same table (.../tables/deviceprocessevents) for the columns
  Sentinel adds.

Order: first the columns the normalizers fill or copy from exports (Sentinel's common
columns, then the event's), then the reference's other columns in the reference's order
(alphabetical for Azure Monitor, the schema's own order for Defender). Columns real exports
carry that a reference leaves out (`EventOriginId` and `TimeCreatedUtc` of `SecurityEvent`,
`MG`, `TenantId`, `Timestamp`, ...) are kept. The Defender reference's `LogonID`, described
there as a field inside `AdditionalFields`, is left out: it would differ from the column
`LogonId` only in case.

Each list names its columns in order, `Name` for a string and `Name:type` otherwise.
"""

from __future__ import annotations

from kqlhunt.types import KqlType


def column_list(*lists: str) -> dict[str, KqlType]:
    """Columns written `Name` (a string) or `Name:type`, the type as Kusto spells it."""
    columns: dict[str, KqlType] = {}
    for word in " ".join(lists).split():
        name, _, type_name = word.partition(":")
        if name in columns:
            raise ValueError(f"the column {name} is listed twice")
        columns[name] = KqlType.from_name(type_name or "string")
    return columns


# The columns each table here but DeviceProcessEvents starts with.
_COMMON = """
    TenantId TimeGenerated:datetime SourceSystem Computer ManagementGroupName _ResourceId Type
"""

SECURITY_EVENT: dict[str, KqlType] = column_list(
    _COMMON,
    """
        EventID:int Activity Channel EventSourceName Task:int Level EventData EventOriginId
        SourceComputerId Account AccountType SubjectAccount SubjectUserSid SubjectUserName
        SubjectDomainName SubjectLogonId TargetAccount TargetUserSid TargetUserName TargetDomainName
        TargetLogonId NewProcessId NewProcessName Process ProcessId ParentProcessName CommandLine
        TokenElevationType MandatoryLabel TimeCreatedUtc:datetime
    """,
    # the reference's other columns, in its order
    """
        AccessMask AccountDomain AccountExpires AccountName AccountSessionIdentifier AdditionalInfo
        AdditionalInfo2 AllowedToDelegateTo Attributes AuditPolicyChanges AuditsDiscarded:int
        AuthenticationLevel:int AuthenticationPackageName AuthenticationProvider
        AuthenticationServer AuthenticationService:int AuthenticationType AzureDeploymentID
        _BilledSize:real CACertificateHash CalledStationID CallerProcessId CallerProcessName
        CallingStationID CAPublicKeyHash CategoryId CertificateDatabaseHash ClassId ClassName
        ClientAddress ClientIPAddress ClientName CompatibleIds Correlation DCDNSName
        DeviceDescription DeviceId DisplayName Disposition DomainBehaviorVersion DomainName
        DomainPolicyChanged DomainSid EAPType ElevatedToken ErrorCode:int EventLevelName
        EventRecordId ExtendedQuarantineState FailureReason FileHash FilePath FilePathNoUser Filter
        ForceLogoff Fqbn FullyQualifiedSubjectMachineName FullyQualifiedSubjectUserName
        GroupMembership HandleId HardwareIds HomeDirectory HomePath InterfaceUuid IpAddress IpPort
        _IsBillable KeyLength:int Keywords LmPackageName LocationInformation LockoutDuration
        LockoutObservationWindow LockoutThreshold LoggingResult LogonGuid LogonHours LogonID
        LogonProcessName LogonType:int LogonTypeName MachineAccountQuota MachineInventory
        MachineLogon MaxPasswordAge MemberName MemberSid MinPasswordAge MinPasswordLength
        MixedDomainMode NASIdentifier NASIPv4Address NASIPv6Address NASPort NASPortType
        NetworkPolicyName NewDate NewMaxUsers NewRemark NewShareFlags NewTime NewUacValue NewValue
        NewValueType ObjectName ObjectServer ObjectType ObjectValueName OemInformation OldMaxUsers
        OldRemark OldShareFlags OldUacValue OldValue OldValueType Opcode OperationType PackageName
        PasswordHistoryLength PasswordLastSet PasswordProperties PreviousDate PreviousTime
        PrimaryGroupId PrivateKeyUsageCount PrivilegeList ProcessName ProfilePath Properties
        ProtocolSequence ProxyPolicyName QuarantineHelpURL QuarantineSessionID
        QuarantineSessionIdentifier QuarantineState QuarantineSystemHealthResult RelativeTargetName
        RemoteIpAddress RemotePort Requester RequestId RestrictedAdminMode RowsDeleted
        SamAccountName ScriptPath SecurityDescriptor ServiceAccount ServiceFileName ServiceName
        ServiceStartType:int ServiceType SessionName ShareLocalPath ShareName SidHistory Status
        StorageAccount SubcategoryGuid SubcategoryId Subject SubjectKeyIdentifier SubjectMachineName
        SubjectMachineSID _SubscriptionId SubStatus SystemProcessId:int SystemThreadId:int
        SystemUserId TableId TargetInfo TargetLinkedLogonId TargetLogonGuid TargetOutboundDomainName
        TargetOutboundUserName TargetServerName TargetSid TargetUser TemplateContent
        TemplateDSObjectFQDN TemplateInternalName TemplateOID TemplateSchemaVersion TemplateVersion
        TransmittedServices UserAccountControl UserParameters UserPrincipalName UserWorkstations
        VendorIds Version:int VirtualAccount Workstation WorkstationName
    """,
)

EVENT: dict[str, KqlType] = column_list(
    _COMMON,
    """
        Source EventLog EventID:int EventLevel:int EventLevelName EventCategory:int EventData
        ParameterXml RenderedDescription UserName MG AzureDeploymentID Role
    """,
    # the reference's other columns, in its order
    """
        _BilledSize:real _IsBillable Message _SubscriptionId
    """,
)

WINDOWS_EVENT: dict[str, KqlType] = column_list(
    _COMMON,
    """
        Provider Channel EventID:int EventData:dynamic EventOriginId EventRecordId EventLevel:int
        EventLevelName Task:int Opcode Keywords Correlation RawEventData SystemProcessId:int
        SystemThreadId:int SystemUserId TimeCreated:datetime Version:int
    """,
    # the reference's other columns, in its order
    """
        _BilledSize:real _IsBillable _SubscriptionId
    """,
)

SYSLOG: dict[str, KqlType] = column_list(
    _COMMON,
    """
        EventTime:datetime Facility HostName HostIP SeverityLevel SyslogMessage ProcessID:int
        ProcessName CollectorHostName MG
    """,
    # the reference's other columns, in its order
    """
        _BilledSize:real _IsBillable _SubscriptionId
    """,
)

DEVICE_PROCESS_EVENTS: dict[str, KqlType] = column_list(
    """
        TenantId TimeGenerated:datetime Timestamp:datetime DeviceId DeviceName ActionType FileName
        FolderPath SHA1 SHA256 MD5 FileSize:long ProcessVersionInfoCompanyName
        ProcessVersionInfoProductName ProcessVersionInfoProductVersion
        ProcessVersionInfoInternalFileName ProcessVersionInfoOriginalFileName
        ProcessVersionInfoFileDescription ProcessId:long ProcessCommandLine ProcessIntegrityLevel
        ProcessTokenElevation ProcessCreationTime:datetime AccountDomain AccountName AccountSid
        AccountUpn AccountObjectId LogonId:long InitiatingProcessAccountDomain
        InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn
        InitiatingProcessAccountObjectId InitiatingProcessLogonId:long
        InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation InitiatingProcessSHA1
        InitiatingProcessSHA256 InitiatingProcessMD5 InitiatingProcessFileName
        InitiatingProcessFileSize:long InitiatingProcessVersionInfoCompanyName
        InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
        InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
        InitiatingProcessVersionInfoFileDescription InitiatingProcessId:long
        InitiatingProcessCommandLine InitiatingProcessCreationTime:datetime
        InitiatingProcessFolderPath InitiatingProcessParentId:long InitiatingProcessParentFileName
        InitiatingProcessParentCreationTime:datetime InitiatingProcessSignerType
        InitiatingProcessSignatureStatus ReportId:long AppGuardContainerId AdditionalFields:dynamic
        ProcessRemoteSessionDeviceName ProcessRemoteSessionIP
        InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP
        IsProcessRemoteSession:bool IsInitiatingProcessRemoteSession:bool
        InitiatingProcessSessionId:long CreatedProcessSessionId:long ProcessUniqueId
        InitiatingProcessUniqueId MachineGroup SourceSystem Type
    """,
    # the reference's other columns, in its order
    """
        _BilledSize:real _IsBillable
    """,
)
