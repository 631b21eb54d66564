"""Demo workshops for the demo county (`lnob demo`): 18 workshops, as Wanzhou has, that employ people
of poor households near home (the seed figure of issue 5).

Up to 14 employers that already take workers through the workshop channel in the county's ledger
get a workshop in the village where most of those workers live (their roster is then the
ledger's, left as it is); the rest are new employers whose workshops hire working-age people of
their village who have no spell in the ledger. The workshops are recognised against the rules in
force eight months ago, a quarterly check is run at the last quarter's end (two have lost
workers: pending action), and a few subsidy claims are drafted, submitted and paid. Each workshop
still in good standing posts a few more places as a vacancy of its employer, light work near home
(home-based for a home-based workshop), for job matching to offer people of partial labour capacity.
Deterministic (random.Random(18)), in bulk, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from stdnum.cn import uscc

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Role
from lnob.core.errors import DomainError
from lnob.employment import policy
from lnob.employment.models import IN_WORK, Channel, Employer, Location, Spell, SpellStatus
from lnob.registry.models import Household, Membership

from . import services
from .assess import assess
from .claims import compute
from .models import (
    Assessment,
    ClaimKind,
    ClaimLine,
    ClaimState,
    SubsidyClaim,
    Workshop,
    WorkshopEvent,
    WorkshopJob,
    WorkshopState,
    WorkshopType,
)

TARGET = 18
NEW = 4  # at least this many new employers' workshops, hiring people the ledger shows idle
SEED = 18
PRODUCTS = {
    WorkshopType.FACTORY: ("服装加工", "电子组装", "鞋帽加工", "箱包加工"),
    WorkshopType.HOME_BASED: ("竹编", "刺绣", "手工编织", "假发加工"),
    WorkshopType.FARMING: ("食用菌", "柑橘分拣", "茶叶加工", "中药材"),
    WorkshopType.TRADE: ("电商直播", "农产品分拣"),
    WorkshopType.TOURISM: ("民宿服务", "农家乐"),
}
TYPE_WEIGHTS = (0.3, 0.3, 0.25, 0.1, 0.05)
WORDS = ("鑫达", "恒发", "宏远", "华泰", "金鼎", "盛源", "永兴", "富康", "瑞丰", "新隆", "嘉禾", "德信")


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def _quarter_end(day: dt.date) -> dt.date:
    """The last quarter's end on or before `day`."""
    month = (day.month - 1) // 3 * 3 + 1
    return dt.date(day.year, month, 1) - dt.timedelta(days=1)


def _code(county: int, n: int) -> str:
    body = f"91{county // 10**6:06d}MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


@transaction.atomic
def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    lo, hi = county.subtree
    if Workshop.objects.filter(village_id__gte=lo, village_id__lt=hi).exists():
        return {"workshops": 0, "workers": 0, "recognised": 0, "pending": 0, "claims": 0}
    rng = random.Random(SEED)  # noqa: S311 demo data
    recognised_on = _month_end(services.add_months(today, -8))
    created = _from_ledger(county, rng, actor)
    created += _new_workshops(county, rng, actor, TARGET - len(created), recognised_on)
    workers = _recognise(created, recognised_on, actor)
    _shrink([w for w in created if w.state == WorkshopState.NORMAL], rng, recognised_on, today)
    check_day = _quarter_end(today)
    if check_day > recognised_on:
        services.workshop_check(actor=None, area=county, day=check_day)
    _name_managers(county, created)
    claims = _claims(created, rng, actor, recognised_on, today)
    vacancies = _vacancies(created, rng, actor, today)
    states = Counter(Workshop.objects.filter(pk__in=[w.pk for w in created]).values_list("state", flat=True))
    return {
        "workshops": len(created),
        "workers": workers,
        "recognised": states[WorkshopState.NORMAL] + states[WorkshopState.PENDING],
        "pending": states[WorkshopState.PENDING],
        "claims": claims,
        "vacancies": vacancies,
    }


# the work a workshop's new places are, by its type: physical demand, and whether done at home
PLACES_WORK = {
    WorkshopType.FACTORY: ("light", False),
    WorkshopType.HOME_BASED: ("light", True),
    WorkshopType.FARMING: ("medium", False),
    WorkshopType.TRADE: ("light", False),
    WorkshopType.TOURISM: ("light", False),
}


