"""Workspaces: logs parsed once into Parquet tables partitioned by table and day, queried in
place.

Example:
    >>> import tempfile
    >>> from kqlhunt.workspace import Workspace, ingest
    >>> folder = tempfile.mkdtemp()
    >>> report = ingest([], folder)
    >>> sorted(Workspace(folder).tables())[:2]
    ['ASimProcessCreate', 'ASimProcessCreateLinuxSysmon']
"""

from __future__ import annotations

from kqlhunt.workspace.ingest import IngestReport, ingest
from kqlhunt.workspace.spark_ingest import ingest_spark
from kqlhunt.workspace.store import Manifest, Workspace, WorkspaceError

__all__ = ["IngestReport", "Manifest", "Workspace", "WorkspaceError", "ingest", "ingest_spark"]
