from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lnob.areas.codes import Level
from lnob.areas.models import Area, RoleAssignment
from lnob.areas.roles import Role
from lnob.areas.services import areas_load_national


class Command(BaseCommand):
    help = (
        "Prepare the demo county: load the national area tree, generate a synthetic county "
        "(default 镇雄县 530627, 20,000 persons) if it is empty, and (re)create one login per role "
        "with a fresh random password, printed once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--persons", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--county", default="530627000000")

    def handle(self, *args: Any, persons: int, seed: int, county: str, **options: Any) -> None:
        areas_load_national()
        county_area = Area.objects.get(code=int(county.ljust(12, "0")))
        fresh = not Area.objects.filter(parent=county_area).exists()
        if fresh:
            self._generate(county_area, persons, seed)
        else:
            self.stdout.write(f"{county_area.name} already has data; keeping it.")
        logins = self._users(county_area)
        if fresh:
            self._channels(county_area)
        self.stdout.write(self.style.SUCCESS("\nDemo logins (passwords are new on every run):"))
        for username, password, role, area in logins:
            self.stdout.write(f"  {username:<22} {password:<18} {role} · {area}")

    def _generate(self, county: Area, persons: int, seed: int) -> None:
        import datetime as dt

        from django.utils import timezone

        from lnob.engine.synth import generate
        from lnob.monitoring.sweeps import sweep_create, sweep_run
        from lnob.registry.bulk import load_synth_county

        started = time.perf_counter()
        # the registry runs up to the end of last month, and the month's sweep has been done
        as_of = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        synth = generate(
            persons=persons, seed=seed, county_code=county.code, county_name=county.name, as_of=as_of
        )
        counts = load_synth_county(synth)
        took = time.perf_counter() - started
        self.stdout.write(f"Generated {county.name}: {counts} in {took:.1f} s")
        # the employment ledger, imported through the `spells` exchange table as a county would
        from lnob.exchange.synth_out import import_ledger

        ledger = import_ledger(synth, actor=self._county_admin(county))
        self.stdout.write(
            f"Employment ledger: {ledger['spells']:,} spells, {ledger['employers']:,} employers"
        )
        sweep = sweep_run(
            sweep_create(actor=None, county_code=county.code, as_of=as_of, trigger="command", enqueue=False)
        )
        self.stdout.write(
            f"Monitoring sweep as of {as_of}: {sweep.counts['flagged']:,} of {sweep.counts['households']:,} "
            f"households at risk, {sweep.counts['leads_opened']:,} leads"
        )
        feed = demo_feed(county, as_of, seed)
        self.stdout.write(
            f"A department feed to try: {feed} (log in as demo_department_officer, 数据交换 → 导入数据; "
            "three of its rows name people not registered here and come back as errors)"
        )

    def _county_admin(self, county: Area) -> Any:
        admin, _ = get_user_model().objects.get_or_create(username="demo_county_admin")
        RoleAssignment.objects.get_or_create(user=admin, area=county, role=Role.COUNTY_ADMIN)
        return admin

    def _channels(self, county: Area) -> None:
        """The first cases of the month's leads (lnob.monitoring.demo), then each employment
        channel's demo data (workshops, stations, fairs, posts, courses, loans,
        transport subsidies), made from the county's people and ledger, then the employment
        figures of the last 12 months for the dashboards."""
        import importlib

        from django.apps import apps
        from django.core.management import call_command
        from django.utils import timezone

        from lnob.urls import CHANNELS

        admin = self._county_admin(county)
        today = timezone.localdate()
        from lnob.monitoring.demo import load_demo as monitoring_demo

        started = time.perf_counter()
        counts = monitoring_demo(county=county, actor=admin)
        self.stdout.write(f"Demo cases: {counts} in {time.perf_counter() - started:.1f} s")
        # training writes spells only for people with none yet, so it comes after the others
        order = [c for c in CHANNELS if c not in ("training", "subsidies")] + ["training", "subsidies"]
        for name in order:
            if not apps.is_installed(f"lnob.employment.{name}"):
                continue
            demo = importlib.import_module(f"lnob.employment.{name}.demo")
            started = time.perf_counter()
            counts = demo.load_demo(county=county, today=today, actor=admin)
            took = time.perf_counter() - started
            self.stdout.write(f"Demo {name}: {counts} in {took:.1f} s")
        if apps.is_installed("lnob.employment.workshops"):
            from lnob.employment.workshops.demo import name_demo_managers

            name_demo_managers(county)
        if apps.is_installed("lnob.matching"):
            from lnob.matching.demo import load_demo as matching_demo

            started = time.perf_counter()
            counts = matching_demo(county=county, today=today, actor=admin)
            self.stdout.write(f"Demo matching: {counts} in {time.perf_counter() - started:.1f} s")
        if apps.is_installed("lnob.measures"):
            area = str(county.code)
            call_command("measures", "refresh", "--area", area, "--months", "12", stdout=self.stdout)

    @transaction.atomic
    def _users(self, county: Area) -> list[tuple[str, str, str, str]]:
        township = Area.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code").first()
        village = Area.objects.filter(parent=township, level=Level.VILLAGE).order_by("code").first()
        if township is None or village is None:
            raise CommandError(f"{county.name} has no townships or villages yet")
        plan = [
            ("county_admin", Role.COUNTY_ADMIN, county),
            ("township_officer", Role.TOWNSHIP_OFFICER, township),
            ("village_cadre", Role.VILLAGE_CADRE, village),
            ("department_officer", Role.DEPARTMENT_OFFICER, county),
            ("workshop_manager", Role.WORKSHOP_MANAGER, county),
            ("workstation_officer", Role.WORKSTATION_OFFICER, county),
            ("auditor", Role.AUDITOR, county),
        ]
        users = get_user_model().objects
        logins = []
        for username, role, area in plan:
            password = secrets.token_urlsafe(9)
            user, _ = users.get_or_create(username=f"demo_{username}")
            user.set_password(password)
            user.save(update_fields=["password"])
            RoleAssignment.objects.filter(user=user).delete()
            RoleAssignment.objects.create(user=user, area=area, role=role)
            logins.append((user.username, password, str(role.label), area.name))
        return logins


def demo_feed(county: Area, as_of: Any, seed: int) -> Path:
    """A month of department alerts for the demo county, as a department would send them: a CSV
    in the exchange format naming registered members, plus three people the registry does not
    know. Written to LNOB_DATA_DIR/demo/; nothing is imported."""
    import csv
    import random

    from django.conf import settings
    from stdnum.cn import ric

    from lnob.areas.codes import Level, subtree_range
    from lnob.registry.models import Membership, Person

    rng = random.Random(seed)  # noqa: S311 demo data, not a secret
    lo, hi = subtree_range(county.code, Level.COUNTY)
    members = list(
        Membership.objects.filter(
            left__isnull=True, household__village_id__gte=lo, household__village_id__lt=hi
        )
        .select_related("person")
        .order_by("pk")[:5000]
    )
    chosen = rng.sample(members, min(12, len(members)))
    first = as_of.replace(day=1)
    kinds = [
        ("medical_insurance", "medical_self_paid", lambda: f"{rng.randrange(8_000, 60_000)}.00", ""),
        ("emergency_management", "disaster_loss", lambda: f"{rng.randrange(2_000, 30_000)}.00", ""),
        ("hr_social_security", "layoff", lambda: "", ""),
        ("education", "dropout", lambda: "", ""),
        ("civil_affairs", "dibao_stopped", lambda: "", ""),
        ("disabled_federation", "disability_registered", lambda: "", "3"),
    ]
    rows = []
    for i, m in enumerate(chosen):
        department, kind, amount, grade = kinds[i % len(kinds)]
        day = first.replace(day=rng.randrange(1, as_of.day + 1))
        rows.append(
            [
                department,
                kind,
                m.person.id_number,
                m.person.name,
                day.isoformat(),
                amount(),
                grade,
                f"DEMO{i + 1:04d}",
            ]
        )
    place = str(county.code)[:6]
    strangers = 0
    for n in range(900, 1000):
        if strangers == 3:
            break
        # born in 2003: the county's code is one its natives of that year carry (checked)
        body = f"{place}20030101{n:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        if not ric.is_valid(id_number) or Person.objects.filter(id_number=id_number).exists():
            continue
        strangers += 1
        rows.append(
            [
                "medical_insurance",
                "medical_self_paid",
                id_number,
                "未登记人员",
                first.isoformat(),
                "12000.00",
                "",
                f"DEMOX{strangers}",
            ]
        )
    folder = Path(settings.DATA_DIR) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"alerts_{as_of:%Y%m}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["department", "kind", "id_number", "name", "date", "amount", "grade", "reference"])
        writer.writerows(rows)
    return path
