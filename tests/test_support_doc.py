"""docs/kql-support.md is generated from the registries and must match them."""

from __future__ import annotations

from kqlhunt.support import support_markdown
from tests.conftest import REPO


def test_support_doc_is_current() -> None:
    doc = REPO / "docs" / "kql-support.md"

    assert doc.read_text(encoding="utf-8") == support_markdown(), (
        "docs/kql-support.md is stale: run `kqlhunt support > docs/kql-support.md`"
    )
