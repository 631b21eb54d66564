from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Employment figures per area and month (docs/measures.md). "
        "`lnob measures refresh --area 530627 --month 2026-06` computes the county's figures for "
        "the month (the county holding the area given) and replaces the stored ones; without "
        "--month: the last complete month and the current one; --months 12: the last 12 months; "
        "without --area: every county with households. --resume skips county-months already "
        "computed for the day they describe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="compute and store the figures")
        refresh.add_argument("--area", help="6-, 9- or 12-digit code of a county, township or village")
        refresh.add_argument("--month", action="append", help="YYYY-MM (may be repeated)")
        refresh.add_argument("--months", type=int, help="the last N months, the current one included")
        refresh.add_argument("--resume", action="store_true", help="skip county-months already done")
        refresh.add_argument("--json", action="store_true", help="print the runs as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from lnob.core.errors import DomainError
        from lnob.measures import refresh as r

        try:
            months = (
                [r.parse_month(m) for m in options["month"]]
                if options["month"]
                else r.months_back(options["months"])
                if options["months"]
                else r.default_months()
            )
            counties = (
                [r.county_of(r.parse_area(options["area"])).code]
                if options["area"]
                else r.counties_with_households()
            )
        except DomainError as exc:
            raise CommandError(f"{exc.field} = {exc.value}: {exc.message}") from None
        if not counties:
            raise CommandError("no county has households yet: load or import some first")
        results = []
        for county in counties:
            for month in months:
                if options["resume"] and r.done_for(county, month) is not None:
                    if not options["json"]:
                        self.stdout.write(f"county {county} {month:%Y-%m}: already done, skipped")
                    continue
                try:
                    run = r.figures_refresh(actor=None, area_code=county, month=month)
                except DomainError as exc:
                    raise CommandError(f"{exc.field} = {exc.value}: {exc.message}") from None
                results.append(
                    {
                        "county": county,
                        "month": f"{month:%Y-%m}",
                        "as_of": run.as_of.isoformat(),
                        "rows": run.rows,
                        "seconds": run.seconds,
                        "timings": run.timings,
                    }
                )
                if not options["json"]:
                    stages = ", ".join(f"{k} {v:.1f}" for k, v in run.timings.items())
                    self.stdout.write(
                        f"county {county} {month:%Y-%m} (as of {run.as_of}): {run.rows:,} rows "
                        f"in {run.seconds:.1f} s ({stages})"
                    )
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
