from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Transport subsidies (docs/employment-subsidies.md). "
        "`lnob subsidies transport --area CODE --year YYYY [--user U]` computes the year's one-time "
        "transport subsidies of a county, township or village from the employment ledger against "
        "the county's rule: computed claims are replaced, approved, paid or refused ones kept; a "
        "run that stopped half-way is resumed. Without --user it runs as the operator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{transport}")
        transport = sub.add_parser("transport", help="compute an area's claims for a year")
        transport.add_argument(
            "--area", required=True, help="6-, 9- or 12-digit code of a county, township or village"
        )
        transport.add_argument("--year", type=int, required=True)
        transport.add_argument("--user", help="run as this user (their areas and role are checked)")

    def handle(self, *args: Any, **options: Any) -> None:
        from lnob.areas.codes import parse_code
        from lnob.areas.models import Area
        from lnob.core.errors import DomainError, NotFound
        from lnob.employment.subsidies.services import transport_compute

        try:
            code = parse_code(options["area"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise CommandError(f"no area {options['area']}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['user']!r}")
        try:
            run = transport_compute(actor=user, area=area, year=options["year"])
        except NotFound:
            raise CommandError(f"{area.name} is not in {user}'s areas") from None
        except DomainError as exc:
            raise CommandError(f"{exc.field} = {exc.value}: {exc.message}") from None
        c = run.counts
        self.stdout.write(
            f"{area.name} {run.year} (as of {run.as_of}), rule “{run.rule.name}” ({run.rule.source}): "
            f"{c['claims']} claims, {c['amount']:,.2f} yuan; {c['kept']} already decided kept; "
            f"{c['short']} worked away too few months"
        )
