from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Job matching (docs/matching.md). `lnob match run --area 530627` matches the seekers of a "
        "county, township or village to the open places and prints the figures; `show RUN` prints a "
        "run's figures again; `resume RUN` runs a failed or interrupted run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="match an area now")
        run.add_argument(
            "--area", required=True, help="6-, 9- or 12-digit code of a county, township or village"
        )
        run.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
        run.add_argument("--user", help="run as this user (their areas and role are checked)")
        run.add_argument("--queue", action="store_true", help="queue for the worker, do not run here")
        run.add_argument("--json", action="store_true", help="print the figures as JSON")
        show = sub.add_parser("show", help="a run's figures")
        show.add_argument("run", type=int)
        show.add_argument("--json", action="store_true")
        resume = sub.add_parser("resume", help="run a failed or interrupted run again")
        resume.add_argument("run", type=int)
        resume.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from lnob.core.errors import DomainError, NotFound
        from lnob.matching import services
        from lnob.matching.models import MatchRun
        from lnob.measures.refresh import parse_area

        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
        try:
            if options["action"] == "run":
                code = parse_area(options["area"])
                run = services.run_start(
                    actor=user, area_code=code, as_of=options["as_of"], inline=not options["queue"]
                )
                if options["queue"]:
                    self.stdout.write(f"queued matching run #{run.pk} for area {code}")
                    return
            else:
                found = MatchRun.objects.filter(pk=options["run"]).first()
                if found is None:
                    raise NotFound(options["run"])
                run = found
                if options["action"] == "resume":
                    run = services.run_resume(actor=user, run=run)
        except NotFound as exc:
            raise CommandError(f"{exc}: no such area or run, or not in {user}'s areas") from None
        except DomainError as exc:
            raise CommandError(f"{exc.field} = {exc.value}: {exc.message}") from None
        self._print(run, options["json"])

    def _print(self, run: Any, as_json: bool) -> None:
        out = {
            "run": run.pk,
            "area": run.area_id,
            "as_of": str(run.as_of),
            "status": run.status,
            **run.figures,
        }
        if run.error:
            out["error"] = run.error
        if as_json:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        f = run.figures
        self.stdout.write(f"matching run #{run.pk}: area {run.area_id} as of {run.as_of}: {run.status}")
        if run.error:
            self.stdout.write(f"  error: {run.error}")
        if f:
            self.stdout.write(
                f"  {f['seekers']:,} seekers in {f['households']:,} households; {f['places']:,} places in "
                f"{f['slots']:,} slots; {f['pairs']:,} candidate pairs"
            )
            self.stdout.write(
                f"  matched {f['matched']:,}; households with a worker: {f['households_optimal']:,} "
                f"(greedy {f.get('households_greedy', 0):,}); priority households "
                f"{f['priority_households_optimal']:,} of {f['priority_households']:,}"
            )
            for code, n in f["reasons"].items():
                self.stdout.write(f"    {code}: {n:,}")
            self.stdout.write("  seconds: " + ", ".join(f"{k} {v}" for k, v in f["seconds"].items()))
