from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.core.errors import NotFound


class Command(BaseCommand):
    help = (
        'The employment channels\' registers (docs/employment.md, "Registers"). '
        "`lnob register list`; `lnob register import NAME FILE --user U [--check]` checks a file and "
        "applies it whole, or lists every problem and applies nothing (exit 1); "
        "`lnob register export NAME --user U -o FILE.xlsx|.csv`; `lnob register docs [--write]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,import,export,docs}")
        sub.add_parser("list", help="the registers and their columns")
        imp = sub.add_parser("import", help="check a file and apply it")
        imp.add_argument("name")
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", required=True)
        imp.add_argument("--check", action="store_true", help="check only, apply nothing")
        exp = sub.add_parser("export", help="write a register the user may see")
        exp.add_argument("name")
        exp.add_argument("--user", required=True)
        exp.add_argument("-o", "--output", type=Path, required=True)
        docs = sub.add_parser("docs", help="print (or --write) docs/registers-format.md")
        docs.add_argument("--write", action="store_true")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from lnob.employment import registers

        if action == "list":
            for register in registers.REGISTERS.values():
                self.stdout.write(
                    f"{register.name}\t{register.table.zh}\t" + ", ".join(register.table.required)
                )
        elif action == "docs":
            text = registers.render_docs()
            if options["write"]:
                registers.DOC_PATH.write_text(text, encoding="utf-8")
                self.stdout.write(self.style.SUCCESS(f"wrote {registers.DOC_PATH}"))
            else:
                self.stdout.write(text, ending="")
        elif action == "import":
            self._import(options)
        else:
            self._export(options)

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

    def _import(self, options: dict[str, Any]) -> None:
        from lnob.employment import registers

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = registers.import_file(
                actor=self._user(options["user"]),
                name=options["name"],
                path=path,
                commit=not options["check"],
            )
        except NotFound:
            raise CommandError(f"no register {options['name']!r} that this user may import") from None
        except registers.Refused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            self.stderr.write(f"refused: {len(refused.problems)} problem(s); nothing was applied")
            sys.exit(1)
        verb = "applied" if result.committed else "checked, nothing applied"
        self.stdout.write(
            f"{result.file}: {result.rows} rows {verb}; created {result.created}, updated {result.updated}"
        )

    def _export(self, options: dict[str, Any]) -> None:
        from lnob.employment import registers

        out: Path = options["output"]
        fmt = out.suffix.lstrip(".").lower()
        try:
            data, _name = registers.export_file(
                actor=self._user(options["user"]), name=options["name"], fmt=fmt
            )
        except NotFound:
            raise CommandError(
                f"no register {options['name']!r} in format {fmt!r} that this user may export"
            ) from None
        out.write_bytes(data)
        self.stdout.write(f"wrote {out}")
