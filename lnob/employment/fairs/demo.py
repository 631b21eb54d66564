"""Demo job fairs for the demo county (`lnob demo`): three fairs built from the county's registered
people and employers, in bulk, the same every time (random.Random with a fixed seed).

The project's seeds say 镇雄's job fairs brought 153 recruiters and 50,000 places. The demo county
is about 1/80 of 镇雄's people, so it has fewer recruiters but keeps their size (about 330 places
each): a spring county fair (春风行动, held and closed, with interviews, offers, hires, declines
and rejections), a township fair held last month (outcomes still coming in), and a county fair in
three weeks (planned, with people registered). Employers come from the county's list; the fairs
bring the factories from elsewhere that recruit in 镇雄 (added to the list with a valid credit
code, as at a real fair).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from stdnum.cn import uscc

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.employment.models import Channel, Employer, Location, Spell, SpellStatus, Vacancy
from lnob.registry.models import Membership
from lnob.registry.rules import age_on

from .models import (
    DECLINE_REASONS,
    Application,
    Attendee,
    FairStatus,
    FairVacancy,
    JobFair,
    Reason,
    Recruiter,
    State,
)

SEED = 153
PLACES_PER_RECRUITER = 50_000 / 153  # the seeds' fairs

# (name, sector, where, destination, [(title, wage_min, wage_max, age_max)])
EMPLOYERS = [
    (
        "东莞市华宏电子有限公司",
        "电子制造",
        Location.OUT_OF_PROVINCE,
        "广东省东莞市",
        [("电子装配工", 4500, 6500, 45), ("质检员", 4800, 6000, 40)],
    ),
    (
        "宁波申洲针织有限公司",
        "纺织服装",
        Location.OUT_OF_PROVINCE,
        "浙江省宁波市",
        [("缝纫工", 4200, 7000, 50), ("包装工", 3800, 5000, 55)],
    ),
    (
        "苏州立讯精密制造有限公司",
        "精密制造",
        Location.OUT_OF_PROVINCE,
        "江苏省苏州市",
        [("操作工", 4800, 6800, 40), ("物料员", 4500, 5500, 45)],
    ),
    ("厦门华亿鞋业有限公司", "制鞋", Location.OUT_OF_PROVINCE, "福建省厦门市", [("制鞋工", 4300, 6200, 50)]),
    (
        "深圳顺达物流有限公司",
        "物流",
        Location.OUT_OF_PROVINCE,
        "广东省深圳市",
        [("分拣员", 4500, 6000, 45), ("货车司机", 7000, 9500, 50)],
    ),
    (
        "昆明滇建建筑劳务有限公司",
        "建筑",
        Location.IN_PROVINCE,
        "云南省昆明市",
        [("钢筋工", 6000, 9000, 55), ("木工", 6500, 9000, 55)],
    ),
    (
        "昭通鑫源物业服务有限公司",
        "物业",
        Location.IN_PROVINCE,
        "云南省昭通市",
        [("保安", 2800, 3500, 55), ("保洁员", 2500, 3000, 58)],
    ),
    (
        "镇雄县乌峰农业开发有限公司",
        "农业",
        Location.IN_COUNTY,
        "镇雄县",
        [("种植工", 2200, 3000, 60), ("采摘工", 2000, 2800, 60)],
    ),
    ("镇雄县云上制衣厂", "纺织服装", Location.IN_COUNTY, "镇雄县", [("缝纫工", 2500, 3800, 55)]),
    (
        "贵阳黔通汽车配件有限公司",
        "汽车配件",
        Location.OUT_OF_PROVINCE,
        "贵州省贵阳市",
        [("装配工", 4000, 5500, 45)],
    ),
]


def _credit_code(county: int, n: int) -> str:
    body = f"91{str(county)[:6]}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def _employers(county: Area, wanted: int) -> list[Employer]:
    """`wanted` employers for the fairs: the firms above (the coast's, the province's and the
    county's own, as a county fair brings them), then the county's list, then more branches."""
    have = list(Employer.objects.filter(county=county).order_by("pk"))
    extra = []
    for n in range(max(len(EMPLOYERS), wanted - len(have))):
        name, sector, *_rest = EMPLOYERS[n % len(EMPLOYERS)]
        label = name if n < len(EMPLOYERS) else name.replace("有限公司", f"第{n // len(EMPLOYERS) + 1}分公司")
        extra.append(
            Employer(
                county=county, credit_code=_credit_code(county.code, 9_000 + n), name=label, sector=sector
            )
        )
    Employer.objects.bulk_create(extra, ignore_conflicts=True)
    named = [e.name for e in extra[: len(EMPLOYERS)]]
    firms = list(Employer.objects.filter(county=county, name__in=named).order_by("pk"))
    rest = Employer.objects.filter(county=county).exclude(name__in=named).order_by("pk")
    return (firms + list(rest))[:wanted]


def _first_village(area: Area) -> int:
    lo, hi = subtree_range(area.code, Level(area.level))
    codes = Area.objects.filter(level=Level.VILLAGE, code__gte=lo, code__lt=hi).order_by("code")
    return int(codes.values_list("code", flat=True)[0])


# an employer of the county's list that is not one of the firms above: jobs by its sector
SECTOR_JOBS = {
    "制造业": [("普工", 4200, 6000, 45), ("质检员", 4500, 6000, 40)],
    "建筑业": [("钢筋工", 6000, 9000, 55), ("木工", 6500, 9000, 55)],
    "批发和零售业": [("理货员", 3500, 4500, 50)],
    "住宿和餐饮业": [("服务员", 3200, 4500, 45), ("厨师", 4500, 6500, 50)],
    "居民服务业": [("家政服务员", 4000, 6000, 55)],
    "交通运输业": [("分拣员", 4500, 6000, 45), ("货车司机", 7000, 9500, 50)],
    "农业": [("种植工", 2200, 3000, 60)],
}
IN_COUNTY_PAY = 0.6  # local jobs pay less than the coast
# the physical demand of a job, by its title; medium where not named
PHYSICAL = {
    "电子装配工": "light", "质检员": "light", "操作工": "light", "制鞋工": "light", "缝纫工": "light",
    "装配工": "light", "服务员": "light", "家政服务员": "light", "保安": "light", "保洁员": "light",
    "钢筋工": "heavy", "木工": "heavy", "种植工": "heavy",
}  # fmt: skip
# the skill and the certificate a job asks for, by its title (the registry's words for them)
NEEDS = {
    "货车司机": ("驾驶", "C1驾驶证"), "厨师": ("厨师", ""), "木工": ("木工", ""), "钢筋工": ("钢筋工", ""),
    "家政服务员": ("家政", ""),
}  # fmt: skip


def _profile(
    employer: Employer, county: Area, province: str
) -> tuple[str, str, list[tuple[str, int, int, int]]]:
    """Where an employer's jobs are, and which: the firms above as written; another by its address
    (the county, the province, or elsewhere) and its sector."""
    for name, _sector, where, destination, jobs in EMPLOYERS:
        if employer.name.startswith(name.replace("有限公司", "")):
            return where, destination, jobs
    address = employer.address or county.name
    if county.name in address:
        where = Location.IN_COUNTY
    elif province and address.startswith(province[:2]):
        where = Location.IN_PROVINCE
    else:
        where = Location.OUT_OF_PROVINCE
    jobs = SECTOR_JOBS.get(employer.sector, [("普工", 4000, 5500, 50)])
    if where == Location.IN_COUNTY:
        jobs = [(t, int(low * IN_COUNTY_PAY), int(high * IN_COUNTY_PAY), age) for t, low, high, age in jobs]
    return where, address, jobs


def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    """The demo fairs of `county`; nothing when they are there already."""
    if JobFair.objects.filter(county=county, code__startswith="DEMO-").exists():
        return dict.fromkeys(("fairs", "recruiters", "vacancies", "attendees", "applications", "hires"), 0)
    rng = random.Random(SEED)  # noqa: S311 demo data, not a secret
    township = Area.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code").first()
    if township is None:
        return dict.fromkeys(("fairs", "recruiters", "vacancies", "attendees", "applications", "hires"), 0)
    seat = _first_village(county)
    town_seat = _first_village(township)
    plans = [
        (
            "DEMO-SPRING",
            "春风行动专场招聘会",
            county,
            today - dt.timedelta(days=100),
            seat,
            "县体育馆",
            FairStatus.CLOSED,
            24,
            240,
        ),
        (
            "DEMO-TOWN",
            f"{township.name}就业招聘会",
            township,
            today - dt.timedelta(days=30),
            town_seat,
            f"{township.name}政府广场",
            FairStatus.HELD,
            8,
            80,
        ),
        (
            "DEMO-AUTUMN",
            "秋季就业援助月招聘会",
            county,
            today + dt.timedelta(days=21),
            seat,
            "县体育馆",
            FairStatus.PLANNED,
            12,
            60,
        ),
    ]
    counts: Counter[str] = Counter()
    with disable_auditlog():
        employers = _employers(county, max(p[7] for p in plans))
        for code, name, area, start, village, venue, status, n_recruiters, n_attendees in plans:
            fair = JobFair.objects.create(
                county=county,
                area=area,
                code=code,
                name=name,
                start=start,
                end=start,
                venue=venue,
                village_id=village,
                status=status,
                created_by=actor,
            )
            vacancies = _recruit(fair, rng.sample(employers, min(n_recruiters, len(employers))), rng, actor)
            counts["fairs"] += 1
            counts["recruiters"] += len({v.employer_id for v in vacancies})
            counts["vacancies"] += len(vacancies)
            apps = _attend(fair, area, vacancies, n_attendees, rng, actor, counts)
            if status == FairStatus.PLANNED:
                Application.objects.bulk_create(apps)
            else:
                _outcomes(fair, apps, vacancies, today, rng, actor, counts)
    return dict(counts)


def _recruit(fair: JobFair, employers: list[Employer], rng: random.Random, actor: Any) -> list[Vacancy]:
    county = Area.objects.get(code=fair.county_id)
    province = (
        Area.objects.filter(code=fair.county_id // 10**10 * 10**10).values_list("name", flat=True).first()
    )
    rows = []
    for e in employers:
        where, destination, jobs = _profile(e, county, province or "")
        share = PLACES_PER_RECRUITER / len(jobs)
        for title, low, high, age_max in jobs:
            rows.append(
                Vacancy(
                    employer=e,
                    title=title,
                    headcount=max(2, int(rng.uniform(0.3, 1.7) * share)),
                    location=where,
                    destination=destination,
                    wage_min=Decimal(low),
                    wage_max=Decimal(high),
                    age_min=18,
                    age_max=age_max,
                    physical=PHYSICAL.get(title, "medium"),
                    skills=NEEDS.get(title, ("", ""))[0],
                    certificates=NEEDS.get(title, ("", ""))[1],
                    housing=where != Location.IN_COUNTY,
                    start=fair.start + dt.timedelta(days=14),
                    created_by=actor,
                )
            )
    vacancies = Vacancy.objects.bulk_create(rows)
    recruiters = Recruiter.objects.bulk_create(
        [
            Recruiter(fair=fair, employer=e, booth=f"{chr(65 + i // 20)}{i % 20 + 1:02d}", created_by=actor)
            for i, e in enumerate(employers)
        ]
    )
    by_employer = {r.employer_id: r for r in recruiters}
    FairVacancy.objects.bulk_create(
        [FairVacancy(recruiter=by_employer[v.employer_id], vacancy=v) for v in vacancies]
    )
    return vacancies


def _attend(
    fair: JobFair,
    area: Area,
    vacancies: list[Vacancy],
    n: int,
    rng: random.Random,
    actor: Any,
    counts: Counter[str],
) -> list[Application]:
    lo, hi = subtree_range(area.code, Level(area.level))
    members = list(
        Membership.objects.filter(
            left__isnull=True, household__village_id__gte=lo, household__village_id__lt=hi
        )
        .order_by("person_id")
        .values_list("person_id", "person__birth_date", "household__village_id")
    )
    able = [(p, b, v) for p, b, v in members if 18 <= age_on(b, fair.start) <= 55]
    chosen = rng.sample(able, min(n, len(able)))
    registered = fair.start - dt.timedelta(days=rng.randint(0, 10))
    attendees = Attendee.objects.bulk_create(
        [
            Attendee(
                fair=fair,
                person_id=p,
                village_id=v,
                registered_on=min(registered, fair.start),
                created_by=actor,
            )
            for p, _b, v in chosen
        ]
    )
    apps = []
    for attendee, (_p, birth, _v) in zip(attendees, chosen, strict=True):
        age = age_on(birth, fair.start)
        fits = [v for v in vacancies if v.age_min <= age <= v.age_max]
        for vacancy in rng.sample(fits, min(len(fits), rng.choice((1, 1, 2, 3)))):
            apps.append(
                Application(
                    person_id=attendee.person_id,
                    vacancy=vacancy,
                    village_id=attendee.village_id,
                    attendee=attendee,
                    created_by=actor,
                )
            )
    counts["attendees"] += len(attendees)
    counts["applications"] += len(apps)
    return apps


def _outcomes(
    fair: JobFair,
    apps: list[Application],
    vacancies: list[Vacancy],
    today: dt.date,
    rng: random.Random,
    actor: Any,
    counts: Counter[str],
) -> None:
    """Interviews, offers and their outcomes; hires only for people the ledger has free, each
    writing a spell that ends their running full-time one the day before (as a hire on screen)."""
    people = {a.person_id for a in apps}
    spells: dict[int, list[Spell]] = {}
    for s in Spell.objects.filter(person_id__in=people, full_time=True):
        spells.setdefault(s.person_id, []).append(s)
    places = {v.pk: v.headcount for v in vacancies}
    hired_people: set[int] = set()
    closing, new_spells, hires = [], [], []
    for app in apps:
        if rng.random() < 0.12:  # did not come to the interview
            app.state, app.reason, app.decided_on = State.REJECTED, Reason.NO_SHOW, fair.start
            continue
        app.state, app.interviewed_on = State.INTERVIEWED, fair.start
        if rng.random() < 0.45:
            app.state, app.reason, app.decided_on = (
                State.REJECTED,
                rng.choice((Reason.SKILLS, Reason.AGE, Reason.HEALTH)),
                fair.start,
            )
            continue
        vacancy = app.vacancy
        app.state, app.offered_on = State.OFFERED, fair.start
        app.offered_wage = Decimal(rng.randrange(int(vacancy.wage_min), int(vacancy.wage_max) + 1, 100))
        app.offered_start = vacancy.start
        if app.offered_start > today or rng.random() < 0.1:
            continue  # still to start
        own = spells.get(app.person_id, [])
        start = app.offered_start
        running = [s for s in own if s.end is None and s.start < start]
        clash = [s for s in own if s not in running and (s.end is None or s.end >= start)]
        if rng.random() < 0.3 or clash or app.person_id in hired_people or places[vacancy.pk] <= 0:
            app.state, app.reason, app.decided_on = State.DECLINED, rng.choice(DECLINE_REASONS[:-1]), start
            continue
        for s in running:
            s.end = start - dt.timedelta(days=1)
            closing.append(s)
        places[vacancy.pk] -= 1
        hired_people.add(app.person_id)
        app.state, app.decided_on = State.HIRED, start
        new_spells.append(
            Spell(
                person_id=app.person_id,
                status=SpellStatus.EMPLOYED,
                channel=Channel.JOB_FAIR,
                location=vacancy.location,
                destination=vacancy.destination,
                employer_id=vacancy.employer_id,
                monthly_wage=app.offered_wage,
                start=start,
                note=fair.name,
                created_by=actor,
            )
        )
        hires.append(app)
    Spell.objects.bulk_update(closing, ["end"])
    Spell.objects.bulk_create(new_spells)
    for app, spell in zip(hires, new_spells, strict=True):
        app.spell = spell
    Application.objects.bulk_create(apps)
    counts["hires"] += len(hires)
