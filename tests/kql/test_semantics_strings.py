"""The string operators: `has` and its family, `contains`, `startswith`, `endswith`, `=~`,
`matches regex`, each evaluated on a table column as rules use them.

Decisions where Kusto's docs are silent or loose, pinned here:

* Terms are "maximal runs of alphanumeric characters" (kql-semantics.md §1). `_` is not
  alphanumeric, so it separates terms: "a_b" has "b". Letters of other scripts are
  alphanumeric, so "café" is one term and does not have "caf".
* "Case-insensitive operators are supported only for ASCII": has, contains, startswith,
  endswith, =~ and in~ fold A-Z only, so "ÄBC" =~ "äbc" is false. The functions tolower and
  toupper are not operators and change every letter.
* A needle with punctuation or spaces matches as that exact phrase whose outer alphanumeric
  edges fall on term boundaries ("x.exe" has ".exe", "xpowershell.exe" does not have
  "powershell.exe").
* The empty needle: every string contains "", but "" is not a term, so nothing has "".
"""

from __future__ import annotations

import pytest

from kqlhunt.types import KqlType
from tests.kql.semantics import on_value, rows, scalar

PS = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"

HAS_CASES = [
    # the documented examples
    ("North America", 'has "america"', True),
    ("North America", '!has "amer"', True),
    ("North America", 'has_cs "America"', True),
    ("North America", 'has_cs "america"', False),
    ("North America", '!has_cs "amer"', True),
    ("KustoExplorerQueryRun", 'has "Explorer"', False),
    ("Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", 'has "c1db"', True),
    # paths and file names
    (PS, 'has "powershell.exe"', True),
    (PS, 'has "POWERSHELL.EXE"', True),
    (PS, 'has_cs "POWERSHELL.EXE"', False),
    (PS, 'has "powershell"', True),
    (PS, 'has "WindowsPowerShell"', True),
    (PS, 'has "Power"', False),
    (PS, r'has @"System32\WindowsPowerShell"', True),
    ("xpowershell.exe", 'has "powershell.exe"', False),
    ("powershell.exex", 'has "powershell.exe"', False),
    ("powershell.exe", 'has "powershell.exe"', True),
    # term boundaries
    ("a-b", 'has "b"', True),
    ("a-b", 'has "a"', True),
    ("ab", 'has "b"', False),
    ("b", 'has "b"', True),
    ("a b", 'has "a b"', True),
    # needles with punctuation at an edge keep that punctuation literally
    ("x.exe", 'has ".exe"', True),
    ("xexe", 'has ".exe"', False),
    ("run.exe now", 'has "exe "', True),
    ("file.exe", 'has "file."', True),
    # multi-word phrases
    (
        "$client = New-Object System.Net.Sockets.TCPClient('1.2.3.4',80)",
        'has "$client = New-Object System.Net.Sockets.TCPClient"',
        True,
    ),
    (
        "$client = New-Object System.Net.Sockets.TCPClientX",
        'has "New-Object System.Net.Sockets.TCPClient"',
        False,
    ),
    ("new-object system.net", 'has "New-Object System.Net"', True),
    ("New-Object  System.Net", 'has "New-Object System.Net"', False),
    # underscore separates terms
    ("a_b", 'has "b"', True),
    ("PowerShell_ISE.exe", 'has "ISE.exe"', True),
    ("PowerShell_ISE.exe", 'has "PowerShell_ISE.exe"', True),
    # other scripts: letters are term characters, case folds ASCII only
    ("café", 'has "caf"', False),
    ("café", 'has "CAFé"', True),
    ("naïve-x", 'has "x"', True),
    ("ÄBC", 'has "äbc"', False),
    ("ÄBC", 'has "Äbc"', True),
    # empty values and needles
    ("", 'has "a"', False),
    ("", '!has "a"', True),
    ("abc", 'has ""', False),
    ("", 'has ""', False),
    # prefixes and suffixes of terms
    ("North America", 'hasprefix "ame"', True),
    ("North America", '!hasprefix "mer"', True),
    ("North America", 'hasprefix_cs "Ame"', True),
    ("North America", '!hasprefix_cs "CA"', True),
    ("North America", 'hassuffix "ica"', True),
    ("North America", '!hassuffix "americ"', True),
    ("North America", 'hassuffix_cs "ica"', True),
    ("North America", '!hassuffix_cs "icA"', True),
    ("a-bcd", 'hasprefix "bc"', True),
    ("abcd", 'hasprefix "bc"', False),
    ("abc-d", 'hassuffix "bc"', True),
    ("abcd", 'hassuffix "bc"', False),
]


@pytest.mark.parametrize(("value", "test", "expected"), HAS_CASES)
def test_term_operators(value: str, test: str, expected: bool) -> None:
    assert on_value(value, KqlType.STRING, f"v {test}") is expected


