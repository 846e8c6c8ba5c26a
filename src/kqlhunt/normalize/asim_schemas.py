"""The columns of the ASIM schemas kqlhunt knows but no source fills yet, with their KQL types.

A rule over `_Im_Dns` or `imNetworkSession` compiles against these columns and, until a source
fills them, reads no rows, as it would in a Sentinel workspace without such data. References:

* the ASIM schema pages, https://learn.microsoft.com/azure/sentinel/normalization-schema-<x>
  (`dns`, `network`, `web`, `authentication`, `file-event`, `registry-event`, `audit`,
  `user-management`) and the common fields page, .../normalization-common-fields;
* Microsoft's own schema tester, Azure/Azure-Sentinel `ASIM/dev/ASimTester/ASimTester.csv`,
  which lists every field of a schema with its type, aliases included, and the table
  definitions its rule validation uses (`.script/tests/KqlvalidationsTests/CustomTables/
  ASimAuditEventLogs.json`, `ASimUserManagementActivityLogs.json`) for the two schemas the
  tester leaves out.

Order: each schema's fields in the tester's order (the audit and user-management schemas in
the table definition's), then the common fields the list leaves out, in the common fields
page's order. Aliases (`Domain`, `User`, `IpAddr`, `Hostname`, ...) are columns, as the parsers
return them. Each list names its columns, `Name` for a string and `Name:type` otherwise.
"""

from __future__ import annotations

from kqlhunt.normalize.vendor_schemas import column_list
from kqlhunt.types import KqlType

# The fields every ASIM schema has (the common fields page).
_COMMON = """
    _ResourceId TimeGenerated:datetime Type EventMessage EventCount:int EventStartTime:datetime
    EventEndTime:datetime EventType EventSubType EventResult EventResultDetails
    EventOriginalResultDetails EventSeverity EventOriginalSeverity EventOriginalUid
    EventOriginalType EventOriginalSubType EventProduct EventProductVersion EventVendor
    EventSchema EventSchemaVersion EventReportUrl Dvc DvcIpAddr DvcHostname DvcDomain
    DvcDomainType DvcFQDN DvcId DvcIdType DvcMacAddr DvcZone DvcAction DvcDescription DvcOs
    DvcOsVersion DvcSubscriptionId DvcOriginalAction DvcInterface AdditionalFields:dynamic
"""


def _schema(*fields: str) -> dict[str, KqlType]:
    """A schema's fields, then the common fields it does not list."""
    columns = column_list(*fields)
    for name, kql_type in column_list(_COMMON).items():
        columns.setdefault(name, kql_type)
    return columns


# The event, device, destination and traffic fields the network and web session schemas share.
_SESSION_EVENT = """
    _ResourceId TimeGenerated:datetime Type EventMessage EventCount:int EventStartTime:datetime
    EventEndTime:datetime EventType EventSubType EventResult EventResultDetails
    EventOriginalResultDetails EventSeverity EventOriginalSeverity EventOriginalUid
    EventOriginalType EventOriginalSubType EventProduct EventProductVersion EventVendor
    EventSchema EventSchemaVersion EventReportUrl Dvc DvcIpAddr DvcHostname DvcDomain
    DvcDomainType DvcFQDN DvcId DvcIdType DvcMacAddr DvcZone DvcDescription SrcDescription
    DstDescription
"""
_DESTINATION = """
    DstIpAddr DstPortNumber:int DstHostname Hostname DstDomain DstDomainType DstFQDN DstDvcId
    DstDvcIdType DstDeviceType DstUserId DstUserIdType DstUsername User DstUsernameType
    DstUserType DstOriginalUserType DstUserDomain DstAppName DstAppId DstAppType DstZone
    DstInterfaceName DstInterfaceGuid DstMacAddr DstGeoCountry DstGeoRegion DstGeoCity
    DstGeoLatitude:real DstGeoLongitude:real
"""
_TRAFFIC = """
    NetworkApplicationProtocol NetworkProtocol NetworkProtocolVersion NetworkDirection
    NetworkDuration:int Duration:int NetworkIcmpCode:int NetworkIcmpType DstBytes:long
    SrcBytes:long NetworkBytes:long DstPackets:long SrcPackets:long NetworkPackets:long
    NetworkSessionId SessionId DstNatIpAddr DstNatPortNumber:int SrcNatIpAddr
    SrcNatPortNumber:int DvcInboundInterface DvcOutboundInterface
"""

