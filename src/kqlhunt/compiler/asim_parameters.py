"""The filtering parameters each ASIM schema's parsers declare, in order, with what each
filters.

References: the "Filtering parser parameters" section of each ASIM schema page,
https://learn.microsoft.com/azure/sentinel/normalization-schema-<x>, and the parameter lists of
the unifying parsers, Azure/Azure-Sentinel `Parsers/ASim<Schema>/Parsers/im<Schema>.yaml`. The
registry parsers take no parameters. Time filters apply to `TimeGenerated`, as the parsers do.
"""

from __future__ import annotations

from kqlhunt.compiler.parameters import (
    Parameter,
    ParserParameters,
    call,
    compare,
    disabled,
    dns_event_type,
    ip_prefix,
    list_test,
    time_from,
    time_to,
    unfiltered,
)
from kqlhunt.types import KqlType

DATETIME, DYNAMIC, STRING, INT, BOOL = (
    KqlType.DATETIME,
    KqlType.DYNAMIC,
    KqlType.STRING,
    KqlType.INT,
    KqlType.BOOL,
)

_STARTTIME = Parameter("starttime", DATETIME, time_from())
_ENDTIME = Parameter("endtime", DATETIME, time_to())
_SRC_IP_PREFIX = Parameter("srcipaddr_has_any_prefix", DYNAMIC, ip_prefix("SrcIpAddr"))
_ACTOR_USERNAME = Parameter("actorusername_has_any", DYNAMIC, list_test("has_any", "ActorUsername"))
_EVENTTYPE_IN = Parameter("eventtype_in", DYNAMIC, list_test("in", "EventType"))
_EVENTRESULT = Parameter("eventresult", STRING, compare("==", "EventResult"))
_IPADDR_PREFIX = Parameter("ipaddr_has_any_prefix", DYNAMIC, ip_prefix("SrcIpAddr", "DstIpAddr"))
_DISABLED = Parameter("disabled", BOOL, disabled)
_PACK = Parameter("pack", BOOL, unfiltered)

PROCESS_EVENT = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        Parameter("commandline_has_any", DYNAMIC, list_test("has_any", "CommandLine")),
        Parameter("commandline_has_all", DYNAMIC, list_test("has_all", "CommandLine")),
        Parameter("commandline_has_any_ip_prefix", DYNAMIC, ip_prefix("CommandLine")),
        Parameter("actingprocess_has_any", DYNAMIC, list_test("has_any", "ActingProcessName")),
        Parameter("targetprocess_has_any", DYNAMIC, list_test("has_any", "TargetProcessName")),
        Parameter("parentprocess_has_any", DYNAMIC, list_test("has_any", "ParentProcessName")),
        Parameter("targetusername_has", STRING, compare("has", "TargetUsername")),
        Parameter("dvcipaddr_has_any_prefix", DYNAMIC, ip_prefix("DvcIpAddr")),
        Parameter("dvchostname_has_any", DYNAMIC, list_test("has_any", "DvcHostname")),
        Parameter(
            "hashes_has_any",
            DYNAMIC,
            list_test(
                "in~",
                "TargetProcessSHA256",
                "TargetProcessSHA1",
                "TargetProcessMD5",
                "TargetProcessIMPHASH",
            ),
        ),
        Parameter("eventtype", STRING, compare("==", "EventType")),
    ),
    aliases=(("targetusername", "targetusername_has"), ("dvcname_has_any", "dvchostname_has_any")),
)

AUDIT_EVENT = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        _SRC_IP_PREFIX,
        _ACTOR_USERNAME,
        Parameter("operation_has_any", DYNAMIC, list_test("has_any", "Operation")),
        _EVENTTYPE_IN,
        _EVENTRESULT,
        Parameter("object_has_any", DYNAMIC, list_test("has_any", "Object")),
        Parameter("newvalue_has_any", DYNAMIC, list_test("has_any", "NewValue")),
        _PACK,
    )
)

