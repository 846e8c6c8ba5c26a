"""The columns of Log Analytics tables kqlhunt knows but no source fills yet, with their KQL
types.

In Sentinel these tables exist with fixed schemas whether or not data flows into them: a rule
over `DeviceNetworkEvents` or `CommonSecurityLog` compiles and returns nothing where there is
no data. kqlhunt does the same. References (column names and types):

* Azure Monitor Logs table reference, https://learn.microsoft.com/azure/azure-monitor/reference/
  tables/<table> (`devicefileevents`, `devicenetworkevents`, `deviceregistryevents`,
  `deviceimageloadevents`, `devicelogonevents`, `deviceevents`, `deviceinfo`, `emailevents`,
  `securityalert`, `officeactivity`, `auditlogs`, `signinlogs`), in the reference's
  (alphabetical) order;
* `CommonSecurityLog`, `ThreatIntelligenceIndicator` and `AzureDiagnostics`: the table
  definitions Microsoft's rule validation uses, Azure/Azure-Sentinel
  `.script/tests/KqlvalidationsTests/CustomTables/<table>.json`, in their order.
  `AzureDiagnostics` has no fixed schema (each Azure resource adds its own `*_s`, `*_d`, `*_g`
  columns); the list is the one that validation declares, less `clientIp_s` and `socketIp_s`,
  which differ from `clientIP_s` and `socketIP_s` only in case.

The Defender XDR tables (`Device*`, `EmailEvents`) also carry `Timestamp`, the column the
advanced hunting schema has where Sentinel has `TimeGenerated` (rules written for Defender read
it), as `DeviceProcessEvents` does; `SecurityAlert`, `AuditLogs` and `SigninLogs` carry the
standard `TenantId` (and `SecurityAlert` its `SourceSystem`) that their reference pages leave
out. Each list names its columns, `Name` for a string and `Name:type` otherwise.
"""

from __future__ import annotations

from kqlhunt.normalize.vendor_schemas import column_list
from kqlhunt.types import KqlType

# The initiating-process columns the Defender XDR device tables share, in the reference's order.
_INITIATING_PROCESS = """
    InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountObjectId
    InitiatingProcessAccountSid InitiatingProcessAccountUpn InitiatingProcessCommandLine
    InitiatingProcessCreationTime:datetime InitiatingProcessFileName
    InitiatingProcessFileSize:long InitiatingProcessFolderPath InitiatingProcessId:long
    InitiatingProcessIntegrityLevel InitiatingProcessMD5
    InitiatingProcessParentCreationTime:datetime InitiatingProcessParentFileName
    InitiatingProcessParentId:long InitiatingProcessSHA1 InitiatingProcessSHA256
    InitiatingProcessTokenElevation InitiatingProcessVersionInfoCompanyName
    InitiatingProcessVersionInfoFileDescription InitiatingProcessVersionInfoInternalFileName
    InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoProductName
    InitiatingProcessVersionInfoProductVersion
"""

# The columns every Defender XDR device table ends with.
_DEVICE_END = "SourceSystem TenantId TimeGenerated:datetime Type Timestamp:datetime"

DEVICE_FILE_EVENTS: dict[str, KqlType] = column_list(
    """
    ActionType AdditionalFields:dynamic AppGuardContainerId _BilledSize:real DeviceId DeviceName
    FileName FileOriginIP FileOriginReferrerUrl FileOriginUrl FileSize:long FolderPath
    """,
    _INITIATING_PROCESS,
    """
    IsAzureInfoProtectionApplied:bool _IsBillable MachineGroup MD5 PreviousFileName
    PreviousFolderPath ReportId:long RequestAccountDomain RequestAccountName RequestAccountSid
    RequestProtocol RequestSourceIP RequestSourcePort:int SensitivityLabel SensitivitySubLabel
    SHA1 SHA256 ShareName
    """,
    _DEVICE_END,
)

DEVICE_NETWORK_EVENTS: dict[str, KqlType] = column_list(
    """
    ActionType AdditionalFields:dynamic AppGuardContainerId _BilledSize:real DeviceId DeviceName
    """,
    _INITIATING_PROCESS,
    """
    _IsBillable LocalIP LocalIPType LocalPort:int MachineGroup Protocol RemoteIP RemoteIPType
    RemotePort:int RemoteUrl ReportId:long
    """,
    _DEVICE_END,
)

