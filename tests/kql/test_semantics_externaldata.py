"""externaldata: tables read from local files, converted to their column types as Kusto
converts text; remote addresses and files outside the allowed folders are refused."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from kqlhunt.compiler.externaldata import ROOTS_VARIABLE
from kqlhunt.errors import KqlSemanticError, KqlSyntaxError, UnsupportedKqlError
from tests.kql.semantics import rows, run

CSV = (
    "ip,score,seen,tags\n"
    '10.0.0.1,5,2024-01-02T03:04:05Z,"[""a"",""b""]"\n'
    "10.0.0.2,x,,plain\n"
    "10.0.0.3\n"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ROOTS_VARIABLE, raising=False)
    (tmp_path / "iocs.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "hashes.json").write_text(
        '{"h": "abc", "n": 3, "d": {"k": 1}}\n{"h": "def", "d": "text"}\n', encoding="utf-8"
    )
    (tmp_path / "names.txt").write_text("evil.exe\nbad.dll\n", encoding="utf-8")
    return tmp_path


def test_csv_with_a_header_and_kusto_conversions(folder: Path) -> None:
    query = (
        "externaldata(ip: string, score: long, seen: datetime, tags: dynamic)"
        '[@"iocs.csv"] with (format="csv", ignoreFirstRecord=true)'
    )
    assert rows(query) == [
        ("10.0.0.1", 5, datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc), ["a", "b"]),
        ("10.0.0.2", None, None, "plain"),  # "x" is no long; text that is not JSON stays text
        ("10.0.0.3", None, None, None),  # a short record: the missing values are empty
    ]


def test_json_lines_read_by_column_name(folder: Path) -> None:
    query = 'externaldata(h: string, n: int, d: dynamic, other: string)["hashes.json"]'
    assert rows(query) == [("abc", 3, {"k": 1}, ""), ("def", None, "text", "")]


def test_text_lines_and_a_file_address(folder: Path) -> None:
    address = (folder / "names.txt").as_uri()
    query = f'externaldata(name: string)[h"{address}"] with (format="txt")'
    assert rows(query + " | where name endswith '.exe'") == [("evil.exe",)]


def test_several_files_in_a_let_used_as_a_list(folder: Path) -> None:
    query = (
        "let known = externaldata(ip: string)['iocs.csv', 'iocs.csv'] "
        "with (ignoreFirstRecord=true); print n = toscalar(known | count), "
        "hit = '10.0.0.2' in (known)"
    )
    assert rows(query) == [(6, True)]


def test_a_remote_address_is_refused_by_name(folder: Path) -> None:
    with pytest.raises(UnsupportedKqlError, match="externaldata from a remote address"):
        run('externaldata(x: string)["https://example.com/feed.csv"]')


def test_files_outside_the_allowed_folders_are_refused(
    folder: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "list.txt").write_text("a\n", encoding="utf-8")
    query = f'externaldata(x: string)["{elsewhere / "list.txt"}"] with (format="txt")'
    with pytest.raises(KqlSemanticError, match="outside them"):
        run(query)
    monkeypatch.setenv(ROOTS_VARIABLE, str(elsewhere))
    assert rows(query) == [("a",)]
    with pytest.raises(KqlSemanticError, match="no file"):
        run('externaldata(x: string)["missing.csv"]')


def test_errors_name_the_place() -> None:
    with pytest.raises(KqlSemanticError, match="storage address must be a string"):
        run("externaldata(x: string)[42]")
    with pytest.raises(KqlSyntaxError, match="to close the externaldata schema"):
        run("externaldata(x: string [42]")
