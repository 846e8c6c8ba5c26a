"""Value conversions."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kqlhunt.normalize.sysmon import parse_hashes
from kqlhunt.normalize.values import file_name, hex_to_decimal, parse_time, split_fqdn, text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-09-20T19:15:40.252929Z", datetime(2016, 9, 20, 19, 15, 40, 252929)),
        ("2022-05-13T08:54:08.4200000Z", datetime(2022, 5, 13, 8, 54, 8, 420000)),
        ("2020-12-19T07:50:13.618Z", datetime(2020, 12, 19, 7, 50, 13, 618000)),
        ("2019-06-20T08:07:48.9099358Z UTC", datetime(2019, 6, 20, 8, 7, 48, 909935)),
        ("2020-09-04 16:09:55", datetime(2020, 9, 4, 16, 9, 55)),
        ("2021-08-02T09:05:33.48-04:00", datetime(2021, 8, 2, 13, 5, 33, 480000)),
    ],
)
def test_parse_time_gives_utc(raw: str, expected: datetime) -> None:
    assert parse_time(raw) == expected.replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "raw",
    [
        "1601-01-01T00:00:00Z",
        "1601-01-01T00:00:00.000000Z",
        "2019-03-19T24:00:00.000000Z",
        "2019-02-29T23:39:23.541580Z",
        "2019-W12-4T23:39:23.541580Z",
        "",
        "yesterday",
        None,
        17,
    ],
)
def test_parse_time_rejects_missing_times(raw: object) -> None:
    assert parse_time(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-03-19T23:39:23.5+1580Z", datetime(2019, 3, 19, 7, 19, 23, 500000)),  # +16:20
        ("2019-03-19T23:39:23,541580Z", datetime(2019, 3, 19, 23, 39, 23)),  # no fraction
        ("2019-03-19 23:39:23.541580Z", datetime(2019, 3, 19, 23, 39, 23, 541580)),
        ("2019-03-19t23:39:23.541580Z", datetime(2019, 3, 19, 23, 39, 23, 541580)),
    ],
)
def test_parse_time_reads_near_evtx_shapes_the_general_way(raw: str, expected: datetime) -> None:
    assert parse_time(raw) == expected.replace(tzinfo=timezone.utc)


def test_hex_ids_become_decimal_text() -> None:
    assert hex_to_decimal("0x1a2c") == "6700"
    assert hex_to_decimal("0X3E7") == "999"
    assert hex_to_decimal("1234") == "1234"
    assert hex_to_decimal(56) == "56"
    assert hex_to_decimal("0xzz") == "0xzz"
    assert hex_to_decimal(None) == ""


def test_fqdn_split() -> None:
    assert split_fqdn("WORKSTATION5.theshire.local") == ("WORKSTATION5", "theshire.local")
    assert split_fqdn("IE10Win7") == ("IE10Win7", "")
    assert split_fqdn("10.0.2.15") == ("10.0.2.15", "")


def test_small_helpers() -> None:
    assert file_name("C:\\Windows\\System32\\cmd.exe") == "cmd.exe"
    assert file_name("cmd.exe") == "cmd.exe"
    assert text(None) == "" and text(12) == "12" and text(True) == "true"
    assert parse_hashes("MD5=AA,SHA256=BB,IMPHASH=CC, broken") == {
        "MD5": "AA",
        "SHA256": "BB",
        "IMPHASH": "CC",
    }