DEVICE_REGISTRY_EVENTS: dict[str, KqlType] = column_list(
    "ActionType AppGuardContainerId _BilledSize:real DeviceId DeviceName",
    _INITIATING_PROCESS,
    """
    _IsBillable MachineGroup PreviousRegistryKey PreviousRegistryValueData
    PreviousRegistryValueName RegistryKey RegistryValueData RegistryValueName RegistryValueType
    ReportId:long
    """,
    _DEVICE_END,
)

DEVICE_IMAGE_LOAD_EVENTS: dict[str, KqlType] = column_list(
    """
    ActionType AppGuardContainerId _BilledSize:real DeviceId DeviceName FileName FileSize:long
    FolderPath
    """,
    _INITIATING_PROCESS,
    "_IsBillable MachineGroup MD5 ReportId:long SHA1 SHA256",
    _DEVICE_END,
)

DEVICE_LOGON_EVENTS: dict[str, KqlType] = column_list(
    """
    AccountDomain AccountName AccountSid ActionType AdditionalFields:dynamic AppGuardContainerId
    _BilledSize:real DeviceId DeviceName FailureReason
    """,
    _INITIATING_PROCESS,
    """
    _IsBillable IsLocalAdmin:bool LogonId:long LogonType MachineGroup Protocol RemoteDeviceName
    RemoteIP RemoteIPType RemotePort:int ReportId:long
    """,
    _DEVICE_END,
)

DEVICE_EVENTS: dict[str, KqlType] = column_list(
    """
    AccountDomain AccountName AccountSid ActionType AdditionalFields:dynamic AppGuardContainerId
    _BilledSize:real DeviceId DeviceName FileName FileOriginIP FileOriginUrl FileSize:long
    FolderPath InitiatingProcessAccountDomain InitiatingProcessAccountName
    InitiatingProcessAccountObjectId InitiatingProcessAccountSid InitiatingProcessAccountUpn
    InitiatingProcessCommandLine InitiatingProcessCreationTime:datetime
    InitiatingProcessFileName InitiatingProcessFileSize:long InitiatingProcessFolderPath
    InitiatingProcessId:long InitiatingProcessLogonId:long InitiatingProcessMD5
    InitiatingProcessParentCreationTime:datetime InitiatingProcessParentFileName
    InitiatingProcessParentId:long InitiatingProcessSHA1 InitiatingProcessSHA256
    InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoFileDescription
    InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
    InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
    _IsBillable LocalIP LocalPort:int LogonId:long MachineGroup MD5 ProcessCommandLine
    ProcessCreationTime:datetime ProcessId:long ProcessTokenElevation RegistryKey
    RegistryValueData RegistryValueName RemoteDeviceName RemoteIP RemotePort:int RemoteUrl
    ReportId:long SHA1 SHA256
    """,
    _DEVICE_END,
)

DEVICE_INFO: dict[str, KqlType] = column_list(
    """
    AadDeviceId AdditionalFields:dynamic AssetValue _BilledSize:real ClientVersion
    DeviceCategory DeviceId DeviceName DeviceObjectId DeviceSubtype DeviceType ExclusionReason
    ExposureLevel IsAzureADJoined:bool _IsBillable IsExcluded:bool IsInternetFacing:bool
    JoinType LoggedOnUsers:dynamic MachineGroup MergedDeviceIds MergedToDeviceId Model
    OnboardingStatus OSArchitecture OSBuild:long OSDistribution OSPlatform OSVersion
    OSVersionInfo PublicIP RegistryDeviceTag ReportId:long SensorHealthState SourceSystem
    TenantId TimeGenerated:datetime Type Vendor Timestamp:datetime
    """
)

EMAIL_EVENTS: dict[str, KqlType] = column_list(
    """
    AdditionalFields:dynamic AttachmentCount:int AuthenticationDetails _BilledSize:real
    BulkComplaintLevel:int ConfidenceLevel Connectors DeliveryAction DeliveryLocation
    DetectionMethods EmailAction EmailActionPolicy EmailActionPolicyGuid EmailClusterId:long
    EmailDirection EmailLanguage InternetMessageId _IsBillable LatestDeliveryAction
    LatestDeliveryLocation NetworkMessageId OrgLevelAction OrgLevelPolicy RecipientEmailAddress
    RecipientObjectId ReportId SenderDisplayName SenderFromAddress SenderFromDomain SenderIPv4
    SenderIPv6 SenderMailFromAddress SenderMailFromDomain SenderObjectId SourceSystem Subject
    TenantId ThreatNames ThreatTypes TimeGenerated:datetime Type UrlCount:int UserLevelAction
    UserLevelPolicy Timestamp:datetime
    """
)

