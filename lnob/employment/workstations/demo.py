"""Demo data: the county's labour-export workstation in Dongguan (project seeds: 镇雄 keeps
labour-export workstations in Dongguan), with a small, deterministic set of its work.

- the station 「<county>驻东莞劳务工作站」, its officers every user holding the workstation
  officer's role in the county;
- a few Dongguan factories on the county's list (added when missing);
- migrants: working-age people of the county with nothing in the ledger yet get a spell in work
  in Dongguan (organised labour export), a third of them placed by the station;
- vacancies it collected, disputes and wage-arrears cases in every state, and its visits.

The policy reference has no figures for workstations ([GAP]), so nothing here is an amount the
rules decide: wages and claims are illustrative, drawn from fixed ranges.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Exists, OuterRef
from stdnum.cn import uscc

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.employment.models import Channel, Employer, Location, Spell, SpellStatus, Vacancy
from lnob.registry.models import Membership
from lnob.registry.selectors import member_on

from .models import Dispute, DisputeEvent, Placement, StationVacancy, Visit, Workstation
from .selectors import rosters
from .services import officer_candidates

SEED = 20210301
MIGRANTS = 60
FACTORIES = (
    ("东莞市长安华宏电子有限公司", "电子制造", "广东省东莞市长安镇"),
    ("东莞市虎门明达服装有限公司", "服装加工", "广东省东莞市虎门镇"),
    ("东莞市塘厦精工五金制品厂", "五金制品", "广东省东莞市塘厦镇"),
    ("东莞市厚街家具有限公司", "家具制造", "广东省东莞市厚街镇"),
    ("东莞市清溪物流有限公司", "物流仓储", "广东省东莞市清溪镇"),
)


def _credit_code(n: int) -> str:
    body = f"91441900MA4W{n:05d}"
    return body + uscc.calc_check_digit(body)


def _employers(county: Area) -> list[Employer]:
    wanted = {_credit_code(1000 + i): f for i, f in enumerate(FACTORIES)}
    have = {e.credit_code: e for e in Employer.objects.filter(county=county, credit_code__in=list(wanted))}
    new = [
        Employer(county=county, credit_code=code, name=name, sector=sector, address=address)
        for code, (name, sector, address) in wanted.items()
        if code not in have
    ]
    Employer.objects.bulk_create(new)
    return list(Employer.objects.filter(county=county, credit_code__in=list(wanted)).order_by("credit_code"))


def _candidates(county: Area, today: dt.date, rng: random.Random) -> list[int]:
    """Working-age people of the county (18–50) with nothing in the ledger yet."""
    lo, hi = subtree_range(county.code, Level.COUNTY)
    young, old = dt.date(today.year - 50, today.month, 1), dt.date(today.year - 18, 1, 1)
    people = (
        Membership.objects.filter(
            member_on(today), household__village_id__gte=lo, household__village_id__lt=hi
        )
        .filter(person__birth_date__gte=young, person__birth_date__lte=old)
        .filter(~Exists(Spell.objects.filter(person_id=OuterRef("person_id"))))
        .order_by("person_id")
        .values_list("person_id", flat=True)[:5000]
    )
    ids = list(people)
    return sorted(rng.sample(ids, min(MIGRANTS, len(ids))))


@transaction.atomic
def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    """Create the demo county's Dongguan workstation and its work; a second run adds nothing."""
    name = f"{county.name}驻东莞劳务工作站"
    if Workstation.objects.filter(county=county, name=name).exists():
        return {"workstations": 0, "migrants": 0, "placements": 0, "vacancies": 0, "disputes": 0, "visits": 0}
    rng = random.Random(SEED)  # noqa: S311 demo data, not a secret
    with set_actor(actor):
        employers = _employers(county)
        station = Workstation.objects.create(
            county=county,
            name=name,
            destination_city="东莞市",
            destination_province="广东省",
            address="广东省东莞市长安镇长安大道 88 号",
            contact_name="王海",
            contact_phone="0769-85330000",
            opened_on=min(dt.date(2021, 3, 1), today),
            created_by=actor,
        )
        station.officers.set(officer_candidates(county.code))
        migrants = _migrants(county, station, employers, today, actor, rng)
        vacancies = _vacancies(station, employers, today, actor, rng)
        roster = rosters([station], today)[station.pk]
        disputes = _disputes(station, roster, today, actor, rng)
        visits = _visits(station, employers, roster, today, actor, rng)
    return {"workstations": 1, **migrants, "vacancies": vacancies, "disputes": disputes, "visits": visits}


