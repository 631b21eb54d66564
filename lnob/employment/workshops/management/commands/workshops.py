from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.core.errors import DomainError, NotFound


class Command(BaseCommand):
    help = (
        "Employment-assistance workshops (docs/employment-workshops.md). "
        "`lnob workshops check --area CODE --date YYYY-MM-DD [--user U]`: the quarterly check of the "
        "recognised workshops in the area (a county, township or village) as of the date, in bulk; "
        "running it again for the same date changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{check}")
        check = sub.add_parser("check", help="the quarterly check (动态监测) of an area's workshops")
        check.add_argument("--area", required=True, help="12-digit area code (6 or 9 digits are padded)")
        check.add_argument("--date", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        check.add_argument(
            "--user", help="act as this user (checked for the right to run it); default: the system"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from lnob.areas.codes import parse_code
        from lnob.areas.models import Area

        from ...services import workshop_check

        try:
            area = Area.objects.get(code=parse_code(options["area"]))
        except (ValueError, Area.DoesNotExist):
            raise CommandError(f"no area {options['area']!r}") from None
        actor = None
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {options['user']!r}")
        try:
            counts = workshop_check(actor=actor, area=area, day=options["date"])
        except NotFound:
            raise CommandError(f"{options['user']} may not run the check in {area.name}") from None
        except DomainError as e:
            raise CommandError(f"{e.field}: {e.message} ({e.value})") from None
        self.stdout.write(
            f"{area.name} as of {options['date']}: checked {counts['checked']}, met {counts['met']}, "
            f"pending action {counts['flagged']}, back to normal {counts['cleared']}, "
            f"closed {counts['closed']}"
        )