SECURITY_ALERT: dict[str, KqlType] = column_list(
    """
    AlertLink AlertName AlertSeverity AlertType _BilledSize:real CompromisedEntity
    ConfidenceLevel ConfidenceScore:real Description DisplayName EndTime:datetime Entities
    ExtendedLinks ExtendedProperties _IsBillable IsIncident:bool ProcessingEndTime:datetime
    ProductComponentName ProductName ProviderName RemediationSteps ResourceId SourceComputerId
    StartTime:datetime Status SubTechniques SystemAlertId Tactics Techniques
    TimeGenerated:datetime Type VendorName VendorOriginalId WorkspaceResourceGroup
    WorkspaceSubscriptionId TenantId SourceSystem
    """
)

OFFICE_ACTIVITY: dict[str, KqlType] = column_list(
    """
    AADGroupId AADTarget Activity Actor ActorContextId ActorIpAddress AddOnGuid AddonName
    AddOnType AffectedItems AppDistributionMode AppId Application ApplicationId
    AzureActiveDirectory_EventType AzureADAppId _BilledSize:real ChannelGuid ChannelName
    ChannelType ChatName ChatThreadId Client Client_IPAddress ClientAppId ClientInfoString
    ClientIP ClientMachineName ClientProcessName ClientVersion CommunicationType
    CrossMailboxOperations:bool CustomEvent DataCenterSecurityEventType:int DestFolder
    DestinationFileExtension DestinationFileName DestinationRelativeUrl DestMailboxId
    DestMailboxOwnerMasterAccountSid DestMailboxOwnerSid DestMailboxOwnerUPN
    EffectiveOrganization ElevationApprovedTime:datetime ElevationApprover
    ElevationDuration:int ElevationRequestId ElevationRole ElevationTime:datetime Event_Data
    EventSource ExtendedProperties ExternalAccess ExtraProperties:dynamic Folder Folders
    GenericInfo InternalLogonType:int InterSystemsId IntraSystemId _IsBillable
    IsManagedDevice:bool Item ItemName ItemType LoginStatus:int Logon_Type LogonUserDisplayName
    LogonUserSid MachineDomainInfo MachineId MailboxGuid MailboxOwnerMasterAccountSid
    MailboxOwnerSid MailboxOwnerUPN Members:dynamic MessageId ModifiedObjectResolvedName
    ModifiedProperties Name NewValue OfficeId OfficeObjectId OfficeTenantId OfficeWorkload
    OldValue Operation OperationProperties:dynamic OperationScope OrganizationId
    OrganizationName OriginatingServer Parameters RecordType _ResourceId ResultReasonType
    ResultStatus SendAsUserMailboxGuid SendAsUserSmtp SendonBehalfOfUserMailboxGuid
    SendOnBehalfOfUserSmtp SharingType Site_ Site_Url Source_Name SourceFileExtension
    SourceFileName SourceRecordId SourceRelativeUrl SourceSystem SRPolicyId SRPolicyName
    SRRuleMatchDetails:dynamic Start_Time:datetime _SubscriptionId SupportTicketId TabType
    TargetContextId TargetUserId TargetUserOrGroupName TargetUserOrGroupType TeamGuid TeamName
    TenantId TimeGenerated:datetime Type UserAgent UserDomain UserId UserKey UserSharedWith
    UserType
    """
)

AUDIT_LOGS: dict[str, KqlType] = column_list(
    """
    AADOperationType AADTenantId ActivityDateTime:datetime ActivityDisplayName
    AdditionalDetails:dynamic _BilledSize:real Category CorrelationId DurationMs:long Id
    Identity InitiatedBy:dynamic _IsBillable Level Location LoggedByService OperationName
    OperationVersion Resource ResourceGroup ResourceId ResourceProvider Result
    ResultDescription ResultReason ResultSignature ResultType SourceSystem
    TargetResources:dynamic TimeGenerated:datetime Type TenantId
    """
)