SUBSTRING_CASES = [
    ("FabriKam", 'contains "BRik"', True),
    ("Fabrikam", '!contains "xyz"', True),
    ("FabriKam", 'contains_cs "Kam"', True),
    ("Fabrikam", '!contains_cs "Kam"', True),
    ("Fabrikam", 'contains_cs "kam"', True),
    ("KustoExplorerQueryRun", 'contains "Explorer"', True),
    ("Äbc", 'contains "äb"', False),
    ("Äbc", 'contains "ÄB"', True),
    ("", 'contains ""', True),
    ("abc", 'contains ""', True),
    ("", 'contains "a"', False),
    ("Fabrikam", 'startswith "fab"', True),
    ("Fabrikam", '!startswith "kam"', True),
    ("Fabrikam", 'startswith_cs "Fab"', True),
    ("Fabrikam", '!startswith_cs "fab"', True),
    ("Fabrikam", 'endswith "Kam"', True),
    ("Fabrikam", '!endswith "brik"', True),
    ("Fabrikam", 'endswith_cs "kam"', True),
    ("Fabrikam", '!endswith_cs "brik"', True),
    ("ÄBC", 'startswith "äb"', False),
    ("xÄ", 'endswith "ä"', False),
    ("abc", '=~ "ABC"', True),
    ("aBc", '!~ "xyz"', True),
    ("aBc", '== "aBc"', True),
    ("abc", '!= "ABC"', True),
    ("ÄBC", '=~ "äbc"', False),
    ("ÄBC", '=~ "Äbc"', True),
    ("ÄBC", '!~ "äbc"', True),
    ("Fabrikam", 'matches regex "b.*k"', True),
    ("Fabrikam", 'matches regex "B.*k"', False),
    ("Fabrikam", 'matches regex "^F"', True),
    ("a.b", r'matches regex @"a\.b"', True),
    ("axb", r'matches regex @"a\.b"', False),
]


@pytest.mark.parametrize(("value", "test", "expected"), SUBSTRING_CASES)
def test_substring_operators(value: str, test: str, expected: bool) -> None:
    assert on_value(value, KqlType.STRING, f"v {test}") is expected


@pytest.mark.parametrize(
    ("needle", "test", "expected"),
    [
        ("BRIK", "contains", True),
        ("BRIK", "contains_cs", False),
        ("FAB", "startswith", True),
        ("kam", "endswith_cs", True),
        ("Kam", "endswith_cs", False),
        ("ABRIKX", "contains", False),
    ],
)
def test_substring_operators_with_a_column_needle(needle: str, test: str, expected: bool) -> None:
    from kqlhunt.catalog import TableData

    table = TableData.from_rows(
        "P", {"v": KqlType.STRING, "n": KqlType.STRING}, [{"v": "Fabrikam", "n": needle}]
    )
    assert rows(f"P | project r = v {test} n", table) == [(expected,)]


def test_string_operators_on_constants_agree_with_columns() -> None:
    assert scalar(f'@"{PS}" has "powershell.exe"') is True
    assert scalar('"xpowershell.exe" has "powershell.exe"') is False
    assert scalar('"ÄBC" =~ "äbc"') is False


def test_where_keeps_the_rows_that_have_the_term() -> None:
    assert rows('Events | where Name has "ALPHA" | project Name') == [("alpha",)]
    assert rows('Events | where Name !has "alpha" | project Name') == [("Beta",), ("",)]
    assert rows('Events | where Name =~ "BETA" | project Name') == [("Beta",)]


def test_a_non_string_left_side_is_compared_as_text() -> None:
    assert scalar('12345 has "12345"') is True
    assert scalar('12345 contains "234"') is True
    assert scalar('true has "true"') is True


# An IOC list longer than one regex can hold: its words (hashes) are looked up among the value's
# terms, its phrases tested by several regexes; the answers stay those of `has` one by one.
_HASHES = [f"{n:064x}" for n in range(3000, 3600)]
_MANY = [*_HASHES, "evil.example.com", "Invoke-Mimikatz", "stratum+tcp", "Ünïcode"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"SHA256={_HASHES[17].upper()},MD5=00", True),  # a word in another case
        (f"sha256={_HASHES[17]}ff", False),  # inside a longer term
        (f"x{_HASHES[599]}", False),
        (f"{_HASHES[599]}", True),
        ("curl https://EVIL.example.com/a", True),  # a phrase, case folded
        ("notevil.example.com", False),  # the phrase's first term is not whole
        ("powershell Invoke-Mimikatz -dump", True),
        ("stratum+tcp://pool:3333", True),
        ("ünïcode", False),  # only ASCII letters fold
        ("Ünïcode", True),
        ("", False),
    ],
)
def test_has_any_of_a_list_too_long_for_one_regex(value: str, expected: bool) -> None:
    for needles in (_MANY, [_HASHES[17], _HASHES[599], *_MANY[-4:]]):  # one regex for the few
        listed = ", ".join(f'"{needle}"' for needle in needles)
        assert on_value(value, KqlType.STRING, f"v has_any ({listed})") is expected
