"""Golden rows: real corpus events and the imProcessCreate row each must become.

Each case names a corpus file, the product of the row, and its index among the rows of that
product. Run with KQLHUNT_UPDATE_GOLDEN=1 to rewrite the files under golden/, then review
the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kqlhunt.normalize import read_logs
from kqlhunt.normalize import schema as f

from .conftest import Row, comparable, rows_of

SIGMA_AMSI = (
    "SigmaHQ-sigma/regression_data/rules/windows/process_creation/"
    "proc_creation_win_amsi_registry_tampering/7dbbcac2-57a0-45ac-b306-ff30a8bd2981"
)
MSF_4688 = (
    "evtx/evtx-to-mitre-attack/TA0002-Execution/T1059.001-PowerShell/"
    "ID4688-Encoded PowerShell MSF payload via process execution.evtx"
)
OTRF = "OTRF-Security-Datasets/datasets"
NXLOG = (
    f"{OTRF}/atomic/windows/execution/host/empire_launcher_vbs/"
    "empire_launcher_vbs_2020-09-04160940.json"
)
FLAT = (
    f"{OTRF}/atomic/windows/lateral_movement/host/schtask_modification/"
    "schtask_modification_2020-12-1907505969.json"
)
LOG4SHELL = f"{OTRF}/compound/Log4Shell"
SECURITY_EVENT = (
    f"{LOG4SHELL}/securityauditing_log4shell_cve2021_44228_java_serialized_object/"
    "securityauditing_log4shell_cve2021_44228_java_serialized_object_2022-05-13045400.json"
)
WINDOWS_EVENT = (
    f"{LOG4SHELL}/sysmon_log4shell_cve2021_44228_java_serialized_object/"
    "sysmon_log4shell_cve2021_44228_java_serialized_object_2022-05-13045800.json"
)

MSTICPY = "microsoft-msticpy"
SYSLOG_SYSMON = (
    f"{LOG4SHELL}/syslog_sysmon_log4shell_cve2021_44228_jndi_reference/"
    "syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json"
)
SYSLOG_AUOMS = (
    f"{LOG4SHELL}/syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference/"
    "syslog_auoms_auditd_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json"
)
RAW_AUDITD = f"{OTRF}/atomic/linux/discovery/host/sh_arp_cache/sh_arp_cache_2020-11-10074812.log"

SYSMON = "Sysmon"
SECURITY = "Security Events"

CASES = {
    "sysmon_evtx": (f"{SIGMA_AMSI}.evtx", SYSMON, 0),
    "sysmon_sigma_json": (f"{SIGMA_AMSI}.json", SYSMON, 0),
    "security_4688_evtx": (MSF_4688, SECURITY, 0),
    "otrf_nxlog_sysmon": (NXLOG, SYSMON, 0),
    "otrf_nxlog_4688": (NXLOG, SECURITY, 0),
    "otrf_flat_sysmon": (FLAT, SYSMON, 0),
    "otrf_flat_4688": (FLAT, SECURITY, 0),
    "sentinel_securityevent_4688": (SECURITY_EVENT, SECURITY, 0),
    "sentinel_windowsevent_sysmon": (WINDOWS_EVENT, SYSMON, 0),
    # Sentinel SecurityEvent CSV, pandas index column first (EventID 4688 at 05:15:15.677)
    "securityevent_csv_4688": (f"{MSTICPY}/docs/notebooks/data/process_tree.csv", SECURITY, 0),
    # Defender, sensor-internal names: conhost.exe started by cmd.exe (ReportIndex 160854)
    "mde_internal_csv": (
        f"{MSTICPY}/tests/testdata/mde_proc_cs1.csv",
        "M365 Defender for Endpoint",
        0,
    ),
    # Sysmon for Linux in Sentinel Syslog: the Log4Shell reverse shell, EventRecordID 245760
    "syslog_linux_sysmon": (SYSLOG_SYSMON, "Sysmon for Linux", 0),
    # AUOMS in Sentinel Syslog: the same reverse shell, audit serial 84143
    "syslog_auoms_execve": (SYSLOG_AUOMS, "AUOMS", 5),
    # Raw auditd: `arp -a`, audit serial 92733
    "auditd_raw_execve": (RAW_AUDITD, "auditd", 0),
    # Sentinel custom auditd table (Python-repr records): /bin/sh -c with hex arguments
    "auditd_msticpy_csv": (f"{MSTICPY}/tests/testdata/linux_events.csv", "auditd", 0),
}


def _row(corpus: Path, relative: str, product: str, index: int) -> Row:
    rows = [r for r in rows_of(read_logs([corpus / relative])) if r[f.EVENT_PRODUCT] == product]
    return rows[index]


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_row(name: str, corpus: Path, check_golden: Callable[[str, Row], None]) -> None:
    check_golden(name, _row(corpus, *CASES[name]))


@pytest.mark.corpus
def test_evtx_and_its_json_rendering_normalize_alike(corpus: Path) -> None:
    from_evtx = _row(corpus, *CASES["sysmon_evtx"])
    from_json = _row(corpus, *CASES["sysmon_sigma_json"])

    # The JSON rendering drops trailing blanks of values (ParentCommandLine ends with one).
    assert _stripped(comparable(from_evtx)) == _stripped(comparable(from_json))


def _stripped(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _stripped(v) for k, v in value.items()}
    return value


@pytest.mark.corpus
def test_golden_linux_rows_name_the_reverse_shell(corpus: Path) -> None:
    sysmon = _row(corpus, *CASES["syslog_linux_sysmon"])
    auoms = _row(corpus, *CASES["syslog_auoms_execve"])

    assert sysmon[f.EVENT_ORIGINAL_UID] == "245760"
    assert auoms[f.EVENT_ORIGINAL_UID] == "84143"
    for row in (sysmon, auoms):
        assert row[f.TARGET_PROCESS_ID] == "17790"
        assert "{echo,YmFzaCAtaSA+" in str(row[f.COMMAND_LINE])
        assert row[f.DVC_IP_ADDR] == "192.168.2.5"


@pytest.mark.corpus
def test_golden_4688_has_hex_ids_and_dash_target(corpus: Path) -> None:
    row = _row(corpus, *CASES["security_4688_evtx"])

    assert '"TargetUserName":"-"' in str(row[f.ADDITIONAL_FIELDS])
    assert '"NewProcessId":"0x' in str(row[f.ADDITIONAL_FIELDS])
    assert row[f.TARGET_USERNAME] == row[f.ACTOR_USERNAME]
    assert str(row[f.TARGET_PROCESS_ID]).isdigit()