SIGNIN_LOGS: dict[str, KqlType] = column_list(
    """
    AADTenantId AlternateSignInName AppDisplayName AppId AppliedConditionalAccessPolicies
    AppliedEventListeners:dynamic AuthenticationContextClassReferences AuthenticationDetails
    AuthenticationMethodsUsed AuthenticationProcessingDetails AuthenticationProtocol
    AuthenticationRequirement AuthenticationRequirementPolicies AutonomousSystemNumber
    _BilledSize:real Category ClientAppUsed ConditionalAccessPolicies:dynamic
    ConditionalAccessStatus CorrelationId CreatedDateTime:datetime CrossTenantAccessType
    DeviceDetail:dynamic DurationMs:long FlaggedForReview:bool HomeTenantId Id Identity
    IPAddress IPAddressFromResourceProvider _IsBillable IsInteractive:bool IsRisky:bool Level
    Location LocationDetails:dynamic MfaDetail:dynamic NetworkLocationDetails OperationName
    OperationVersion OriginalRequestId ProcessingTimeInMilliseconds Resource
    ResourceDisplayName ResourceGroup ResourceId ResourceIdentity ResourceProvider
    ResourceServicePrincipalId ResourceTenantId ResultDescription ResultSignature ResultType
    RiskDetail RiskEventTypes RiskEventTypes_V2 RiskLevel RiskLevelAggregated
    RiskLevelDuringSignIn RiskState ServicePrincipalId ServicePrincipalName
    SessionLifetimePolicies SignInIdentifier SignInIdentifierType SourceSystem Status:dynamic
    TimeGenerated:datetime TokenIssuerName TokenIssuerType Type UniqueTokenIdentifier UserAgent
    UserDisplayName UserId UserPrincipalName UserType TenantId
    """
)

COMMON_SECURITY_LOG: dict[str, KqlType] = column_list(
    """
    TimeGenerated:datetime DeviceVendor DeviceProduct DeviceVersion DeviceEventClassID Activity
    LogSeverity OriginalLogSeverity AdditionalExtensions DeviceAction ApplicationProtocol
    EventCount:int DestinationDnsDomain DestinationServiceName DestinationTranslatedAddress
    DestinationTranslatedPort:int CommunicationDirection DeviceDnsDomain DeviceExternalID
    DeviceFacility DeviceInboundInterface DeviceNtDomain DeviceOutboundInterface
    DevicePayloadId ProcessName DeviceTranslatedAddress DestinationHostName
    DestinationMACAddress DestinationNTDomain DestinationProcessId:int
    DestinationUserPrivileges DestinationProcessName DestinationPort:int DestinationIP
    DeviceTimeZone DestinationUserID DestinationUserName DeviceAddress DeviceName
    DeviceMacAddress ProcessID:int EndTime:datetime ExternalID:int ExtID FileCreateTime
    FileHash FileID FileModificationTime FilePath FilePermission FileType FileName
    FileSize:int ReceivedBytes:long Message OldFileCreateTime OldFileHash OldFileID
    OldFileModificationTime OldFileName OldFilePath OldFilePermission OldFileSize:int
    OldFileType SentBytes:long EventOutcome Protocol Reason RequestURL
    RequestClientApplication RequestContext RequestCookies RequestMethod ReceiptTime
    SourceHostName SourceMACAddress SourceNTDomain SourceDnsDomain SourceServiceName
    SourceTranslatedAddress SourceTranslatedPort:int SourceProcessId:int
    SourceUserPrivileges SourceProcessName SourcePort:int SourceIP StartTime:datetime
    SourceUserID SourceUserName EventType:int DeviceEventCategory DeviceCustomIPv6Address1
    DeviceCustomIPv6Address1Label DeviceCustomIPv6Address2 DeviceCustomIPv6Address2Label
    DeviceCustomIPv6Address3 DeviceCustomIPv6Address3Label DeviceCustomIPv6Address4
    DeviceCustomIPv6Address4Label DeviceCustomFloatingPoint1:real
    DeviceCustomFloatingPoint1Label DeviceCustomFloatingPoint2:real
    DeviceCustomFloatingPoint2Label DeviceCustomFloatingPoint3:real
    DeviceCustomFloatingPoint3Label DeviceCustomFloatingPoint4:real
    DeviceCustomFloatingPoint4Label DeviceCustomNumber1:int FieldDeviceCustomNumber1:long
    DeviceCustomNumber1Label DeviceCustomNumber2:int FieldDeviceCustomNumber2:long
    DeviceCustomNumber2Label DeviceCustomNumber3:int FieldDeviceCustomNumber3:long
    DeviceCustomNumber3Label DeviceCustomString1 DeviceCustomString1Label DeviceCustomString2
    DeviceCustomString2Label DeviceCustomString3 DeviceCustomString3Label DeviceCustomString4
    DeviceCustomString4Label DeviceCustomString5 DeviceCustomString5Label DeviceCustomString6
    DeviceCustomString6Label DeviceCustomDate1 DeviceCustomDate1Label DeviceCustomDate2
    DeviceCustomDate2Label FlexDate1 FlexDate1Label FlexNumber1:int FlexNumber1Label
    FlexNumber2:int FlexNumber2Label FlexString1 FlexString1Label FlexString2 FlexString2Label
    RemoteIP RemotePort MaliciousIP ThreatSeverity:int IndicatorThreatType ThreatDescription
    ThreatConfidence ReportReferenceLink MaliciousIPLongitude:real MaliciousIPLatitude:real
    MaliciousIPCountry Computer SourceSystem SimplifiedDeviceAction CollectorHostName TenantId
    Type _ResourceId _SubscriptionId _BilledSize:real _IsBillable _ItemId
    """
)