NETWORK_SESSION: dict[str, KqlType] = _schema(
    "AdditionalFields:dynamic",
    _SESSION_EVENT,
    "ASimMatchingHostname ASimMatchingIpAddr",
    _DESTINATION,
    """
    SrcIpAddr SrcPortNumber:int SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDvcId
    SrcDvcIdType SrcDeviceType SrcUserId SrcUserIdType SrcUsername SrcUsernameType SrcUserType
    SrcOriginalUserType SrcAppName SrcAppId IpAddr SrcAppType SrcZone SrcInterfaceName
    SrcInterfaceGuid SrcMacAddr SrcGeoCountry SrcGeoCity SrcGeoRegion SrcGeoLatitude:real
    SrcGeoLongitude:real
    """,
    _TRAFFIC,
    """
    NetworkRuleName NetworkRuleNumber:int Rule DvcAction DvcOriginalAction ThreatId ThreatName
    ThreatCategory ThreatRiskLevel:int Src Dst ThreatRiskLevelOriginal DstVlanId OuterVlanId
    SrcVlanId InnerVlanId
    """,
)

WEB_SESSION: dict[str, KqlType] = _schema(
    _SESSION_EVENT,
    "ASimMatchingIpAddr",
    _DESTINATION,
    """
    SrcIpAddr SrcPortNumber:int SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDvcId
    SrcDvcIdType SrcDeviceType SrcUserId SrcUserIdType SrcUsername SrcUsernameType SrcUserType
    SrcOriginalUserType SrcUserDomain SrcAppName SrcAppId IpAddr SrcAppType SrcZone
    SrcInterfaceName SrcInterfaceGuid SrcMacAddr SrcGeoCountry SrcGeoCity SrcGeoRegion
    SrcGeoLatitude:real SrcGeoLongitude:real
    """,
    _TRAFFIC,
    """
    Url UrlCategory UrlOriginal HttpVersion HttpRequestMethod HttpStatusCode HttpContentType
    HttpContentFormat HttpReferrer HttpUserAgent UserAgent HttpRequestXff HttpRequestTime:int
    HttpResponseTime:int FileName FileMD5 FileSHA1 FileSHA256 FileSHA512 Hash FileSize:int
    FileContentType NetworkRuleName NetworkRuleNumber:int Rule DvcAction DvcOriginalAction
    ThreatId ThreatName ThreatCategory ThreatRiskLevel:int ThreatRiskLevelOriginal Src Dst
    DstVlanId OuterVlanId SrcVlanId InnerVlanId
    """,
)

DNS: dict[str, KqlType] = _schema(
    """
    _ResourceId AdditionalFields:dynamic DnsFlags DnsFlagsAuthenticated:bool
    DnsFlagsAuthoritative:bool DnsFlagsCheckingDisabled:bool DnsFlagsRecursionAvailable:bool
    DnsFlagsRecursionDesired:bool DnsFlagsTruncated:bool DnsFlagsZ:bool DnsNetworkDuration:int
    DnsQuery DnsQueryClass:int DnsQueryClassName DnsQueryType:int DnsQueryTypeName
    DnsResponseCode:int DnsResponseCodeName DnsResponseName DnsSessionId Domain DomainCategory
    Dst DstDeviceType DstDomain DstDomainType DstDvcId DstDvcIdType DstFQDN DstGeoCity
    DstGeoCountry DstGeoLatitude:real DstGeoLongitude:real DstGeoRegion DstHostname DstIpAddr
    DstPortNumber:int DstRiskLevel:int Duration:int Dvc DvcAction DvcDomain DvcFQDN
    DvcDomainType DvcHostname DvcId DvcIdType DvcIpAddr DvcMacAddr DvcZone DvcDescription DvcOs
    DvcOsVersion DvcSubscriptionId SrcDescription DstDescription EventCount:int
    EventEndTime:datetime EventMessage EventOriginalType EventOriginalSubType EventOriginalUid
    EventProduct EventProductVersion EventReportUrl EventResult EventResultDetails EventSchema
    EventSchemaVersion EventSeverity EventStartTime:datetime EventSubType EventType
    EventVendor Flags Hostname IpAddr NetworkProtocol NetworkProtocolVersion Process SessionId
    Src SrcDeviceType SrcDomain SrcDomainType SrcDvcId SrcDvcIdType SrcFQDN SrcGeoCity
    SrcGeoCountry SrcGeoLatitude:real SrcGeoLongitude:real SrcGeoRegion SrcHostname SrcIpAddr
    SrcOriginalUserType SrcPortNumber:int SrcProcessGuid SrcProcessId SrcProcessName
    SrcRiskLevel:int SrcUserDomain SrcUserId SrcUserIdType SrcUsername SrcUsernameType
    SrcUserType TenantId ThreatCategory TimeGenerated:datetime TransactionIdHex Type
    UrlCategory User
    """
)

