from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Monitoring sweeps (docs/monitoring.md). "
        "`lnob monitor sweep --as-of 2026-06-30` runs every rule over every household of each "
        "county (or --county CODE) as of that date, keeps the results and opens or updates leads; "
        "--queue leaves it to the worker instead. `lnob monitor schedule` creates this month's "
        "sweeps (as of the last day of last month) if they do not exist yet, for cron; the worker "
        "of `lnob serve` does the same every hour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="run a sweep now")
        sweep.add_argument("--as-of", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
        sweep.add_argument("--county", type=int, help="12-digit county code (default: every county)")
        sweep.add_argument("--user", help="run as this user (their areas and role are checked)")
        sweep.add_argument("--queue", action="store_true", help="queue for the worker, do not run here")
        sweep.add_argument("--json", action="store_true", help="print the result as JSON")
        sub.add_parser("schedule", help="create the monthly sweeps that are due")

    def handle(self, *args: Any, **options: Any) -> None:
        from lnob.core.errors import DomainError, NotFound
        from lnob.monitoring.models import Sweep
        from lnob.monitoring.sweeps import schedule_due, sweep_create, sweep_run

        if options["action"] == "schedule":
            created = schedule_due()
            for sweep in created:
                self.stdout.write(f"queued sweep #{sweep.pk}: county {sweep.county_id} as of {sweep.as_of}")
            if not created:
                self.stdout.write("nothing due")
            return

        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
        counties = [options["county"]] if options["county"] else _counties()
        if not counties:
            raise CommandError("no county has households yet: load or import some first")
        results = []
        for code in counties:
            try:
                sweep = sweep_create(
                    actor=user,
                    county_code=code,
                    as_of=options["as_of"],
                    trigger=Sweep.Trigger.COMMAND,
                    enqueue=options["queue"],
                )
            except NotFound:
                raise CommandError(f"county {code}: no such county, or not in {user}'s areas") from None
            except DomainError as exc:
                raise CommandError(f"{exc.field} = {exc.value}: {exc.message}") from None
            if options["queue"]:
                self.stdout.write(f"queued sweep #{sweep.pk} for county {code} as of {sweep.as_of}")
                continue
            if not options["json"]:
                self.stdout.write(f"sweep #{sweep.pk}: county {code} as of {sweep.as_of}")
            echo = None if options["json"] else (lambda stage: self.stdout.write(f"  {stage} …"))
            sweep = sweep_run(sweep, echo=echo)
            results.append(
                {
                    "sweep": sweep.pk,
                    "county": code,
                    "as_of": str(sweep.as_of),
                    **sweep.counts,
                    "seconds": sweep.timings,
                }
            )
            if not options["json"]:
                self._summary(sweep)
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))

    def _summary(self, sweep: Any) -> None:
        c = sweep.counts
        self.stdout.write(
            f"  {c['households']:,} households, {c['flagged']:,} flagged; "
            f"{c.get('leads_opened', 0):,} new leads, {c.get('signals', 0):,} signals"
        )
        for code, n in c["by_rule"].items():
            self.stdout.write(f"    {code:<20} {n:>8,}")
        for skipped in sweep.policy.get("skipped", []):
            self.stdout.write(f"  not run: {skipped['code']}: {skipped['reason']}")
        total = sum(sweep.timings.values())
        self.stdout.write(f"  {total:.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in sweep.timings.items())})")


def _counties() -> list[int]:
    from lnob.areas.models import Area
    from lnob.registry.models import Household

    villages = Household.objects.values_list("village_id", flat=True).distinct()
    codes = sorted({v - v % 10**6 for v in villages})
    return [c for c in codes if Area.objects.filter(code=c).exists()]
