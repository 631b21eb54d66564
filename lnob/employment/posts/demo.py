"""Demo data: public-welfare posts in some villages of the demo county, filled by eligible people
of out-of-poverty and monitored households, with their months of attendance and pay.

Figures follow the rule in force (the national default seeded from the policy reference: 500
yuan a month, 550 for heavy posts, at most 20 % heavy places, partial labour capacity, age ≤ 60).
Deterministic (random.Random(seed)); everything is written in bulk through the same checks as
an import (bulk.py), so the spells land in the ledger. A county that already has posts is left
as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.core.errors import DomainError
from lnob.registry.models import Membership, Person

from . import bulk
from .eligibility import evaluate
from .models import Agreement, Post
from .rules import params, post_rule
from .services import covered_days, month_days, next_code

SEED = 6
FUNDING = ["linkage_funds", "employment_funds"]
VILLAGES = 12  # villages with posts
# (title, type, heavy, hours a month, duties)
KINDS = [
    ("保洁员", "ordinary", False, 80, "村内道路和公共场所保洁"),
    ("护林员", "ordinary", False, 80, "林区巡护和防火宣传"),
    ("水管员", "technical", False, 60, "村级供水设施巡查和维护"),
    ("护路员", "ordinary", False, 80, "村道养护和排水沟清理"),
    ("河道巡查员", "ordinary", False, 60, "河道和水塘巡查、清漂"),
    ("垃圾清运员", "ordinary", True, 100, "垃圾收集和清运（重体力）"),
    ("防贫监测信息员", "special", False, 60, "协助入户核实和信息采集"),
]


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=month_days(month))


@transaction.atomic
def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    """Create the county's demo posts, agreements and attendance; returns counts."""
    rng = random.Random(SEED)  # noqa: S311  demo data, not secrets
    lo, hi = subtree_range(county.code, Level.COUNTY)
    if Post.objects.filter(village_id__gte=lo, village_id__lt=hi).exists():
        return {"posts": 0, "agreements": 0, "attendance": 0}
    villages = list(
        Area.objects.filter(code__gte=lo, code__lt=hi, level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    chosen = sorted(rng.sample(villages, min(VILLAGES, len(villages))))
    opened = dt.date(today.year, 1, 1)  # posts are set up for the year
    posts = _posts(rng, chosen, opened)
    if not posts:
        return {"posts": 0, "agreements": 0, "attendance": 0}
    plan = _agreements(rng, posts, today)
    bulk.apply_agreements(plan, actor=actor)
    months = _attendance(rng, plan.agreements, today, actor)
    return {"posts": len(posts), "agreements": len(plan.agreements), "attendance": months}


def _posts(rng: random.Random, villages: list[int], opened: dt.date) -> list[Post]:
    """Two to four posts a village, pay at the rule's figure; heavy posts kept under the cap."""
    posts: list[Post] = []
    taken: set[str] = set()
    heavy_places = total = 0
    for village in villages:
        try:
            rule = params(post_rule(village, opened))
        except DomainError:
            continue  # no rule for this region: no posts
        for title, post_type, heavy, hours, duties in rng.sample(KINDS, rng.randint(2, 4)):
            places = rng.randint(1, 3)
            cap = rule.heavy_share_max
            if heavy and cap is not None and Decimal(heavy_places + places) > cap * (total + places):
                heavy = False
            pay = rule.pay_cap(post_type, heavy) or Decimal("500")
            code = next_code(village, taken)
            taken.add(code)
            posts.append(
                Post(
                    code=code, village_id=village, title=title, post_type=post_type, heavy=heavy,
                    monthly_pay=pay, hours_per_month=hours, places=places, duties=duties,
                    funding=rng.choice(rule.funding or FUNDING), opened_on=opened,
                )
            )  # fmt: skip
            total += places
            heavy_places += places if heavy else 0
    Post.objects.bulk_create(posts)
    return list(Post.objects.filter(pk__in=[p.pk for p in posts]).select_related("village"))


def _agreements(rng: random.Random, posts: list[Post], today: dt.date) -> bulk.AgreementPlan:
    """About four in five places filled by eligible villagers, from a few days after the post
    was set up; items the ledger refuses (an overlapping spell) are left out."""
    low, high = settings.LNOB_WORKING_AGE
    by_village: dict[int, list[int]] = {}
    members = Membership.objects.filter(
        household__village_id__in=sorted({p.village_id for p in posts}), left__isnull=True
    ).values_list("household__village_id", "person_id")
    for village, person in members:
        by_village.setdefault(village, []).append(person)
    births = dict(
        Person.objects.filter(pk__in=[p for ps in by_village.values() for p in ps]).values_list(
            "pk", "birth_date"
        )
    )
    items: list[bulk.NewAgreement] = []
    used: set[int] = set()
    row = 0
    for village in sorted({p.village_id for p in posts}):
        # a village hires for all its posts at once, a few weeks after they were set up
        mine = [p for p in posts if p.village_id == village]
        start = min(mine[0].opened_on + dt.timedelta(days=rng.randint(0, 40)), today)
        people = [p for p in by_village.get(village, []) if low <= _age(births.get(p), start) <= high]
        checks = evaluate((p, start, village) for p in people)
        eligible = [p for p in people if checks[(p, start, village)].ok]
        rng.shuffle(eligible)
        for post in mine:
            wanted = max(1, round(post.places * 0.8))
            for person in [p for p in eligible if p not in used][:wanted]:
                used.add(person)
                row += 1
                end = dt.date(start.year, 12, 31)  # agreements run with the year
                items.append(bulk.NewAgreement(row=row, person_id=person, post=post, start=start, end=end))
    plan = bulk.plan_agreements(items=items, endings=[], today=today)
    if plan.problems:
        refused = {r for r, *_rest in plan.problems}
        plan = bulk.plan_agreements(items=[i for i in items if i.row not in refused], endings=[], today=today)
    return plan


def _age(birth: dt.date | None, day: dt.date) -> int:
    if birth is None:
        return -1
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _attendance(rng: random.Random, agreements: list[Agreement], today: dt.date, actor: Any) -> int:
    """Every month worked before this one; months before last month paid on the 10th after."""
    this_month = today.replace(day=1)
    rows: list[bulk.MonthRow] = []
    paid: dict[tuple[int, dt.date], dt.date] = {}
    for n, a in enumerate(agreements):
        month = a.start.replace(day=1)
        while month < this_month and month <= a.end:
            covered = covered_days(a.start, a.end, month)
            days = max(1, covered - rng.choice([0, 2, 4, 6, 8]))
            owed = a.post.hours_per_month * covered / month_days(month)
            hours = min(Decimal(round(owed * rng.choice([1, 1, 1, 1, 0.9, 0.75]))), Decimal(days * 8))
            rows.append(
                bulk.MonthRow(
                    row=n, agreement=a, month=month, days_worked=days, hours_worked=hours, payment_given=False
                )
            )
            paid_on = _month_end(month) + dt.timedelta(days=10)
            if paid_on < this_month:
                paid[(a.pk, month)] = paid_on
            month = _month_end(month) + dt.timedelta(days=1)
    plan = bulk.plan_attendance(rows=rows, today=today, may_pay=lambda _v: True, actor=actor)
    # the pay of a paid month is its pay due, known once computed
    for m in plan.new:
        if (day := paid.get((m.agreement.pk, m.month))) is not None:
            m.paid_on, m.paid_amount, m.paid_by = day, m.pay_due, actor
    bulk.apply_attendance(plan, actor=actor)
    return len(plan.new)
