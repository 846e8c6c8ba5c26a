"""The filtering parameters of every ASIM schema's parsers, over small tables of each schema."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.compiler.asim_parameters import PARSER_PARAMETERS
from kqlhunt.engine import Engine
from kqlhunt.errors import KqlSemanticError
from kqlhunt.normalize.asim_schemas import ASIM_SCHEMAS
from kqlhunt.normalize.tables import with_aliases

NOW = datetime(2026, 11, 3, tzinfo=timezone.utc)


def _at(hour: int) -> datetime:
    return datetime(2026, 11, 2, hour, tzinfo=timezone.utc)


# Three rows per schema, told apart by EventOriginalUid; each parameter case below keeps some.
ROWS: dict[str, list[dict[str, object]]] = {
    "imDns": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "SrcIpAddr": "10.0.0.1",
         "DnsQuery": "www.evil.com", "DnsResponseCodeName": "NOERROR",
         "DnsResponseName": "1.2.3.4", "EventType": "Query"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "SrcIpAddr": "10.0.0.2",
         "DnsQuery": "good.org", "DnsResponseCodeName": "NXDOMAIN",
         "DnsResponseName": "192.168.1.7", "EventType": "Query"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "SrcIpAddr": "10.0.0.1",
         "DnsQuery": "zone.local", "EventType": "Update"},
    ],
    "imNetworkSession": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "SrcIpAddr": "10.0.0.1",
         "DstIpAddr": "8.8.8.8", "DstPortNumber": 53, "DstHostname": "dns.google",
         "DvcAction": "Allow", "EventResult": "Success"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "SrcIpAddr": "192.168.0.5",
         "DstIpAddr": "10.0.0.9", "DstPortNumber": 445, "DstHostname": "files.corp",
         "DvcAction": "Deny", "EventResult": "Failure"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "SrcIpAddr": "172.16.0.1",
         "DstIpAddr": "1.1.1.1", "DstPortNumber": 443, "DvcAction": "Allow",
         "EventResult": "Success"},
    ],
    "imWebSession": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "SrcIpAddr": "10.0.0.1",
         "Url": "http://evil.com/shell.php", "HttpUserAgent": "curl/8.0",
         "EventResultDetails": "200", "EventResult": "Success"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "SrcIpAddr": "10.0.0.2",
         "DstIpAddr": "192.168.3.3", "Url": "https://good.org/", "HttpUserAgent": "Mozilla/5.0",
         "EventResultDetails": "404", "EventResult": "Failure"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "SrcIpAddr": "10.0.0.3",
         "Url": "https://intranet/", "EventResultDetails": "200", "EventResult": "Success"},
    ],
    "imAuthentication": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "TargetUsername": "CONTOSO\\jdoe",
         "TargetAppName": "Azure Portal", "SrcIpAddr": "10.0.0.1", "SrcHostname": "WS1",
         "EventType": "Logon", "EventResultDetails": "Incorrect password",
         "EventResult": "Failure"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "TargetUsername": "CONTOSO\\asmith",
         "TargetAppName": "Outlook", "SrcIpAddr": "192.168.0.5", "SrcHostname": "WS2",
         "EventType": "Logon", "EventResult": "Success"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "TargetUsername": "CONTOSO\\jdoe",
         "EventType": "Logoff", "EventResult": "Success"},
    ],
    "imFileEvent": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "EventType": "FileCreated",
         "SrcIpAddr": "10.0.0.1", "ActorUsername": "CONTOSO\\jdoe",
         "TargetFilePath": "C:\\Temp\\payload.exe", "TargetFileSHA256": "ABC123",
         "DvcHostname": "WS1"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "EventType": "FileRenamed",
         "ActorUsername": "CONTOSO\\asmith", "SrcFilePath": "C:\\Users\\a\\notes.txt",
         "TargetFilePath": "C:\\Users\\a\\notes.bak", "DvcHostname": "WS2"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "EventType": "FileDeleted",
         "ActorUsername": "CONTOSO\\jdoe", "TargetFilePath": "D:\\share\\report.docx",
         "DvcHostname": "SRV1"},
    ],
    "imAuditEvent": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "SrcIpAddr": "10.0.0.1",
         "ActorUsername": "admin@contoso.com", "Operation": "Set-Mailbox",
         "EventType": "Set", "EventResult": "Success", "Object": "jdoe mailbox",
         "NewValue": "ForwardTo=evil@mail.com"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "ActorUsername": "ops@contoso.com",
         "Operation": "New-InboxRule", "EventType": "Create", "EventResult": "Failure",
         "Object": "asmith"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "ActorUsername": "admin@contoso.com",
         "Operation": "Remove-Mailbox", "EventType": "Delete", "EventResult": "Success"},
    ],
    "imUserManagement": [
        {"EventOriginalUid": "1", "TimeGenerated": _at(1), "SrcIpAddr": "10.0.0.1",
         "TargetUsername": "CONTOSO\\newadmin", "ActorUsername": "CONTOSO\\jdoe",
         "EventType": "UserCreated"},
        {"EventOriginalUid": "2", "TimeGenerated": _at(5), "TargetUsername": "CONTOSO\\asmith",
         "ActorUsername": "CONTOSO\\it", "EventType": "UserAddedToGroup"},
        {"EventOriginalUid": "3", "TimeGenerated": _at(9), "TargetUsername": "CONTOSO\\old",
         "ActorUsername": "CONTOSO\\it", "EventType": "UserDeleted"},
    ],
}  # fmt: skip


def ids(table: str, call: str) -> list[str]:
    data = TableData.from_rows(table, ASIM_SCHEMAS[table], ROWS[table])
    engine = Engine(with_aliases([data]).values(), now=NOW)
    try:
        result = engine.query(f"{call} | project EventOriginalUid")
    finally:
        engine.close()
    return sorted(str(r[0]) for r in result.rows)


CASES = [
    # DNS
    ("imDns", "_Im_Dns()", ["1", "2", "3"]),
    ("imDns", "_Im_Dns(starttime=datetime(2026-11-02 04:00))", ["2", "3"]),
    ("imDns", "imDns(endtime=ago(18h))", ["1", "2"]),
    ("imDns", "_Im_Dns(srcipaddr='10.0.0.1')", ["1", "3"]),
    ("imDns", "_Im_Dns(domain_has_any=dynamic(['evil.com', 'zone.local']))", ["1", "3"]),
    ("imDns", "_Im_Dns(domain_has_any=dynamic([]))", ["1", "2", "3"]),
    ("imDns", "_Im_Dns(responsecodename='NXDOMAIN')", ["2"]),
    ("imDns", "_Im_Dns(response_has_ipv4='1.2.3.4')", ["1"]),
    ("imDns", "_Im_Dns(response_has_any_prefix=dynamic(['192.168.']))", ["2"]),
    ("imDns", "_Im_Dns(eventtype='lookup')", ["1", "2"]),
    ("imDns", "_Im_Dns(eventtype='Update')", ["3"]),
    ("imDns", "_Im_Dns(datetime(null), datetime(null), '*', dynamic(['good.org']))", ["2"]),
    ("imDns", "vimDnsCiscoUmbrella(domain_has_any=dynamic(['good.org']))", ["2"]),
    # Network sessions
    ("imNetworkSession", "_Im_NetworkSession(srcipaddr_has_any_prefix=dynamic(['10.']))", ["1"]),
    ("imNetworkSession", "_Im_NetworkSession(dstipaddr_has_any_prefix=dynamic(['10.0.']))",
     ["2"]),
    ("imNetworkSession", "imNetworkSession(ipaddr_has_any_prefix=dynamic(['10.']))", ["1", "2"]),
    ("imNetworkSession", "_Im_NetworkSession(dstportnumber=445)", ["2"]),
    ("imNetworkSession", "_Im_NetworkSession(hostname_has_any=dynamic(['google']))", ["1"]),
    ("imNetworkSession", "_Im_NetworkSession(dvcaction=dynamic(['Deny']))", ["2"]),
    ("imNetworkSession", "_Im_NetworkSession(eventresult='Success')", ["1", "3"]),
    ("imNetworkSession", "_Im_NetworkSession(disabled=true)", []),
    ("imNetworkSession", "_Im_NetworkSession(disabled=false)", ["1", "2", "3"]),
    # Web sessions
    ("imWebSession", "_Im_WebSession(url_has_any=dynamic(['evil.com']))", ["1"]),
    ("imWebSession", "_Im_WebSession(httpuseragent_has_any=dynamic(['curl']))", ["1"]),
    ("imWebSession", "_Im_WebSession(eventresultdetails_in=dynamic(['404']))", ["2"]),
    ("imWebSession", "_Im_WebSession(eventresult='Success')", ["1", "3"]),
    ("imWebSession", "_Im_WebSession(eventresultdetails_has_any=dynamic(['200']))", ["1", "3"]),
    ("imWebSession", "_Im_WebSession(ipaddr_has_any_prefix=dynamic(['192.168.']))", ["2"]),
    ("imWebSession", "_Im_WebSession(srcipaddr_has_any_prefix=dynamic(['10.0.0.3']))", ["3"]),
    # Authentication
    ("imAuthentication", "imAuthentication(username_has_any=dynamic(['jdoe']))", ["1", "3"]),
    ("imAuthentication", "imAuthentication(targetusername_has='asmith')", ["2"]),
    ("imAuthentication", "_Im_Authentication(targetappname_has_any=dynamic(['Outlook']))",
     ["2"]),
    ("imAuthentication", "imAuthentication(srchostname_has_any=dynamic(['ws1']))", ["1"]),
    ("imAuthentication", "imAuthentication(eventtype_in=dynamic(['Logoff']))", ["3"]),
    ("imAuthentication",
     "imAuthentication(eventresultdetails_in=dynamic(['Incorrect password']))", ["1"]),
    ("imAuthentication", "imAuthentication(eventresult='Failure')", ["1"]),
    ("imAuthentication", "imAuthentication(srcipaddr_has_any_prefix=dynamic(['192.']))", ["2"]),
    # File events
    ("imFileEvent", "imFileEvent(eventtype_in=dynamic(['FileCreated', 'FileDeleted']))",
     ["1", "3"]),
    ("imFileEvent", "imFileEvent(actorusername_has_any=dynamic(['asmith']))", ["2"]),
    ("imFileEvent", "imFileEvent(targetfilepath_has_any=dynamic(['payload.exe']))", ["1"]),
    ("imFileEvent", "imFileEvent(srcfilepath_has_any=dynamic(['notes.txt']))", ["2"]),
    ("imFileEvent", "imFileEvent(hashes_has_any=dynamic(['abc123']))", ["1"]),
    ("imFileEvent", "imFileEvent(dvchostname_has_any=dynamic(['srv1']))", ["3"]),
    ("imFileEvent", "imFileEvent(srcipaddr_has_any_prefix=dynamic(['10.0.0.1']))", ["1"]),
    ("imFileEvent", "imFileEvent(pack=true)", ["1", "2", "3"]),
    # Audit events
    ("imAuditEvent", "imAuditEvent(actorusername_has_any=dynamic(['admin']))", ["1", "3"]),
    ("imAuditEvent", "imAuditEvent(operation_has_any=dynamic(['Set-Mailbox']))", ["1"]),
    ("imAuditEvent", "imAuditEvent(eventtype_in=dynamic(['Create']))", ["2"]),
    ("imAuditEvent", "imAuditEvent(eventresult='Failure')", ["2"]),
    ("imAuditEvent", "imAuditEvent(object_has_any=dynamic(['asmith']))", ["2"]),
    ("imAuditEvent", "imAuditEvent(newvalue_has_any=dynamic(['evil']))", ["1"]),
    ("imAuditEvent", "imAuditEvent(srcipaddr_has_any_prefix=dynamic(['10.']))", ["1"]),
    # User management
    ("imUserManagement", "imUserManagement(targetusername_has_any=dynamic(['newadmin']))",
     ["1"]),
    ("imUserManagement", "imUserManagement(actorusername_has_any=dynamic(['it']))", ["2", "3"]),
    ("imUserManagement", "imUserManagement(eventtype_in=dynamic(['UserDeleted']))", ["3"]),
    ("imUserManagement", "imUserManagement(srcipaddr_has_any_prefix=dynamic(['10.']))", ["1"]),
]  # fmt: skip


@pytest.mark.parametrize(("table", "call", "expected"), CASES)
def test_parameters_filter_as_the_parsers_do(table: str, call: str, expected: list[str]) -> None:
    assert ids(table, call) == expected


def test_every_declared_parameter_is_pinned() -> None:
    """Each parameter of every schema but the process one (tests/kql/test_parameters.py) is
    given by name in a case above; the time bounds are also given by position."""
    named = " ".join(call for _, call, _ in CASES)
    for schema, declared in PARSER_PARAMETERS.items():
        if schema == "ProcessEvent":
            continue
        for parameter in declared.parameters:
            assert f"{parameter.name}=" in named or parameter.name in ("starttime", "endtime"), (
                schema,
                parameter.name,
            )


def test_an_unknown_parameter_is_named_with_its_position() -> None:
    with pytest.raises(KqlSemanticError, match=r"no parameter 'domain' \(argument 2;"):
        ids("imDns", "_Im_Dns(ago(1d), domain=dynamic(['x']))")


def test_a_parameter_of_the_wrong_type_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="'dstportnumber' of '_Im_NetworkSession' takes"):
        ids("imNetworkSession", "_Im_NetworkSession(dstportnumber='445')")


def test_too_many_positional_parameters_is_an_error() -> None:
    with pytest.raises(KqlSemanticError, match="takes at most 7 parameters"):
        ids("imUserManagement", "imUserManagement(" + ", ".join(["dynamic([])"] * 8) + ")")


def test_registry_parsers_take_no_parameters() -> None:
    with pytest.raises(KqlSemanticError, match="'imRegistry' takes no parameters"):
        Engine(with_aliases([]).values()).query("imRegistry(ago(1d))")