AUTHENTICATION: dict[str, KqlType] = _schema(
    """
    _ResourceId ActingAppId ActingAppName ActingAppType ActorSessionId ActorUserId
    ActorUserIdType ActorUsername ActorUsernameType ActorUserType Dst Dvc DvcAction
    DvcDescription SrcDescription DstDescription DvcDomain DvcDomainType DvcFQDN DvcHostname
    DvcId DvcIdType DvcInterface DvcIpAddr DvcMacAddr DvcOriginalAction DvcOs DvcOsVersion
    DvcSubscriptionId DvcZone EventCount:int EventEndTime:datetime EventMessage
    EventOriginalResultDetails EventOriginalSeverity EventOriginalSubType EventOriginalType
    EventOriginalUid EventProduct EventProductVersion EventReportUrl EventResult
    EventResultDetails EventSchema EventSchemaVersion EventSeverity EventStartTime:datetime
    EventSubType EventType EventVendor HttpUserAgent LogonMethod LogonProtocol LogonTarget
    SrcDomain SrcDomainType SrcDvcId SrcDvcIdType SrcDvcOs SrcDvcType SrcFQDN SrcGeoCity
    SrcGeoCountry SrcGeoLatitude:real SrcGeoLongitude:real SrcGeoRegion SrcHostname SrcIpAddr
    SrcIsp TargetAppId TargetAppName TargetAppType TargetDomain TargetDomainType TargetDvcId
    TargetDvcIdType TargetDvcOs TargetDvcType TargetFQDN TargetHostname TargetIpAddr
    TargetPortNumber:int TargetSessionId TargetUrl TargetUserId TargetUserIdType TargetUsername
    TargetUsernameType TargetUserType TimeGenerated:datetime Type User
    """
)

FILE_EVENT: dict[str, KqlType] = _schema(
    """
    TimeGenerated:datetime _ResourceId EventMessage EventCount:int EventStartTime:datetime
    EventEndTime:datetime EventType EventResult EventOriginalUid EventOriginalType
    EventOriginalSubType EventProduct EventProductVersion EventVendor EventSchemaVersion
    EventReportUrl Dvc DvcIpAddr DvcHostname DvcId DvcMacAddr DvcOs DvcOsVersion DvcDescription
    SrcDescription DstDescription ActorUsername User ActorUsernameType ActorUserId
    ActorUserIdType ActorUserType ActorOriginalUserType ActingProcessName Process
    ActingProcessId ActingProcessGuid ActingProcessCommandLine TargetFilePath FilePath
    TargetFilePathType TargetFileName TargetFileExtension TargetFileDirectory
    TargetFileCreationTime:datetime TargetFileMimeType TargetFileSize:int TargetFileMD5
    TargetFileSHA1 TargetFileSHA256 TargetFileSHA512 Hash SrcFilePath SrcFilePathType
    SrcFileName SrcFileExtension SrcFileDirectory SrcFileCreationTime:datetime SrcFileMimeType
    SrcFileSize:int SrcFileMD5 SrcFileSHA1 SrcFileSHA256 SrcFileSHA512 TargetUrl SrcIpAddr
    HttpUserAgent NetworkApplicationProtocol
    """
)

REGISTRY_EVENT: dict[str, KqlType] = _schema(
    """
    TimeGenerated:datetime _ResourceId Type EventMessage AdditionalFields:dynamic Dvc
    DvcHostname DvcId DvcIpAddr DvcMacAddr DvcOs DvcOsVersion DvcDescription SrcDescription
    DstDescription EventCount:int EventEndTime:datetime EventOriginalType EventOriginalSubType
    EventOriginalUid EventProduct EventProductVersion EventReportUrl EventResult
    EventSchemaVersion EventStartTime:datetime EventType RegistryKey ActingProcessGuid
    ActingProcessId ActingProcessName ActorSessionId ActorUserId ActorUserIdType ActorUsername
    ActorUsernameType ParentProcessGuid ParentProcessId ParentProcessName Process
    RegistryPreviousKey RegistryPreviousValue RegistryPreviousValueData
    RegistryPreviousValueType RegistryValue RegistryValueData RegistryValueType User
    """
)

