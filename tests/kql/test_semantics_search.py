"""search: terms matched as `has` matches them in any column (as text) or in one, with `*` for
prefixes, suffixes and parts; case-insensitive unless `kind=case_sensitive`; over the piped
rows, or over tables with their names in `$table`."""

from __future__ import annotations

import pytest

from kqlhunt.catalog import TableData
from kqlhunt.errors import KqlSemanticError, KqlSyntaxError, UnsupportedKqlError
from kqlhunt.types import KqlType
from tests.kql.semantics import rows, run

ROWS = (
    "datatable(a: string, n: long, d: dynamic)"
    "['PowerShell.exe -enc', 1, dynamic({'k': 'evil'}), 'cmd.exe /c whoami', 22, dynamic(null)]"
)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ('search "powershell"', [1]),  # a term, ignoring case
        ('search "shell"', []),  # not a term of "PowerShell.exe"
        ('search "power*"', [1]),
        ('search "*shell"', [1]),
        ('search "*ersh*"', [1]),
        ('search "22"', [22]),  # numbers are searched as text
        ('search "evil"', [1]),  # so are dynamic values
        ('search a:"whoami"', [22]),
        ('search d:"whoami"', []),
        ('search * has "enc"', [1]),
        ('search "evil" or n == 22', [1, 22]),
        ('search ("cmd" and "whoami") or "nothing"', [22]),
        ('search kind=case_sensitive "powershell"', []),
        ('search kind=case_sensitive "PowerShell"', [1]),
    ],
)
def test_search_over_piped_rows(search: str, expected: list[int]) -> None:
    assert sorted(r[0] for r in rows(f"{ROWS} | {search} | project n")) == expected


def _tables() -> list[TableData]:
    columns = {"Computer": KqlType.STRING, "Id": KqlType.LONG}
    return [
        TableData.from_rows("SecurityLog", columns, [{"Computer": "WS-1", "Id": 4688}]),
        TableData.from_rows("SecurityAudit", columns, [{"Computer": "ws-2", "Id": 1}]),
        TableData.from_rows("Other", {"Text": KqlType.STRING}, [{"Text": "ws-1 seen"}]),
    ]


def test_search_over_tables_names_them_in_table_column() -> None:
    query = 'search "ws-1" | project $table, Computer, Text | sort by $table asc'
    assert run(query, *_tables()).rows == [("Other", "", "ws-1 seen"), ("SecurityLog", "WS-1", "")]
    query = 'search in (SecurityLog, Other) "4688" | project $table'
    assert run(query, *_tables()).rows == [("SecurityLog",)]
    query = 'search in (Security*) Computer:"ws*" | summarize count()'
    assert run(query, *_tables()).rows == [(2,)]


def test_errors_name_the_construct() -> None:
    with pytest.raises(UnsupportedKqlError, match="a '\\*' inside a search term"):
        run(f'{ROWS} | search "p*l"')
    with pytest.raises(KqlSemanticError, match="unknown column 'nope'"):
        run(f'{ROWS} | search nope:"x"')
    with pytest.raises(KqlSyntaxError, match="unknown search kind"):
        run(f'{ROWS} | search kind=fuzzy "x"')