def _migrants(
    county: Area,
    station: Workstation,
    employers: list[Employer],
    today: dt.date,
    actor: Any,
    rng: random.Random,
) -> dict[str, int]:
    people = _candidates(county, today, rng)
    spells = []
    for person_id in people:
        employer = rng.choice(employers)
        spells.append(
            Spell(
                person_id=person_id,
                status=SpellStatus.EMPLOYED,
                location=Location.OUT_OF_PROVINCE,
                channel=rng.choice([Channel.ORGANISED_EXPORT, Channel.ORGANISED_EXPORT, Channel.SELF_FOUND]),
                destination=employer.address or "广东省东莞市",
                employer=employer,
                start=today - dt.timedelta(days=rng.randint(20, 900)),
                monthly_wage=Decimal(rng.randrange(3800, 6800, 100)),
                created_by=actor,
            )
        )
    Spell.objects.bulk_create(spells)
    placed = [s for s in spells if s.channel == Channel.ORGANISED_EXPORT][: len(spells) // 3]
    Placement.objects.bulk_create(
        [Placement(station=station, spell=s, person_id=s.person_id, created_by=actor) for s in placed]
    )
    return {"migrants": len(spells), "placements": len(placed)}


def _vacancies(
    station: Workstation, employers: list[Employer], today: dt.date, actor: Any, rng: random.Random
) -> int:
    titles = [
        ("电子装配工", 30, 4500, 6500, "light"),
        ("缝纫工", 20, 4000, 7000, "light"),
        ("仓库分拣员", 15, 4200, 5500, "medium"),
        ("五金冲压工", 10, 5000, 7000, "medium"),
    ]
    rows = []
    for i, (title, headcount, low, high, physical) in enumerate(titles):
        employer = employers[i % len(employers)]
        rows.append(
            Vacancy(
                employer=employer,
                title=title,
                headcount=headcount,
                location=Location.OUT_OF_PROVINCE,
                destination=employer.address,
                wage_min=Decimal(low),
                wage_max=Decimal(high),
                age_min=18,
                age_max=rng.choice([45, 50, 55]),
                physical=physical,
                housing=True,
                start=today + dt.timedelta(days=7 * (i + 1)),
                status=Vacancy.Status.OPEN if i < 3 else Vacancy.Status.CLOSED,
                created_by=actor,
            )
        )
    Vacancy.objects.bulk_create(rows)
    StationVacancy.objects.bulk_create([StationVacancy(station=station, vacancy=v) for v in rows])
    return len(rows)


# (kind, state, months of wages claimed, share recovered)
CASES = (
    ("wage_arrears", "intake", 2, 0.0),
    ("wage_arrears", "mediation", 3, 0.0),
    ("wage_arrears", "resolved", 2, 1.0),
    ("contract", "resolved", 1, 0.5),
    ("injury", "escalated", 4, 0.25),
)


def _disputes(station: Workstation, roster: list[Any], today: dt.date, actor: Any, rng: random.Random) -> int:
    workers = [r for r in roster if r.employer_id is not None]
    chosen = rng.sample(workers, min(len(CASES), len(workers)))
    disputes, events = [], []
    for row, (kind, state, months, share) in zip(chosen, CASES, strict=False):
        opened = max(today - dt.timedelta(days=rng.randint(10, 120)), row.since)
        claimed = (row.wage or Decimal(4500)) * months
        mediation = opened + dt.timedelta(days=3) if state != "intake" else None
        closed = min(opened + dt.timedelta(days=20), today) if state in ("resolved", "escalated") else None
        mediation = min(mediation, closed or today) if mediation else None
        disputes.append(
            Dispute(
                station=station,
                person_id=row.person_id,
                employer_id=row.employer_id,
                kind=kind,
                state=state,
                opened_on=opened,
                mediation_on=mediation,
                closed_on=closed,
                amount_claimed=claimed,
                amount_recovered=(claimed * Decimal(str(share))).quantize(Decimal("0.01")),
                escalated_to="东莞市劳动人事争议仲裁委员会" if state == "escalated" else "",
                summary=f"{row.employer}：{'拖欠工资' if kind == 'wage_arrears' else '劳动争议'}{months}个月",
                created_by=actor,
            )
        )
    Dispute.objects.bulk_create(disputes)
    for d in disputes:
        steps = [("open", "", "intake", d.opened_on)]
        if d.mediation_on:
            steps.append(("mediate", "intake", "mediation", d.mediation_on))
        if d.closed_on:
            steps.append(
                ("resolve" if d.state == "resolved" else "escalate", "mediation", d.state, d.closed_on)
            )
        events += [
            DisputeEvent(dispute=d, action=a, from_state=f, to_state=t, on=on, actor=actor, note=d.summary)
            for a, f, t, on in steps
        ]
    DisputeEvent.objects.bulk_create(events)
    return len(disputes)


def _visits(
    station: Workstation,
    employers: list[Employer],
    roster: list[Any],
    today: dt.date,
    actor: Any,
    rng: random.Random,
) -> int:
    visits, links = [], []
    for i in range(8):
        employer = employers[i % len(employers)]
        on = max(today - dt.timedelta(days=20 * i + rng.randint(0, 10)), station.opened_on)
        there = [r for r in roster if r.employer_id == employer.pk and r.since <= on]
        met = rng.sample(there, min(len(there), rng.randint(1, 4)))
        visit = Visit(
            station=station,
            on=on,
            visitors="王海、李梅",
            employer=employer,
            persons_met=len(met) + rng.randint(0, 6),
            notes="了解工资发放、住宿和社保缴纳情况",
            created_by=actor,
        )
        visits.append(visit)
        links.append(met)
    Visit.objects.bulk_create(visits)
    through = Visit.persons.through
    through.objects.bulk_create(
        [
            through(visit_id=v.pk, person_id=r.person_id)
            for v, met in zip(visits, links, strict=True)
            for r in met
        ]
    )
    return len(visits)
