"""docs/exchange-format.md is generated from the schema and must not drift from it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import translation

from lnob.exchange.docs import DOC_PATH, render_exchange_docs
from lnob.exchange.schema import TABLES


def test_committed_doc_matches_the_schema():
    assert DOC_PATH.read_text(encoding="utf-8") == render_exchange_docs(), (
        "docs/exchange-format.md is stale: run `lnob exchange docs --write`"
    )


def test_doc_is_the_same_in_any_language_and_needs_no_database():
    with translation.override("en"):
        english = render_exchange_docs()
    assert english == render_exchange_docs()


def test_doc_documents_every_table_and_column():
    doc = render_exchange_docs()
    for table in TABLES.values():
        assert f"## {table.name} — {table.zh}" in doc
        for column in table.columns:
            assert f"| `{column.name}` | {column.zh} |" in doc
    assert "`illness` 因病" in doc and "RiskType" in doc  # seeded defaults of a database list
    assert "`out_of_poverty` 脱贫户" in doc
    assert doc.index("1. `areas`") < doc.index("2. `households`") < doc.index("7. `shocks`")
    for phrase in ("GB18030", "UTF-8 with a byte-order mark", "python-calamine", "Parquet", "2024年1月5日",
                   "20240105", "lowercase x", "full-width"):  # fmt: skip
        assert phrase in doc, phrase


def test_command_prints_the_doc():
    out = StringIO()
    call_command("exchange", "docs", stdout=out)
    assert out.getvalue() == render_exchange_docs()
