"""Tables kqlhunt knows but no source fills: their schemas, their names, and queries over them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kqlhunt.asim import SCHEMAS, schema_of
from kqlhunt.cli.main import main
from kqlhunt.engine import Engine
from kqlhunt.normalize.tables import (
    KNOWN_SCHEMAS,
    TABLE_SCHEMAS,
    empty_tables,
    table_schemas,
    with_aliases,
)
from kqlhunt.samples import sample_logs
from kqlhunt.types import KqlType
from kqlhunt.workspace import Workspace, ingest

ALL = {**TABLE_SCHEMAS, **KNOWN_SCHEMAS}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(with_aliases(empty_tables().values()).values())


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_column_is_listed_twice_even_in_another_case(name: str) -> None:
    columns = ALL[name]
    folded = {column.lower() for column in columns}
    assert len(folded) == len(columns)
    assert all(isinstance(kql_type, KqlType) for kql_type in columns.values())
    assert "TimeGenerated" in columns and columns["TimeGenerated"] is KqlType.DATETIME


def test_known_tables_are_kept_apart_from_the_tables_a_workspace_stores() -> None:
    assert not set(KNOWN_SCHEMAS) & set(TABLE_SCHEMAS)
    assert {schema.table for schema in SCHEMAS} <= set(ALL)


def test_every_asim_name_belongs_to_one_schema_and_shares_its_table() -> None:
    tables = with_aliases(empty_tables().values())
    for schema in SCHEMAS:
        union = tables[schema.table]
        for name in schema.names():
            assert schema_of(name) is schema
            assert tables[name].data is union.data and tables[name].columns == union.columns
    assert len(table_schemas()) == len(tables)


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("_Im_Dns", "Dns"),
        ("imDns", "Dns"),
        ("ASimDnsActivityLogs", "Dns"),
        ("vimDnsCiscoUmbrella", "Dns"),
        ("_Im_NetworkSession", "NetworkSession"),
        ("imNetworkSession", "NetworkSession"),
        ("_Im_WebSession", "WebSession"),
        ("ASimWebSession", "WebSession"),
        ("imFileEvent", "FileEvent"),
        ("imRegistry", "RegistryEvent"),
        ("vimRegistryEventMicrosoft365D", "RegistryEvent"),
        ("imAuthentication", "Authentication"),
        ("_Im_Authentication", "Authentication"),
        ("imAuditEvent", "AuditEvent"),
        ("imUserManagement", "UserManagement"),
        ("imProcess", "ProcessEvent"),
        ("_ASim_ProcessEvent_Create", "ProcessEvent"),
    ],
)
def test_names_rules_use_resolve_to_their_schema(name: str, schema: str) -> None:
    found = schema_of(name)
    assert found is not None and found.name == schema


@pytest.mark.parametrize("name", sorted(KNOWN_SCHEMAS))
def test_a_known_table_compiles_and_runs_empty_with_its_columns(engine: Engine, name: str) -> None:
    result = engine.query(f"{name} | take 5")

    assert result.rows == []
    assert [(c.name, c.type) for c in result.columns] == list(KNOWN_SCHEMAS[name].items())
    assert engine.query(f"{name} | summarize count() by bin(TimeGenerated, 1h)").rows == []


def test_a_workspace_stores_no_known_table_and_still_answers_for_it(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ingest(sample_logs(), root, workers=1)

    stored = {p.name.removeprefix("table=") for p in (root / "tables").iterdir()}
    assert stored <= set(TABLE_SCHEMAS)
    assert "imDns" in Workspace(root).tables()
    result = CliRunner().invoke(
        main, ["query", "_Im_Dns | union DeviceNetworkEvents | count", "--workspace", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert "0" in result.stdout