def _vacancies(shops: list[Workshop], rng: random.Random, actor: Any, today: dt.date) -> int:
    """A vacancy of 3–8 more places for each workshop in good standing, through the ledger's
    vacancy service, at local workshop pay."""
    from lnob.employment.services import vacancy_create

    n = 0
    states = dict(Workshop.objects.filter(pk__in=[w.pk for w in shops]).values_list("pk", "state"))
    for shop in shops:
        if states[shop.pk] != WorkshopState.NORMAL:
            continue
        physical, at_home = PLACES_WORK[WorkshopType(shop.type)]
        low = rng.choice((1800, 2000, 2200, 2400))
        vacancy_create(
            actor=actor,
            employer=shop.employer,
            title="居家加工" if at_home else "帮扶车间工人",
            headcount=rng.randint(3, 8),
            location=Location.IN_COUNTY,
            destination=shop.name,
            wage_min=Decimal(low),
            wage_max=Decimal(low + 800),
            start=today,
            age_min=18,
            age_max=60,
            physical=physical,
            home_based=at_home,
        )
        n += 1
    return n


def _type(rng: random.Random) -> str:
    return str(rng.choices(list(WorkshopType), weights=TYPE_WEIGHTS)[0])


def _homes(person_ids: set[int]) -> dict[int, int]:
    return dict(
        Membership.objects.filter(person_id__in=list(person_ids), left__isnull=True).values_list(
            "person_id", "household__village_id"
        )
    )


