"""parse_path and parse_url: documented examples, missing parts, trailing separators, Unicode."""

from __future__ import annotations

from typing import Any

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.types import KqlType
from tests.kql.semantics import rows, scalar


def path_bag(*parts: str, scheme: str = "", root: str = "", stream: str = "") -> dict[str, str]:
    """The bag parse_path gives; `parts` are DirectoryPath, DirectoryName, Filename, Extension."""
    directory, name, filename, extension = (*parts, "", "", "", "")[:4]
    values = (scheme, root, directory, name, filename, extension, stream)
    keys = "Scheme RootPath DirectoryPath DirectoryName Filename Extension AlternateDataStreamName"
    return dict(zip(keys.split(), values, strict=True))


def test_parse_path_documented_example() -> None:
    result = rows(
        "datatable(p: string) ["
        ' @"C:\\temp\\file.txt", @"temp\\file.txt", "file://C:/temp/file.txt:some.exe",'
        ' @"\\\\shared\\users\\temp\\file.txt.gz", "/usr/lib/temp/file.txt"'
        "] | extend path_parts = parse_path(p)"
    )
    assert [parts for _, parts in result] == [
        path_bag("C:\\temp", "temp", "file.txt", "txt", root="C:"),
        path_bag("temp", "temp", "file.txt", "txt"),
        path_bag("C:/temp", "temp", "file.txt", "txt", scheme="file", root="C:", stream="some.exe"),
        path_bag("\\\\shared\\users\\temp", "temp", "file.txt.gz", "gz"),
        path_bag("/usr/lib/temp", "temp", "file.txt", "txt"),
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('parse_path("")', path_bag()),
        ('parse_path("file.txt")', path_bag("", "", "file.txt", "txt")),
        ('parse_path("README")', path_bag("", "", "README")),
        ('parse_path(@"C:\\file.exe")', path_bag("C:", "", "file.exe", "exe", root="C:")),
        ('parse_path(@"C:\\temp\\")', path_bag("C:\\temp", "temp", root="C:")),
        ('parse_path("/usr/lib/")', path_bag("/usr/lib", "lib")),
        ('parse_path("/etc/.bashrc")', path_bag("/etc", "etc", ".bashrc", "bashrc")),
        ('parse_path("/tmp/archive.")', path_bag("/tmp", "tmp", "archive.")),
        (
            'parse_path(@"\\\\?\\C:\\very\\long\\name.dll")',
            path_bag("\\\\?\\C:\\very\\long", "long", "name.dll", "dll", root="C:"),
        ),
        (
            'parse_path(@"C:\\data\\report.docx:Zone.Identifier")',
            path_bag(
                "C:\\data", "data", "report.docx", "docx", root="C:", stream="Zone.Identifier"
            ),
        ),
        (
            'parse_path("https://example.com/files/a.tar.gz")',
            path_bag("example.com/files", "files", "a.tar.gz", "gz", scheme="https"),
        ),
        (
            'parse_path("/home/jürgen/Überblick.pdf")',
            path_bag("/home/jürgen", "jürgen", "Überblick.pdf", "pdf"),
        ),
    ],
)
def test_parse_path(expression: str, expected: dict[str, str]) -> None:
    assert scalar(expression) == expected


def test_parse_path_parts_read_as_properties() -> None:
    assert rows(
        'print p = parse_path(@"C:\\Windows\\System32\\cmd.exe")'
        " | extend f = tostring(p.Filename), d = tostring(p.DirectoryName)"
        " | project f, d"
    ) == [("cmd.exe", "System32")]


def url_bag(*parts: str, query: dict[str, str] | None = None, user: str = "") -> dict[str, Any]:
    """The bag parse_url gives; `parts` are Scheme, Host, Port, Path, Fragment."""
    scheme, host, port, path, fragment = (*parts, "", "", "", "", "")[:5]
    bag: dict[str, Any] = {"Scheme": scheme, "Host": host, "Port": port, "Path": path}
    username, _, password = user.partition(":")
    bag |= {"Username": username, "Password": password, "Query Parameters": query or {}}
    return bag | {"Fragment": fragment}


def test_parse_url_documented_example() -> None:
    assert scalar(
        'parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")'
    ) == url_bag(
        "scheme",
        "host",
        "1234",
        "this/is/a/path",
        "fragment",
        query={"k1": "v1", "k2": "v2"},
        user="username:password",
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('parse_url("https://www.example.com")', url_bag("https", "www.example.com")),
        ('parse_url("https://www.example.com/")', url_bag("https", "www.example.com")),
        (
            'parse_url("http://example.com:8080/a/b/")',
            url_bag("http", "example.com", "8080", "a/b/"),
        ),
        (
            'parse_url("https://user@example.com/x?q=kusto%20query#top")',
            url_bag(
                "https", "example.com", "", "x", "top", query={"q": "kusto%20query"}, user="user"
            ),
        ),
        (
            'parse_url("https://[2001:db8::1]:443/?a=1&b=&c&a=2")',
            url_bag("https", "[2001:db8::1]", "443", query={"a": "1", "b": "", "c": ""}),
        ),
        (
            'parse_url("http://example.com?redirect=https://x.test/?y=1")',
            url_bag("http", "example.com", query={"redirect": "https://x.test/?y=1"}),
        ),
        (
            'parse_url("https://münchen.example/straße?ä=ö")',
            url_bag("https", "münchen.example", "", "straße", query={"ä": "ö"}),
        ),
        ('parse_url("")', url_bag()),
        ('parse_url("www.example.com/index.html")', url_bag()),
    ],
)
def test_parse_url(expression: str, expected: dict[str, Any]) -> None:
    assert scalar(expression) == expected


def test_parse_url_of_a_column() -> None:
    table = TableData.from_rows(
        "Requests",
        {"Url": KqlType.STRING},
        [{"Url": "https://a.test:8443/login?user=bob&next=/home"}, {"Url": ""}],
    )
    assert rows(
        "Requests | extend u = parse_url(Url)"
        " | project h = tostring(u.Host), p = tostring(u.Port),"
        ' n = tostring(u["Query Parameters"].next)',
        table,
    ) == [("a.test", "8443", "/home"), ("", "", "")]
