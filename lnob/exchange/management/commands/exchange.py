from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "The exchange format. `lnob exchange docs` prints docs/exchange-format.md as generated from "
        "the schema (--write rewrites the file); `lnob exchange template TABLE -o FILE.xlsx` writes "
        "the XLSX template of one table (areas, households, persons, memberships, incomes, "
        "expenditures, shocks)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{docs,template}")
        docs = sub.add_parser("docs", help="print (or --write) docs/exchange-format.md")
        docs.add_argument("--write", action="store_true", help="rewrite docs/exchange-format.md")
        template = sub.add_parser("template", help="write the XLSX template of one table")
        template.add_argument("table", help="table name, e.g. persons")
        template.add_argument("-o", "--output", type=Path, help="file to write (default TABLE.xlsx)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "docs":
            self._docs(write=options["write"])
        else:
            self._template(options["table"], options.get("output"))

    def _docs(self, *, write: bool) -> None:
        from lnob.exchange.docs import render_exchange_docs, write_exchange_docs

        if write:
            path = write_exchange_docs()
            self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
        else:
            self.stdout.write(render_exchange_docs(), ending="")

    def _template(self, table: str, output: Path | None) -> None:
        from lnob.exchange.schema import TABLES
        from lnob.exchange.templates_xlsx import template_xlsx

        if table not in TABLES:
            raise CommandError(f"unknown table {table!r}; one of: {', '.join(TABLES)}")
        path = output or Path(f"{table}.xlsx")
        path.write_bytes(template_xlsx(TABLES[table]))
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
