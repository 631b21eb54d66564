"""Demo data for the training channel (called by `lnob demo`): a few courses of the demo county,
modelled on the seeds of issue 5 (Kaizhou trains chefs; Xinjiang runs pre-job training for workers
before they start), with trainees drawn from the county's working-age people, their attendance,
completions, certificates, allowance payments, some trainees in work afterwards (spells in the
ledger), and 雨露计划 students of out-of-poverty households. Deterministic for a county and day;
written in bulk; a county that already has courses is left as it is."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.employment.models import Channel, Location, Spell, SpellStatus
from lnob.registry.models import Membership

from . import allowance
from .models import (
    AllowancePayment,
    Attendance,
    CertificateKind,
    Course,
    CourseStatus,
    Enrolment,
    Mode,
    Programme,
    RainDewPayment,
    RainDewStudent,
)
from .rules import eligible_households, rain_dew_rule, school_year_start

SEED = 5  # issue 5


@dataclass(frozen=True)
class Plan:
    title: str
    skill: str
    provider: str
    township: bool  # run by a township (else by the county)
    starts_in: int  # days from today (negative: in the past)
    days: int
    hours: int
    mode: str
    cost: str
    places: int


PLANS = (
    Plan("中式烹调师培训班", "中式烹调师", "县职业技术学校", True, -250, 15, 120, Mode.OFFLINE, "1800", 30),
    Plan(
        "劳务输出岗前培训",
        "岗前培训（电子装配）",
        "县就业服务中心",
        False,
        -130,
        5,
        40,
        Mode.OFFLINE,
        "300",
        40,
    ),
    Plan("电工培训班", "电工", "县职业技术学校", True, -75, 20, 160, Mode.OFFLINE, "2400", 25),
    Plan("育婴员线上培训", "育婴员", "县妇联家政培训中心", False, -10, 30, 60, Mode.ONLINE, "600", 30),
    Plan("中式面点师培训班", "中式面点师", "县职业技术学校", True, 15, 12, 96, Mode.OFFLINE, "1500", 30),
)


def _people(county: Area, today: dt.date) -> list[tuple[int, int, int, int]]:
    """(person, household, village, age) of the county's current members."""
    lo, hi = subtree_range(county.code, Level.COUNTY)
    rows = Membership.objects.filter(
        left__isnull=True, household__village_id__gte=lo, household__village_id__lt=hi
    ).values_list("person_id", "household_id", "household__village_id", "person__birth_date")
    return [(p, h, v, (today - b).days // 365) for p, h, v, b in rows.order_by("person_id")]


@transaction.atomic
def load_demo(*, county: Area, today: dt.date, actor: Any) -> dict[str, int]:
    if Course.objects.filter(
        area_id__gte=county.code, area_id__lt=subtree_range(county.code, Level.COUNTY)[1]
    ).exists():
        return {"courses": 0}
    rng = random.Random(SEED * 1_000_003 + county.code)  # noqa: S311 demo data
    townships = list(Area.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code")[:3]) or [
        county
    ]
    people = _people(county, today)
    workers = [p for p in people if 18 <= p[3] <= 50]
    rng.shuffle(workers)
    courses = _courses(county, townships, today, rng, actor)
    enrolments = _enrolments(courses, workers, today, rng, actor)
    days = _attendance(enrolments, courses, today, rng)
    completed, certified = _complete(enrolments, courses, today, rng)
    paid = _payments(enrolments, courses, today, actor)
    spells = _spells(enrolments, today, rng, actor)
    students, grants = _rain_dew(people, today, rng, actor)
    return {
        "courses": len(courses), "enrolments": len(enrolments), "attendance": days, "completed": completed,
        "certificates": certified, "allowance_payments": paid, "spells": spells,
        "rain_dew_students": students,
        "rain_dew_payments": grants,
    }  # fmt: skip


def _courses(
    county: Area, townships: list[Area], today: dt.date, rng: random.Random, actor: Any
) -> list[Course]:
    rows = []
    for i, plan in enumerate(PLANS):
        start = today + dt.timedelta(days=plan.starts_in)
        end = start + dt.timedelta(days=plan.days - 1)
        status = (
            CourseStatus.FINISHED
            if end < today
            else CourseStatus.RUNNING
            if start <= today
            else CourseStatus.PLANNED
        )
        rows.append(
            Course(
                area=townships[i % len(townships)] if plan.township else county, title=plan.title,
                skill=plan.skill,
                provider=plan.provider, start=start, end=end, hours=plan.hours, mode=plan.mode,
                cost_per_trainee=Decimal(plan.cost), places=plan.places, status=status, created_by=actor,
            )
        )  # fmt: skip
    return Course.objects.bulk_create(rows)


def _enrolments(
    courses: list[Course],
    workers: list[tuple[int, int, int, int]],
    today: dt.date,
    rng: random.Random,
    actor: Any,
) -> list[Enrolment]:
    rows, taken = [], 0
    for course in courses:
        n = min(len(workers) - taken, int(course.places * rng.uniform(0.6, 0.9)) or 1)
        for person, _h, _v, _age in workers[taken : taken + max(n, 0)]:
            day = min(course.start - dt.timedelta(days=rng.randrange(3, 20)), today)
            rows.append(Enrolment(course=course, person_id=person, enrolled_on=day, created_by=actor))
        taken += max(n, 0)
    return Enrolment.objects.bulk_create(rows)


def _attendance(
    enrolments: list[Enrolment], courses: list[Course], today: dt.date, rng: random.Random
) -> int:
    rows = []
    for e in enrolments:
        course = e.course
        last = min(course.end, today)
        diligence = rng.choice((1.0, 1.0, 1.0, 0.95, 0.9, 0.6))
        day = course.start
        while day <= last:
            if rng.random() < diligence:
                hours = Decimal(str(rng.choice((1.5, 2, 2.5)))) if course.mode == Mode.ONLINE else None
                rows.append(Attendance(enrolment=e, day=day, hours=hours))
            day += dt.timedelta(days=1)
    Attendance.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _complete(
    enrolments: list[Enrolment], courses: list[Course], today: dt.date, rng: random.Random
) -> tuple[int, int]:
    finished = [e for e in enrolments if e.course.status == CourseStatus.FINISHED]
    dues = allowance.dues([e.pk for e in finished])
    done = []
    for e in finished:
        due = dues[e.pk]
        if due.params is not None and due.share + 1e-9 >= due.params.completion_share:
            e.completed_on = e.course.end
            if rng.random() < 0.7:
                e.certificate_kind = (
                    CertificateKind.SKILL_LEVEL if e.course.hours >= 100 else CertificateKind.TRAINING
                )
                e.certificate_number = f"DEMO{e.course.start:%Y}{e.pk:06d}"
                e.certificate_date = min(e.course.end + dt.timedelta(days=rng.randrange(10, 30)), today)
            done.append(e)
    Enrolment.objects.bulk_update(
        done, ["completed_on", "certificate_kind", "certificate_number", "certificate_date"]
    )
    return len(done), sum(1 for e in done if e.certificate_number)


def _payments(enrolments: list[Enrolment], courses: list[Course], today: dt.date, actor: Any) -> int:
    """The allowance owed to trainees of courses that ended more than a month ago, paid in full."""
    ended = [e for e in enrolments if e.course.end < today - dt.timedelta(days=30)]
    dues = allowance.dues([e.pk for e in ended])
    rows = [
        AllowancePayment(
            enrolment=e, paid_on=e.course.end + dt.timedelta(days=20), amount=dues[e.pk].outstanding,
            reference=f"PZ{e.course.end:%Y%m}-{e.pk:05d}", created_by=actor,
        )
        for e in ended
        if dues[e.pk].outstanding > 0
    ]  # fmt: skip
    AllowancePayment.objects.bulk_create(rows)
    return len(rows)


def _spells(enrolments: list[Enrolment], today: dt.date, rng: random.Random, actor: Any) -> int:
    """Most completed trainees found work some weeks later: a spell in the ledger, for those the
    ledger knows nothing of yet (so no full-time spell can overlap one already there)."""
    done = [e for e in enrolments if e.completed_on is not None]
    known = set(
        Spell.objects.filter(person_id__in=[e.person_id for e in done]).values_list("person_id", flat=True)
    )
    rows = []
    for e in done:
        if e.person_id in known or rng.random() > 0.7:
            continue
        assert e.completed_on is not None
        start = e.completed_on + dt.timedelta(days=rng.randrange(7, 60))
        if start > today:
            continue
        far = rng.random() < 0.6
        rows.append(
            Spell(
                person_id=e.person_id, status=SpellStatus.EMPLOYED,
                channel=Channel.ORGANISED_EXPORT if far else Channel.SELF_FOUND,
                location=Location.OUT_OF_PROVINCE if far else Location.IN_COUNTY,
                destination="广东省东莞市" if far else "",
                start=start, monthly_wage=Decimal(rng.randrange(3200, 6500, 100)), created_by=actor,
                note=str(e.course.title),
            )
        )  # fmt: skip
        known.add(e.person_id)
    Spell.objects.bulk_create(rows)
    return len(rows)


SCHOOLS = {
    Programme.SECONDARY_VOCATIONAL: ("县职业高级中学", "昭通市中等职业学校"),
    Programme.HIGHER_VOCATIONAL: ("昭通职业学院", "云南交通职业技术学院"),
}


def _rain_dew(
    people: list[tuple[int, int, int, int]], today: dt.date, rng: random.Random, actor: Any
) -> tuple[int, int]:
    """Young people of 15–21 in out-of-poverty or monitored households, in vocational school."""
    year = today.year if today.month >= 9 else today.year - 1
    young = [p for p in people if 15 <= p[3] <= 21]
    kinds = eligible_households({h: min(school_year_start(year), today) for _p, h, _v, _a in young})
    chosen = [p for p in young if kinds.get(p[1])][:60]
    rules: dict[int, Any] = {}
    rows = []
    for person, household, village, age in chosen:
        if rng.random() > 0.5:
            continue
        rule = rules.setdefault(village, rain_dew_rule(village, school_year_start(year)))
        programme = Programme.SECONDARY_VOCATIONAL if age <= 17 else Programme.HIGHER_VOCATIONAL
        rows.append(
            RainDewStudent(
                person_id=person, household_id=household, village_id=village,
                school=rng.choice(SCHOOLS[programme]), programme=programme, school_year=year,
                grant=getattr(rule.params, programme).quantize(Decimal("0.01")), rule=rule.row,
                created_by=actor,
            )
        )  # fmt: skip
    students = RainDewStudent.objects.bulk_create(rows)
    paid_on = min(dt.date(year, 11, 15), today)
    payments = [
        RainDewPayment(
            student=s, paid_on=paid_on, amount=s.grant, reference=f"YL{year}-{s.pk:05d}", created_by=actor
        )
        for s in students
        if rng.random() < 0.6
    ]
    RainDewPayment.objects.bulk_create(payments)
    return len(students), len(payments)
