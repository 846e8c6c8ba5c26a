"""The imProcessCreate schema and the empty table."""

from __future__ import annotations

from pathlib import Path

from kqlhunt.normalize import IM_PROCESS_CREATE, TABLE_NAME, read_logs
from kqlhunt.normalize import schema as f
from kqlhunt.types import KqlType


def test_schema_has_every_group_in_order() -> None:
    names = list(IM_PROCESS_CREATE)
    assert names[:2] == [f.TIME_GENERATED, f.TYPE]
    assert len(names) == len(set(names)) == 144
    for alias in (f.USER, f.PROCESS, f.COMMAND_LINE, f.DVC, f.HASH, f.RULE, f.HASH_TYPE):
        assert alias in IM_PROCESS_CREATE
    assert names.index(f.ACTOR_USERNAME) < names.index(f.ACTING_PROCESS_ID)
    assert names.index(f.ACTING_PROCESS_ID) < names.index(f.PARENT_PROCESS_ID)
    assert names.index(f.PARENT_PROCESS_ID) < names.index(f.TARGET_USERNAME)
    assert names.index(f.TARGET_USERNAME) < names.index(f.TARGET_PROCESS_NAME)
    assert names[-1] == f.THREAT_LAST_REPORTED_TIME


def test_schema_types() -> None:
    special = {name: t for name, t in IM_PROCESS_CREATE.items() if t is not KqlType.STRING}
    assert special == {
        f.TIME_GENERATED: KqlType.DATETIME,
        f.EVENT_COUNT: KqlType.INT,
        f.EVENT_START_TIME: KqlType.DATETIME,
        f.EVENT_END_TIME: KqlType.DATETIME,
        f.ADDITIONAL_FIELDS: KqlType.DYNAMIC,
        f.ACTING_PROCESS_CREATION_TIME: KqlType.DATETIME,
        f.ACTING_PROCESS_FILE_SIZE: KqlType.LONG,
        f.ACTING_PROCESS_IS_HIDDEN: KqlType.BOOL,
        f.PARENT_PROCESS_CREATION_TIME: KqlType.DATETIME,
        f.PARENT_PROCESS_IS_HIDDEN: KqlType.BOOL,
        f.TARGET_PROCESS_CREATION_TIME: KqlType.DATETIME,
        f.TARGET_PROCESS_FILE_SIZE: KqlType.LONG,
        f.TARGET_PROCESS_IS_HIDDEN: KqlType.BOOL,
        f.RULE_NUMBER: KqlType.INT,
        f.THREAT_RISK_LEVEL: KqlType.INT,
        f.THREAT_CONFIDENCE: KqlType.INT,
        f.THREAT_IS_ACTIVE: KqlType.BOOL,
        f.THREAT_FIRST_REPORTED_TIME: KqlType.DATETIME,
        f.THREAT_LAST_REPORTED_TIME: KqlType.DATETIME,
    }


def test_table_is_present_and_typed_when_nothing_is_read(tmp_path: Path) -> None:
    result = read_logs([tmp_path])

    table = result.tables[TABLE_NAME]
    assert len(table) == 0
    assert table.columns == IM_PROCESS_CREATE
    assert table.data.schema.names == list(IM_PROCESS_CREATE)
    assert result.stats.files_read == result.stats.files_failed == 0