AUDIT_EVENT: dict[str, KqlType] = _schema(
    """
    TimeGenerated:datetime _ItemId TenantId SourceSystem _ResourceId _SubscriptionId
    AdditionalFields:dynamic EventMessage EventCount:int EventStartTime:datetime
    EventEndTime:datetime EventType EventSubType EventResult EventResultDetails
    EventOriginalUid EventOriginalType EventOriginalSubType EventOriginalResultDetails
    EventSeverity EventOriginalSeverity EventProduct EventProductVersion EventVendor
    EventSchemaVersion EventOwner EventReportUrl RuleName RuleNumber:int ThreatId ThreatName
    ThreatCategory ThreatRiskLevel:int ThreatOriginalRiskLevel ThreatConfidence:int
    ThreatOriginalConfidence ThreatIsActive:bool ThreatFirstReportedTime:datetime
    ThreatLastReportedTime:datetime ThreatField ThreatIpAddr DvcIpAddr DvcHostname DvcDomain
    DvcDomainType DvcFQDN DvcDescription DvcId DvcIdType DvcMacAddr DvcZone DvcOs DvcOsVersion
    DvcAction DvcOriginalAction DvcInterface DvcScopeId DvcScope ActorUserId ActorUserAadId
    ActorUserSid ActorUserIdType ActorScopeId ActorScope ActorUsername ActorUsernameType
    ActorUserType ActorOriginalUserType ActorSessionId TargetAppId TargetAppName TargetAppType
    TargetUrl ActingAppId ActingAppName ActingAppType HttpUserAgent SrcIpAddr SrcPortNumber:int
    SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDescription SrcDvcId SrcDvcIdType
    SrcDvcScopeId SrcDvcScope SrcDeviceType SrcGeoCountry SrcGeoLatitude:real
    SrcGeoLongitude:real SrcGeoRegion SrcGeoCity SrcRiskLevel:int SrcOriginalRiskLevel
    TargetIpAddr TargetPortNumber:int TargetHostname TargetDomain TargetDomainType TargetFQDN
    TargetDescription TargetDvcId TargetDvcIdType TargetDvcScopeId TargetDvcScope
    TargetDeviceType TargetGeoCountry TargetGeoLatitude:real TargetGeoLongitude:real
    TargetGeoRegion TargetGeoCity TargetRiskLevel:int TargetOriginalRiskLevel TargetDvcOs
    Operation ObjectId Object ObjectType OldValue NewValue ValueType User IpAddr
    """
)

USER_MANAGEMENT: dict[str, KqlType] = _schema(
    """
    TimeGenerated:datetime AdditionalFields:dynamic EventMessage EventCount:int
    EventStartTime:datetime EventEndTime:datetime EventType EventSubType EventResult
    EventResultDetails EventOriginalUid EventOriginalType EventOriginalSubType
    EventOriginalResultDetails EventSeverity EventOriginalSeverity EventProduct
    EventProductVersion EventVendor EventSchemaVersion EventOwner EventReportUrl DvcIpAddr
    DvcHostname DvcDomain DvcDomainType DvcFQDN DvcDescription DvcId DvcIdType DvcMacAddr
    DvcZone DvcOs DvcOsVersion DvcAction DvcOriginalAction DvcInterface DvcScopeId DvcScope
    ActorUserId ActorUserIdType ActorScopeId ActorScope ActorUsername ActorUsernameType
    ActorUserType ActorOriginalUserType ActorSessionId TargetUserId TargetUserIdType
    TargetScopeId TargetScope TargetUsername TargetUsernameType TargetUserType
    TargetOriginalUserType GroupId GroupIdType GroupName GroupNameType GroupType
    GroupOriginalType SrcIpAddr SrcPortNumber:int SrcHostname SrcDomain SrcDomainType SrcFQDN
    SrcDescription SrcDvcId SrcDvcIdType SrcDvcScopeId SrcDvcScope SrcDeviceType SrcGeoCountry
    SrcGeoLatitude:real SrcGeoLongitude:real SrcGeoRegion SrcGeoCity SrcRiskLevel:int
    SrcOriginalRiskLevel ActingAppId ActingAppName ActingAppType HttpUserAgent
    PreviousPropertyValue NewPropertyValue User IpAddr
    """
)

ASIM_SCHEMAS: dict[str, dict[str, KqlType]] = {
    "imAuditEvent": AUDIT_EVENT,
    "imAuthentication": AUTHENTICATION,
    "imDns": DNS,
    "imFileEvent": FILE_EVENT,
    "imNetworkSession": NETWORK_SESSION,
    "imRegistry": REGISTRY_EVENT,
    "imUserManagement": USER_MANAGEMENT,
    "imWebSession": WEB_SESSION,
}
"""Each ASIM union no source fills yet, by its table name (`kqlhunt.asim`), with its columns."""