def _from_ledger(county: Area, rng: random.Random, actor: Any) -> list[Workshop]:
    """A workshop for each employer the ledger already shows taking workers through the channel."""
    busiest = list(
        Spell.objects.filter(
            channel=Channel.WORKSHOP, employer__county_id=county.code, status__in=list(IN_WORK)
        )
        .values("employer_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "employer_id")[: TARGET - NEW]
    )
    employers = [row["employer_id"] for row in busiest if row["n"] >= 5]
    spells = Spell.objects.filter(channel=Channel.WORKSHOP, employer_id__in=employers).values_list(
        "employer_id", "person_id", "start"
    )
    people: dict[int, set[int]] = defaultdict(set)
    first: dict[int, dt.date] = {}
    for employer, person, start in spells:
        people[employer].add(person)
        first[employer] = min(first.get(employer, start), start)
    homes = _homes({p for ps in people.values() for p in ps})
    names = dict(Area.objects.filter(code__in=set(homes.values())).values_list("code", "name"))
    out: list[Workshop] = []
    used: set[str] = set(
        Workshop.objects.filter(
            village_id__gte=county.subtree[0], village_id__lt=county.subtree[1]
        ).values_list("name", flat=True)
    )
    for employer in employers:
        villages = Counter(homes[p] for p in people[employer] if p in homes)
        if not villages:
            continue
        village, kind = villages.most_common(1)[0][0], _type(rng)
        name = _unique(f"{names[village]}{rng.choice(PRODUCTS[WorkshopType(kind)])}帮扶车间", used)
        out.append(
            Workshop(
                employer_id=employer,
                name=name,
                type=kind,
                village_id=village,
                opened=first[employer],
                created_by=actor,
                address=f"{names[village]}村委会旁",
            )
        )
    Workshop.objects.bulk_create(out)
    return out


def _unique(name: str, used: set[str]) -> str:
    """The name, or the name with a number when the county already has one so called."""
    n, found = 1, name
    while found in used:
        n += 1
        found = f"{name}{n}号"
    used.add(found)
    return found


def _new_workshops(
    county: Area, rng: random.Random, actor: Any, n: int, recognised_on: dt.date
) -> list[Workshop]:
    """New employers' workshops in the county's most populous villages (a big village may have
    several), each hiring 8–22 working-age people of its village who have nothing in the ledger,
    most of them of out-of-poverty households: that is what workshops are for."""
    if n <= 0:
        return []
    lo, hi = county.subtree
    ranked = list(
        Household.objects.filter(village_id__gte=lo, village_id__lt=hi)
        .values_list("village_id", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "village_id")[:n]
    )
    if not ranked:
        return []
    villages = [ranked[i % len(ranked)] for i in range(n)]
    names = dict(Area.objects.filter(code__in=ranked, level=Level.VILLAGE).values_list("code", "name"))
    used = set(Workshop.objects.filter(village_id__gte=lo, village_id__lt=hi).values_list("name", flat=True))
    pool = _idle_people(ranked, recognised_on)
    for poor, others in pool.values():
        rng.shuffle(poor)
        rng.shuffle(others)
    taken = set(Employer.objects.filter(county=county).values_list("credit_code", flat=True))
    employers, shops, hires = [], [], []
    for i, village in enumerate(villages):
        code = _code(county.code, 9_000_000 + i)
        if code in taken:
            continue
        poor, others = pool.get(village, ([], []))
        size = rng.randint(8, 22)
        n_poor = min(len(poor), max(size * 6 // 10, size - len(others)))
        people = [poor.pop() for _ in range(n_poor)] + [
            others.pop() for _ in range(min(len(others), size - n_poor))
        ]
        if len(people) < 5:  # the village has nobody left to hire
            continue
        kind = _type(rng)
        product = rng.choice(PRODUCTS[WorkshopType(kind)])
        employer = Employer(
            county=county,
            credit_code=code,
            name=f"{county.name}{rng.choice(WORDS)}{product}有限公司",
            sector="制造业" if kind in ("factory", "home_based") else "农业",
            address=names.get(village, ""),
        )
        employers.append(employer)
        shops.append(
            Workshop(
                employer=employer,
                name=_unique(f"{names.get(village, village)}{product}帮扶车间", used),
                type=kind,
                village_id=village,
                opened=services.add_months(recognised_on, -14),
                created_by=actor,
            )
        )
        hires.append(people)
    Employer.objects.bulk_create(employers)
    for shop in shops:
        shop.employer_id = shop.employer.pk
    Workshop.objects.bulk_create(shops)
    _hire(shops, hires, rng, recognised_on, actor)
    return shops


def _idle_people(villages: list[int], day: dt.date) -> dict[int, tuple[list[int], list[int]]]:
    """Working-age (18–58) current members of the villages with no spell in the ledger: those of
    out-of-poverty households, and the others."""
    from lnob.registry.choices import HouseholdStatus
    from lnob.registry.models import HouseholdVersion

    busy = Spell.objects.values("person_id")
    poor = HouseholdVersion.objects.filter(
        valid_to__isnull=True, status=HouseholdStatus.OUT_OF_POVERTY, household__village_id__in=villages
    ).values("household_id")
    rows = (
        Membership.objects.filter(household__village_id__in=villages, left__isnull=True)
        .filter(
            person__birth_date__lte=day.replace(year=day.year - 18),
            person__birth_date__gt=day.replace(year=day.year - 58),
        )
        .exclude(person_id__in=busy)
        .order_by("person_id")
        .values_list("household__village_id", "person_id", "household_id")
    )
    poor_households = set(poor.values_list("household_id", flat=True))
    out: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for village, person, household in rows:
        out[village][0 if household in poor_households else 1].append(person)
    return out


def _hire(
    shops: list[Workshop], hires: list[list[int]], rng: random.Random, recognised_on: dt.date, actor: Any
) -> None:
    spells, jobs = [], []
    for shop, people in zip(shops, hires, strict=True):
        for person in people:
            start = recognised_on - dt.timedelta(days=rng.randint(100, 400))
            spell = Spell(
                person_id=person,
                status=SpellStatus.EMPLOYED,
                channel=Channel.WORKSHOP,
                location=Location.IN_COUNTY,
                destination=shop.name[:100],
                employer_id=shop.employer_id,
                start=start,
                monthly_wage=Decimal(rng.randrange(1600, 3300, 100)),
                created_by=actor,
            )
            spells.append(spell)
            jobs.append(WorkshopJob(workshop=shop, spell=spell, person_id=person, created_by=actor))
    Spell.objects.bulk_create(spells, batch_size=1000)
    for job in jobs:
        job.spell_id = job.spell.pk
    WorkshopJob.objects.bulk_create(jobs, batch_size=1000)


def _recognise(shops: list[Workshop], day: dt.date, actor: Any) -> int:
    """Recognise in bulk the workshops that met the criteria on `day`; the workers on their rosters."""
    try:
        results = assess(shops, day, Assessment.Purpose.RECOGNITION)
    except DomainError:  # no rule for the county: the workshops wait for recognition
        return 0
    services._save_assessments(results, day, Assessment.Purpose.RECOGNITION)
    met = []
    for r in results:
        if r.met:
            r.workshop.recognise()
            r.workshop.recognised_on = day
            met.append(r.workshop)
    Workshop.objects.bulk_update(met, ["state", "recognised_on"])
    events = [
        WorkshopEvent(workshop=w, action="create", to_state="applied", day=w.opened or day) for w in shops
    ]
    events += [
        WorkshopEvent(
            workshop=r.workshop,
            action="recognise",
            from_state="applied",
            to_state="normal",
            day=day,
            actor=actor,
            comment=r.policy.name,
        )
        for r in results
        if r.met
    ]
    WorkshopEvent.objects.bulk_create(events)
    return sum(r.figures["roster"] for r in results)


def _shrink(shops: list[Workshop], rng: random.Random, recognised_on: dt.date, today: dt.date) -> None:
    """Two of the new employers' workshops lose most of their workers a month after recognition
    (when there are enough to spare: the others keep running). The ledger's own spells are left
    as they are."""
    if len(shops) < 4:
        return
    hiring = set(WorkshopJob.objects.filter(workshop__in=shops).values_list("workshop_id", flat=True))
    ours = [w for w in shops if w.pk in hiring][:2]
    end = min(recognised_on + dt.timedelta(days=35), today)
    ended = []
    for spell in Spell.objects.filter(workshop_job__workshop__in=ours, end__isnull=True).order_by("pk"):
        if rng.random() < 0.8:
            spell.end = end
            ended.append(spell)
    Spell.objects.bulk_update(ended, ["end"])


def _name_managers(county: Area, shops: list[Workshop]) -> None:
    """Users holding the workshop-manager role over the county manage the first two workshops."""
    users = (
        get_user_model()
        .objects.filter(assignments__role=Role.WORKSHOP_MANAGER, assignments__area__code=county.code)
        .distinct()
    )
    through = Workshop.managers.through
    through.objects.bulk_create(
        [through(workshop_id=w.pk, user_id=u.pk) for u in users for w in shops[:2]], ignore_conflicts=True
    )


def name_demo_managers(county: Area) -> None:
    """For a demo whose manager logins are made after the workshops: name them now."""
    lo, hi = county.subtree
    _name_managers(
        county, list(Workshop.objects.filter(village_id__gte=lo, village_id__lt=hi).order_by("pk"))
    )


def _claims(
    shops: list[Workshop], rng: random.Random, actor: Any, recognised_on: dt.date, today: dt.date
) -> int:
    """Half a year of the subsidy for three recognised workshops: one paid, one submitted, one draft."""
    start = recognised_on + dt.timedelta(days=1)
    end = min(_month_end(services.add_months(start, 6)), today)
    normal = list(
        Workshop.objects.filter(pk__in=[w.pk for w in shops], state=WorkshopState.NORMAL).order_by("pk")
    )
    states = [ClaimState.PAID, ClaimState.SUBMITTED, ClaimState.DRAFT]
    made = 0
    for shop in normal:
        if made == len(states):
            break
        try:
            rule = policy.rule_for(ClaimKind.SUBSIDY, shop.village_id, end)
            computed = compute(workshop=shop, kind=ClaimKind.SUBSIDY, rule=rule, start=start, end=end)
        except DomainError:
            continue
        state = states[made]
        paid = state == ClaimState.PAID
        claim = SubsidyClaim.objects.create(
            workshop=shop,
            kind=ClaimKind.SUBSIDY,
            policy=rule.row,
            period_start=start,
            period_end=end,
            amount=computed.amount,
            figures=computed.figures,
            state=state,
            created_by=actor,
            evidence_text=f"工资发放表（{start:%Y年%m月}至{end:%Y年%m月}）",
            decided_by=actor if paid else None,
            paid_on=min(end + dt.timedelta(days=rng.randint(20, 40)), today) if paid else None,
            paid_amount=computed.amount if paid else None,
            payment_reference=f"国库集中支付-{end:%Y%m}-{shop.pk:04d}" if paid else "",
        )
        for line in computed.lines:
            line.claim = claim
        ClaimLine.objects.bulk_create(computed.lines)
        made += 1
    return made