AUTHENTICATION = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        Parameter("username_has_any", DYNAMIC, list_test("has_any", "TargetUsername")),
        Parameter("targetappname_has_any", DYNAMIC, list_test("has_any", "TargetAppName")),
        _SRC_IP_PREFIX,
        Parameter("srchostname_has_any", DYNAMIC, list_test("has_any", "SrcHostname")),
        _EVENTTYPE_IN,
        Parameter("eventresultdetails_in", DYNAMIC, list_test("in", "EventResultDetails")),
        _EVENTRESULT,
        _PACK,
    ),
    # The first published parsers filtered on one user name.
    aliases=(("targetusername_has", "username_has_any"),),
)

DNS = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        Parameter("srcipaddr", STRING, compare("==", "SrcIpAddr")),
        Parameter("domain_has_any", DYNAMIC, list_test("has_any", "DnsQuery")),
        Parameter("responsecodename", STRING, compare("==", "DnsResponseCodeName")),
        Parameter("response_has_ipv4", STRING, call("has_ipv4", "DnsResponseName")),
        Parameter("response_has_any_prefix", DYNAMIC, ip_prefix("DnsResponseName")),
        Parameter("eventtype", STRING, dns_event_type),
        _PACK,
    )
)

FILE_EVENT = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        _EVENTTYPE_IN,
        _SRC_IP_PREFIX,
        _ACTOR_USERNAME,
        Parameter("targetfilepath_has_any", DYNAMIC, list_test("has_any", "TargetFilePath")),
        Parameter("srcfilepath_has_any", DYNAMIC, list_test("has_any", "SrcFilePath")),
        Parameter(
            "hashes_has_any",
            DYNAMIC,
            list_test(
                "in~", "TargetFileSHA256", "TargetFileSHA1", "TargetFileMD5", "TargetFileSHA512"
            ),
        ),
        Parameter("dvchostname_has_any", DYNAMIC, list_test("has_any", "DvcHostname")),
        _DISABLED,
        _PACK,
    )
)

NETWORK_SESSION = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        _SRC_IP_PREFIX,
        Parameter("dstipaddr_has_any_prefix", DYNAMIC, ip_prefix("DstIpAddr")),
        _IPADDR_PREFIX,
        Parameter("dstportnumber", INT, compare("==", "DstPortNumber")),
        Parameter("hostname_has_any", DYNAMIC, list_test("has_any", "DstHostname")),
        Parameter("dvcaction", DYNAMIC, list_test("in", "DvcAction")),
        _EVENTRESULT,
        _DISABLED,
    )
)

USER_MANAGEMENT = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        _SRC_IP_PREFIX,
        Parameter("targetusername_has_any", DYNAMIC, list_test("has_any", "TargetUsername")),
        _ACTOR_USERNAME,
        _EVENTTYPE_IN,
        _PACK,
    )
)

WEB_SESSION = ParserParameters(
    (
        _STARTTIME,
        _ENDTIME,
        _SRC_IP_PREFIX,
        _IPADDR_PREFIX,
        Parameter("url_has_any", DYNAMIC, list_test("has_any", "Url")),
        Parameter("httpuseragent_has_any", DYNAMIC, list_test("has_any", "HttpUserAgent")),
        Parameter("eventresultdetails_in", DYNAMIC, list_test("in", "EventResultDetails")),
        _EVENTRESULT,
        Parameter(
            "eventresultdetails_has_any", DYNAMIC, list_test("has_any", "EventResultDetails")
        ),
        _DISABLED,
    )
)

PARSER_PARAMETERS: dict[str, ParserParameters] = {
    "ProcessEvent": PROCESS_EVENT,
    "AuditEvent": AUDIT_EVENT,
    "Authentication": AUTHENTICATION,
    "Dns": DNS,
    "FileEvent": FILE_EVENT,
    "NetworkSession": NETWORK_SESSION,
    "UserManagement": USER_MANAGEMENT,
    "WebSession": WEB_SESSION,
}
"""Each ASIM schema's parser parameters, by the schema's name (`kqlhunt.asim`)."""
