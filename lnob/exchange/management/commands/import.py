from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq"}
EXIT_INVALID, EXIT_REFUSED = 1, 2


class Command(BaseCommand):
    help = (
        "Import exchange-format files (docs/import.md). Validates first (a dry run: counts of new, "
        "changed, unchanged and invalid rows, and an error file per file with errors); --commit "
        "then writes everything in one transaction, or nothing if a row has an error; "
        "--commit-valid-only writes the rows without errors. A folder stands for the files in it. "
        "Example: lnob import persons.xlsx households.xlsx --user zx_admin --commit. "
        "--batch N --commit commits (or, after a crash, commits again) batch N. "
        "Exit status: 0 done, 1 rows with errors (nothing written), 2 a file refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders to import")
        parser.add_argument("--user", required=True, help="the user the import is done as (scope, audit)")
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, help="date changes take effect (default today)"
        )
        parser.add_argument("--commit", action="store_true", help="commit when no row has an error")
        parser.add_argument(
            "--commit-valid-only", action="store_true", help="commit the rows without errors, skip the others"
        )
        parser.add_argument("--batch", type=int, help="commit an already validated batch")
        parser.add_argument(
            "--errors", type=Path, default=Path("."), help="folder for error files (default .)"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        from lnob.exchange.models import ImportBatch
        from lnob.exchange.services import ImportRefused, import_create

        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        self.quiet = options["quiet"]
        commit = options["commit"] or options["commit_valid_only"]
        try:
            if options["batch"]:
                from lnob.exchange.views_import import batch_list

                batch = batch_list(user).filter(pk=options["batch"]).first()
                if batch is None:
                    raise CommandError(f"no import batch #{options['batch']} in {user}'s areas")
            else:
                files = self._files(options["paths"])
                batch = import_create(actor=user, files=[(p.name, p) for p in files], as_of=options["as_of"])
                self.stdout.write(f"Batch #{batch.pk}: {', '.join(p.name for p in files)}")
                self._validate(batch)
            if batch.status == ImportBatch.Status.REFUSED:
                self.stderr.write(self.style.ERROR(batch.error))
                sys.exit(EXIT_REFUSED)
            self._report(batch, options["errors"], user)
            if not commit:
                if batch.counts["invalid"]:
                    sys.exit(EXIT_INVALID)
                self.stdout.write(
                    f"Dry run only. To commit: lnob import --batch {batch.pk} --user {user} --commit"
                )
                return
            if batch.counts["invalid"] and not options["commit_valid_only"]:
                self.stderr.write(
                    self.style.ERROR(
                        f"{batch.counts['invalid']:,} rows have errors: nothing was committed. Correct "
                        "them and import again, or use --commit-valid-only to commit the other rows."
                    )
                )
                sys.exit(EXIT_INVALID)
            self._commit(batch, user, valid_only=options["commit_valid_only"])
        except ImportRefused as refused:
            self.stderr.write(self.style.ERROR(f"{refused.value}: {refused.message}"))
            sys.exit(EXIT_REFUSED)

    def _files(self, paths: list[Path]) -> list[Path]:
        if not paths:
            raise CommandError("name the files (or a folder) to import")
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        if not files:
            raise CommandError("no CSV, XLSX or Parquet files found in " + ", ".join(map(str, paths)))
        return files

    def _bar(self, state: dict[str, Any]) -> None:
        if self.quiet:
            return
        width = 30
        filled = int(width * state["percent"] / 100)
        line = (
            f"\r[{'#' * filled}{'.' * (width - filled)}] {state['percent']:3d}%  "
            f"{state['rows']:>10,} rows  {state['rows_per_second']:>9,} rows/s  "
            f"{state['stage']}"
        )
        self.stderr.write(line[:160].ljust(120), ending="")
        if state["total"] and state["done"] >= state["total"]:
            self.stderr.write("")
        self.stderr.flush()

    def _validate(self, batch: Any) -> None:
        from lnob.exchange.services import BatchProgress, ImportRefused, import_validate

        try:
            import_validate(batch, BatchProgress(batch, echo=self._bar))
        except ImportRefused:
            batch.refresh_from_db()

    def _commit(self, batch: Any, user: Any, *, valid_only: bool) -> None:
        from lnob.exchange.services import BatchProgress, import_commit

        written = import_commit(
            actor=user, batch=batch, valid_only=valid_only, progress=BatchProgress(batch, echo=self._bar)
        )
        total = sum(written.values())
        self.stdout.write(self.style.SUCCESS(f"Committed batch #{batch.pk}: {total:,} registry rows written"))
        for table, rows in written.items():
            self.stdout.write(f"  {table:<28} {rows:>12,}")

    def _report(self, batch: Any, errors: Path, user: Any = None) -> None:
        import polars as pl

        from lnob.core.sensitive import log_access, mask
        from lnob.exchange.errorfile import error_file, error_tables
        from lnob.exchange.reconcile import SENSITIVE

        self.stdout.write(
            f"{'table':<13}{'file':<28}{'rows':>10}{'new':>10}{'changed':>10}{'same':>10}{'invalid':>10}{'review':>8}"
        )
        for name, t in batch.summary.get("tables", {}).items():
            self.stdout.write(
                f"{name:<13}{t['file'][:27]:<28}{t['rows']:>10,}{t['new']:>10,}{t['changed']:>10,}"
                f"{t['unchanged']:>10,}{t['invalid']:>10,}{t['review']:>8,}"
            )
            for warning in t.get("warnings", []):
                self.stdout.write(self.style.WARNING(f"  {t['file']}: {warning}"))
        issues = pl.read_parquet(batch.folder / "issues.parquet")
        shown = issues.filter(pl.col("severity") != "warning").head(20)
        for issue in shown.iter_rows(named=True):
            where = f"{issue['file']}, row {issue['row']}, column {issue['column']}"
            value = issue["value"]
            if issue["column"] in SENSITIVE and value:
                value = mask(value)
            self.stdout.write(f"  [{issue['severity']}] {where}: {issue['message']} (value: {value!r})")
        if issues.height > shown.height:
            self.stdout.write(f"  … {issues.height - shown.height:,} more in the error files")
        for table in error_tables(batch):
            content, name, _fmt = error_file(batch, table)
            errors.mkdir(parents=True, exist_ok=True)
            (errors / name).write_bytes(content)
            log_access(  # the error file holds the rows as uploaded, personal data included
                actor=user or batch.created_by,
                instance=batch,
                changes={"error_file": [None, name]},
                additional_data={**batch.get_additional_data(), "export": "import_errors", "table": table},
            )
            self.stdout.write(self.style.WARNING(f"  error file: {errors / name}"))