THREAT_INTELLIGENCE_INDICATOR: dict[str, KqlType] = column_list(
    """
    TenantId TimeGenerated:datetime SourceSystem Action ActivityGroupNames AdditionalInformation
    ApplicationId AzureTenantId ConfidenceScore:real Description DiamondModel
    ExternalIndicatorId ExpirationDateTime:datetime IndicatorId ThreatType Active:bool
    KillChainActions:bool KillChainC2:bool KillChainDelivery:bool KillChainExploitation:bool
    KillChainReconnaissance:bool KillChainWeaponization:bool KnownFalsePositives MalwareNames
    PassiveOnly:bool ThreatSeverity:int Tags TrafficLightProtocolLevel EmailEncoding
    EmailLanguage EmailRecipient EmailSenderAddress EmailSenderName EmailSourceDomain
    EmailSourceIpAddress EmailSubject EmailXMailer FileCompileDateTime:datetime
    FileCreatedDateTime:datetime FileHashType FileHashValue FileMutexName FileName FilePacker
    FilePath FileSize:int FileType DomainName NetworkIP NetworkPort:int NetworkDestinationAsn:int
    NetworkDestinationCidrBlock NetworkDestinationIP NetworkCidrBlock NetworkDestinationPort:int
    NetworkProtocol:int NetworkSourceAsn:int NetworkSourceCidrBlock NetworkSourceIP
    NetworkSourcePort:int Url UserAgent IndicatorProvider Type
    """
)

AZURE_DIAGNOSTICS: dict[str, KqlType] = column_list(
    """
    TenantId TimeGenerated:datetime ResourceId Category ResourceGroup SubscriptionId
    ResourceProvider Resource ResourceType OperationName ResultType CorrelationId
    ResultDescription Tenant_g JobId_g RunbookName_s StreamType_s Caller_s requestUri_s Level
    DurationMs:long CallerIPAddress OperationVersion ResultSignature id_s status_s
    LogicalServerName_s Message clientInfo_s httpStatusCode_d:real identity_claim_appid_g
    identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g userAgent_s
    ruleName_s identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s
    systemId_g isAccessPolicyMatch_b:bool EventName_s httpMethod_s subnetId_s type_s
    instanceId_s macAddress_s vnetResourceGuid_g direction_s subnetPrefix_s
    primaryIPv4Address_s conditions_sourcePortRange_s priority_d:real
    conditions_destinationPortRange_s conditions_destinationIP_s conditions_None_s
    conditions_sourceIP_s httpVersion_s matchedConnections_d:real startTime_t:datetime
    endTime_t:datetime DatabaseName_s clientIP_s host_s requestQuery_s sslEnabled_s
    clientPort_d:real httpStatus_d:real receivedBytes_d:real sentBytes_d:real timeTaken_d:real
    resultDescription_ErrorJobs_s resultDescription_ChildJobs_s
    identity_claim_http_schemas_microsoft_com_identity_claims_scope_s workflowId_s
    resource_location_s resource_workflowId_g resource_resourceGroupName_s
    resource_subscriptionId_g resource_runId_s resource_workflowName_s _schema_s
    correlation_clientTrackingId_s properties_sku_Family_s properties_sku_Name_s
    properties_tenantId_g properties_enabledForDeployment_b:bool code_s
    resultDescription_Summary_MachineId_s resultDescription_Summary_ScheduleName_s
    resultDescription_Summary_Status_s resultDescription_Summary_StatusDescription_s
    resultDescription_Summary_MachineName_s
    resultDescription_Summary_TotalUpdatesInstalled_d:real
    resultDescription_Summary_RebootRequired_b:bool
    resultDescription_Summary_TotalUpdatesFailed_d:real
    resultDescription_Summary_InstallPercentage_d:real
    resultDescription_Summary_StartDateTimeUtc_t:datetime resource_triggerName_s
    resultDescription_Summary_InitialRequiredUpdatesCount_d:real
    properties_enabledForTemplateDeployment_b:bool resultDescription_Summary_EndDateTimeUtc_s
    resultDescription_Summary_DurationInMinutes_s resource_originRunId_s
    properties_enabledForDiskEncryption_b:bool resource_actionName_s
    correlation_actionTrackingId_g resultDescription_Summary_EndDateTimeUtc_t:datetime
    resultDescription_Summary_DurationInMinutes_d:real conditions_protocols_s
    identity_claim_ipaddr_s ElasticPoolName_s
    identity_claim_http_schemas_microsoft_com_claims_authnmethodsreferences_s RunOn_s
    query_hash_s SourceSystem MG ManagementGroupName Computer requestBytes_s responseBytes_s
    socketIP_s timeTaken_s securityProtocol_s endpoint_s rulesEngineMatchNames_s
    backendHostname_s isReceivedFromClient_b:bool httpStatusCode_s httpStatusDetails_s pop_s
    cacheStatus_s policy_s trackingReference_s policyMode_s details_matches_s
    identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_name_s
    resource_sourceTriggerHistoryName_s secretProperties_attributes_enabled_b:bool
    addedAccessPolicy_TenantId_g addedAccessPolicy_ObjectId_g
    addedAccessPolicy_Permissions_keys_s addedAccessPolicy_Permissions_secrets_s
    addedAccessPolicy_Permissions_certificates_s properties_enableRbacAuthorization_b:bool
    retryHistory_s properties_networkAcls_bypass_s properties_networkAcls_defaultAction_s
    ruleGroup_s transactionId_s transactionId_g originalHost_s error_code_s error_message_s
    clientPort_s ruleSetType_s ruleSetVersion_s ruleId_s action_s site_s details_message_s
    details_msg_s details_data_s details_file_s details_line_s hostname_s
    correlation_clientTrackingId_g tags__type_s msg_s tags_LogicAppsCategory_s Type
    AdditionalFields:dynamic _ResourceId action_id_s server_principal_name_s client_ip_s
    host_name_s application_name_s action_name_s database_name_s affected_rows_d:real
    response_rows_d:real statement_s additional_information_s succeeded_s timeSlice
    destPublicIpAddress_s sourcePublicIpAddress_s log_s removedAccessPolicy_ObjectId_g
    removedAccessPolicy_Permissions_keys_s removedAccessPolicy_Permissions_secrets_s
    removedAccessPolicy_Permissions_certificates_s duration_milliseconds_d:timespan
    session_server_principal_name_s
    """
)

KNOWN_VENDOR_TABLES: dict[str, dict[str, KqlType]] = {
    "AuditLogs": AUDIT_LOGS,
    "AzureDiagnostics": AZURE_DIAGNOSTICS,
    "CommonSecurityLog": COMMON_SECURITY_LOG,
    "DeviceEvents": DEVICE_EVENTS,
    "DeviceFileEvents": DEVICE_FILE_EVENTS,
    "DeviceImageLoadEvents": DEVICE_IMAGE_LOAD_EVENTS,
    "DeviceInfo": DEVICE_INFO,
    "DeviceLogonEvents": DEVICE_LOGON_EVENTS,
    "DeviceNetworkEvents": DEVICE_NETWORK_EVENTS,
    "DeviceRegistryEvents": DEVICE_REGISTRY_EVENTS,
    "EmailEvents": EMAIL_EVENTS,
    "OfficeActivity": OFFICE_ACTIVITY,
    "SecurityAlert": SECURITY_ALERT,
    "SigninLogs": SIGNIN_LOGS,
    "ThreatIntelligenceIndicator": THREAT_INTELLIGENCE_INDICATOR,
}
"""Each vendor table kqlhunt knows but no source fills, with its columns."""
