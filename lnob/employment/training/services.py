"""Writes of the training channel. Each refuses bad input with a DomainError naming the field,
the value and the reason (messages in .messages.TMsg), and writes nothing; a course, person or
record outside the actor's areas is NotFound (the caller answers 404).

Who may do what (docs/employment-training.md): courses, attendance, completion and certificates
need MANAGE_EMPLOYMENT in the course's area; an enrolment, that or EDIT_REGISTRY in the person's
village when the course is open to it; payments need APPROVE_PAYMENTS; a 雨露计划 student is
registered by whoever edits the registry (or manages employment) in the student's village.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.db.models import Max

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.registry.models import Membership, Person
from lnob.registry.selectors import person_area, today
from lnob.registry.validation import normalise_id

from . import allowance
from .messages import TMsg
from .models import (
    OPEN_STATUSES,
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
from .rules import allowance_rule, eligible_households, rain_dew_rule, school_year_start

COURSE_LEVELS = (Level.COUNTY, Level.TOWNSHIP)


def covers(area_code: int, village: int) -> bool:
    """The course's area (a county or township) contains the village."""
    lo, hi = subtree_range(area_code, level_of(area_code))
    return lo <= village < hi


def county_of(code: int) -> int:
    return subtree_range(code, Level.COUNTY)[0]


def _managed(actor: Any, course: Course, capability: Capability = Capability.MANAGE_EMPLOYMENT) -> None:
    if not can(actor, capability, course.area_id):
        raise NotFound(course.pk)


def _check_course(
    *, start: dt.date, end: dt.date, hours: int, places: int, cost_per_trainee: Decimal, mode: str
) -> None:
    if end < start:
        raise DomainError("end", end, TMsg.DATES)
    if hours <= 0:
        raise DomainError("hours", hours, TMsg.HOURS)
    if places <= 0:
        raise DomainError("places", places, TMsg.PLACES)
    if cost_per_trainee < 0:
        raise DomainError("cost_per_trainee", cost_per_trainee, TMsg.NEGATIVE_COST)
    if mode not in Mode.values:
        raise DomainError("mode", mode, Msg.UNKNOWN_CODE)


def _required(**texts: str) -> dict[str, str]:
    for name, value in texts.items():
        if not value.strip():
            raise DomainError(name, value, Msg.REQUIRED)
    return {name: value.strip() for name, value in texts.items()}


@transaction.atomic
def course_create(
    *,
    actor: Any,
    area: Area,
    title: str,
    skill: str,
    provider: str,
    start: dt.date,
    end: dt.date,
    hours: int,
    cost_per_trainee: Decimal,
    places: int,
    mode: str = Mode.OFFLINE,
    status: str = CourseStatus.PLANNED,
) -> Course:
    """A course run in a county or township the actor manages. Refused with the reason: dates
    out of order, no hours or places, a negative cost, the same title starting the same day."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, area.code):
        raise NotFound(area.code)
    if area.level not in COURSE_LEVELS:
        raise DomainError("area", area.code, TMsg.AREA_LEVEL)
    texts = _required(title=title, skill=skill, provider=provider)
    _check_course(
        start=start, end=end, hours=hours, places=places, cost_per_trainee=cost_per_trainee, mode=mode
    )
    if status not in CourseStatus.values:
        raise DomainError("status", status, Msg.UNKNOWN_CODE)
    if Course.objects.filter(area=area, title=texts["title"], start=start).exists():
        raise DomainError("title", texts["title"], TMsg.COURSE_TAKEN)
    with set_actor(actor):
        return Course.objects.create(
            area=area, start=start, end=end, hours=hours, cost_per_trainee=cost_per_trainee, places=places,
            mode=mode, status=status, created_by=actor, **texts,
        )  # fmt: skip


UPDATABLE = (
    "title",
    "skill",
    "provider",
    "start",
    "end",
    "hours",
    "cost_per_trainee",
    "places",
    "mode",
    "status",
)


@transaction.atomic
def course_update(*, actor: Any, course: Course, **changes: Any) -> Course:
    """Change a course's details or status. Its dates must still hold the attendance taken, its
    places the trainees enrolled; its mode cannot change once attendance was taken."""
    _managed(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    for name in changes:
        if name not in UPDATABLE:
            raise DomainError(name, changes[name], Msg.UNKNOWN_FIELD)
    values = {name: getattr(course, name) for name in UPDATABLE} | changes
    values |= _required(title=values["title"], skill=values["skill"], provider=values["provider"])
    _check_course(
        start=values["start"], end=values["end"], hours=values["hours"], places=values["places"],
        cost_per_trainee=values["cost_per_trainee"], mode=values["mode"],
    )  # fmt: skip
    if values["status"] not in CourseStatus.values:
        raise DomainError("status", values["status"], Msg.UNKNOWN_CODE)
    enrolled = course.enrolments.count()
    if values["places"] < enrolled:
        raise DomainError("places", values["places"], str(TMsg.PLACES_BELOW_ENROLLED).format(n=enrolled))
    taken = Attendance.objects.filter(enrolment__course=course)
    if values["mode"] != course.mode and taken.exists():
        raise DomainError("mode", values["mode"], TMsg.HAS_RECORDS)
    outside = taken.exclude(day__gte=values["start"], day__lte=values["end"]).order_by("day").first()
    if outside is not None:
        message = str(TMsg.DAY_OUTSIDE_COURSE).format(start=values["start"], end=values["end"])
        raise DomainError("start", outside.day, message)
    clash = Course.objects.filter(area_id=course.area_id, title=values["title"], start=values["start"])
    if clash.exclude(pk=course.pk).exists():
        raise DomainError("title", values["title"], TMsg.COURSE_TAKEN)
    for name, value in values.items():
        setattr(course, name, value)
    with set_actor(actor):
        course.save(update_fields=list(UPDATABLE))
    return course


def person_by_id_number(*, actor: Any, id_number: str) -> Person:
    """A registered person the actor may see, by resident ID; refused (not NotFound: the caller
    typed it) with the same words for unknown and foreign."""
    person = Person.objects.visible_to(actor).filter(id_number=normalise_id(id_number)).first()
    if person is None:
        raise DomainError("id_number", id_number, TMsg.NOT_REGISTERED)
    return person


def may_enrol(actor: Any, course: Course, village: int | None) -> bool:
    if can(actor, Capability.MANAGE_EMPLOYMENT, course.area_id):
        return True
    return (
        village is not None
        and covers(course.area_id, village)
        and can(actor, Capability.EDIT_REGISTRY, village)
    )


@transaction.atomic
def enrolment_create(
    *, actor: Any, course: Course, person: Person, enrolled_on: dt.date | None = None
) -> Enrolment:
    """Enrol a registered person of the course's county, once. Refused: the course closed or
    full, the person already on it, an enrolment day after the course's end or in the future."""
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound(person.pk)
    village = person_area(person.pk)
    if not may_enrol(actor, course, village):
        raise NotFound(course.pk)
    course = Course.objects.select_for_update().get(pk=course.pk)  # one seat at a time
    if village is None or county_of(village) != county_of(course.area_id):
        raise DomainError("id_number", person.id_number, TMsg.OTHER_COUNTY)
    if course.status not in OPEN_STATUSES:
        raise DomainError("course", str(course), TMsg.COURSE_CLOSED)
    day = enrolled_on or min(today(), course.end)
    if day > today():
        raise DomainError("enrolled_on", day, Msg.IN_FUTURE)
    if day > course.end:
        raise DomainError("enrolled_on", day, TMsg.ENROLLED_AFTER_END)
    if Enrolment.objects.filter(course=course, person=person).exists():
        raise DomainError("id_number", person.id_number, TMsg.ALREADY_ENROLLED)
    if course.enrolments.count() >= course.places:
        raise DomainError("course", str(course), str(TMsg.COURSE_FULL).format(places=course.places))
    with set_actor(actor):
        return Enrolment.objects.create(course=course, person=person, enrolled_on=day, created_by=actor)


@transaction.atomic
def enrolment_remove(*, actor: Any, enrolment: Enrolment) -> None:
    """Take back an enrolment made by mistake: only before any attendance or payment."""
    if not may_enrol(actor, enrolment.course, person_area(enrolment.person_id)):
        raise NotFound(enrolment.pk)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.attendance.exists() or enrolment.payments.exists() or enrolment.completed_on:
        raise DomainError("enrolment", str(enrolment), TMsg.HAS_RECORDS)
    with set_actor(actor):
        enrolment.delete()


def _in_course(course: Course, day: dt.date, field: str = "day") -> None:
    if not course.start <= day <= course.end:
        raise DomainError(field, day, str(TMsg.DAY_OUTSIDE_COURSE).format(start=course.start, end=course.end))
    if day > today():
        raise DomainError(field, day, Msg.IN_FUTURE)


@transaction.atomic
def attendance_mark(
    *,
    actor: Any,
    course: Course,
    day: dt.date,
    present: dict[int, Decimal | None],
    sheet: Collection[int] | None = None,
) -> int:
    """The day's attendance sheet: `present` maps each enrolment present to its class hours
    (online; offline the day counts and hours are not kept). The other enrolments of the sheet
    (`sheet`: the ones the actor was shown; all the course's by default) were absent; enrolments
    not on the sheet are left as they were, and so is a completed trainee's attendance. Returns
    the number present. Written in bulk; marking the same sheet again changes nothing."""
    _managed(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == CourseStatus.CANCELLED:
        raise DomainError("course", str(course), TMsg.CANCELLED)
    _in_course(course, day)
    open_ids = set(course.enrolments.filter(completed_on__isnull=True).values_list("pk", flat=True))
    if sheet is not None:
        open_ids &= set(sheet) | set(present)
    all_ids = set(course.enrolments.values_list("pk", flat=True))
    for pk, hours in present.items():
        if pk not in all_ids:
            raise DomainError("enrolment", pk, TMsg.NOT_OF_COURSE)
        if course.mode == Mode.ONLINE and (hours is None or not Decimal("0") < hours <= 24):
            raise DomainError("hours", hours, TMsg.ONLINE_NEEDS_HOURS)
    wanted = {
        pk: (hours if course.mode == Mode.ONLINE else None) for pk, hours in present.items() if pk in open_ids
    }
    kept = {a.enrolment_id: a for a in Attendance.objects.filter(enrolment_id__in=open_ids, day=day)}
    changed = [a for pk, a in kept.items() if pk in wanted and a.hours != wanted[pk]]
    for a in changed:
        a.hours = wanted[a.enrolment_id]
    Attendance.objects.filter(pk__in=[a.pk for pk, a in kept.items() if pk not in wanted]).delete()
    Attendance.objects.bulk_update(changed, ["hours"])
    Attendance.objects.bulk_create(
        [Attendance(enrolment_id=pk, day=day, hours=hours) for pk, hours in wanted.items() if pk not in kept]
    )
    return len(wanted)


def _completion_check(enrolment: Enrolment, day: dt.date) -> None:
    course = enrolment.course
    if enrolment.completed_on is not None:
        raise DomainError("completed_on", enrolment.completed_on, TMsg.ALREADY_COMPLETED)
    if day < course.start:
        raise DomainError("completed_on", day, str(TMsg.BEFORE_COURSE).format(start=course.start))
    if day > today():
        raise DomainError("completed_on", day, Msg.IN_FUTURE)
    last = enrolment.attendance.aggregate(last=Max("day"))["last"]
    if last is not None and day < last:
        raise DomainError("completed_on", day, str(TMsg.COMPLETED_BEFORE_ATTENDANCE).format(day=last))
    due = allowance.due_for(enrolment)
    need = due.params.completion_share if due.params else 1.0
    if due.share + 1e-9 < need:
        name = due.rule.row.name if due.rule else due.error
        message = str(TMsg.ATTENDANCE_TOO_LOW).format(share=due.share, need=need, rule=name)
        raise DomainError("attendance", f"{due.share:.0%}", message)


@transaction.atomic
def enrolment_complete(*, actor: Any, enrolment: Enrolment, day: dt.date) -> Enrolment:
    """The trainee completed the course (结业) on `day`: refused when they attended less than the
    rule's share of the scheduled days (offline) or class hours (online)."""
    _managed(actor, enrolment.course)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
    )
    _completion_check(enrolment, day)
    enrolment.completed_on = day
    with set_actor(actor):
        enrolment.save(update_fields=["completed_on"])
    return enrolment


@transaction.atomic
def course_complete(*, actor: Any, course: Course, day: dt.date) -> tuple[int, list[str]]:
    """End a course: every trainee who attended enough completes on `day`, the course is marked
    finished. Returns how many completed and the names of those who did not attend enough."""
    _managed(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == CourseStatus.CANCELLED:
        raise DomainError("course", str(course), TMsg.CANCELLED)
    if day < course.start:
        raise DomainError("day", day, str(TMsg.BEFORE_COURSE).format(start=course.start))
    if day > today():
        raise DomainError("day", day, Msg.IN_FUTURE)
    pending = list(
        course.enrolments.filter(completed_on__isnull=True).select_related("person").order_by("pk")
    )
    dues = allowance.dues([e.pk for e in pending])
    share = allowance_rule(course.area_id, course.start).params.completion_share
    lasts = dict(
        Attendance.objects.filter(enrolment__in=pending)
        .values("enrolment_id")
        .annotate(last=Max("day"))
        .values_list("enrolment_id", "last")
    )
    done = [e for e in pending if dues[e.pk].share + 1e-9 >= share and lasts.get(e.pk, day) <= day]
    # names the actor may see; others only counted
    seen = set(
        Person.objects.visible_to(actor)
        .filter(pk__in=[e.person_id for e in pending])
        .values_list("pk", flat=True)
    )
    short = [e.person.name if e.person_id in seen else "…" for e in pending if e not in done]
    for e in done:
        e.completed_on = day
    course.status = CourseStatus.FINISHED
    with set_actor(actor):
        Enrolment.objects.bulk_update(done, ["completed_on"])
        course.save(update_fields=["status"])
    return len(done), short


@transaction.atomic
def certificate_record(
    *, actor: Any, enrolment: Enrolment, kind: str, number: str, date: dt.date
) -> Enrolment:
    """The certificate a completed trainee earned (kind, number, date of issue), once."""
    _managed(actor, enrolment.course)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
    )
    if enrolment.completed_on is None:
        raise DomainError("certificate_number", number, TMsg.NOT_COMPLETED)
    if enrolment.certificate_number:
        raise DomainError("certificate_number", enrolment.certificate_number, TMsg.CERTIFICATE_TAKEN)
    if kind not in CertificateKind.values:
        raise DomainError("certificate_kind", kind, Msg.UNKNOWN_CODE)
    number = _required(certificate_number=number)["certificate_number"]
    if date < enrolment.course.start:
        raise DomainError(
            "certificate_date", date, str(TMsg.BEFORE_COURSE).format(start=enrolment.course.start)
        )
    if date > today():
        raise DomainError("certificate_date", date, Msg.IN_FUTURE)
    enrolment.certificate_kind, enrolment.certificate_number, enrolment.certificate_date = kind, number, date
    with set_actor(actor):
        enrolment.save(update_fields=["certificate_kind", "certificate_number", "certificate_date"])
    return enrolment


def _check_payment(
    amount: Decimal,
    outstanding: Decimal,
    paid_on: dt.date,
    earliest: dt.date,
    early: Any = TMsg.BEFORE_COURSE,
) -> None:
    if amount <= 0:
        raise DomainError("amount", amount, TMsg.AMOUNT_POSITIVE)
    if amount > outstanding:
        raise DomainError("amount", amount, str(TMsg.ABOVE_DUE).format(left=outstanding))
    if paid_on > today():
        raise DomainError("paid_on", paid_on, Msg.IN_FUTURE)
    if paid_on < earliest:
        raise DomainError("paid_on", paid_on, str(early).format(start=earliest))


@transaction.atomic
def allowance_pay(
    *, actor: Any, enrolment: Enrolment, paid_on: dt.date, amount: Decimal, reference: str
) -> AllowancePayment:
    """Record a payment of the living allowance: never more than is still owed."""
    _managed(actor, enrolment.course, Capability.APPROVE_PAYMENTS)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
    )
    reference = _required(reference=reference)["reference"]
    due = allowance.due_for(enrolment)
    if due.rule is None:
        raise DomainError("policy", "training_allowance", due.error)
    _check_payment(amount, due.outstanding, paid_on, enrolment.course.start)
    try:
        with transaction.atomic(), set_actor(actor):
            return AllowancePayment.objects.create(
                enrolment=enrolment, paid_on=paid_on, amount=amount, reference=reference, created_by=actor
            )
    except IntegrityError:
        raise DomainError("reference", reference, TMsg.REFERENCE_TAKEN) from None


def household_now(person: Person) -> Membership | None:
    return Membership.objects.filter(person=person, left__isnull=True).select_related("household").first()


@transaction.atomic
def rain_dew_register(
    *, actor: Any, person: Person, school: str, programme: str, school_year: int
) -> RainDewStudent:
    """A 雨露计划 student for a school year, with the grant the rule sets for the programme.
    Refused: the household is not one the rule names (out-of-poverty or monitored), or the
    student is already registered for that year (the grant is once a year)."""
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound(person.pk)
    member = household_now(person)
    village = member.household.village_id if member else person_area(person.pk)
    if village is None or not (
        can(actor, Capability.EDIT_REGISTRY, village) or can(actor, Capability.MANAGE_EMPLOYMENT, village)
    ):
        raise NotFound(person.pk)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if member is None:
        raise DomainError("id_number", person.id_number, TMsg.NO_HOUSEHOLD)
    school = _required(school=school)["school"]
    if programme not in Programme.values:
        raise DomainError("programme", programme, Msg.UNKNOWN_CODE)
    if not 2015 <= school_year <= today().year + 1:
        raise DomainError("school_year", school_year, TMsg.SCHOOL_YEAR)
    if RainDewStudent.objects.filter(person=person, school_year=school_year).exists():
        raise DomainError(
            "school_year",
            school_year,
            str(TMsg.RAIN_DEW_TAKEN).format(year=school_year, next=school_year + 1),
        )
    day = min(school_year_start(school_year), today())
    rule = rain_dew_rule(village, school_year_start(school_year))
    kinds = eligible_households({member.household_id: day})[member.household_id]
    if not kinds & set(rule.params.households):
        raise DomainError("id_number", person.id_number, TMsg.NOT_ELIGIBLE_HOUSEHOLD)
    with set_actor(actor):
        return RainDewStudent.objects.create(
            person=person, household=member.household, village_id=village, school=school, programme=programme,
            school_year=school_year, grant=getattr(rule.params, programme).quantize(Decimal("0.01")),
            rule=rule.row, created_by=actor,
        )  # fmt: skip


def rain_dew_outstanding(student: RainDewStudent) -> Decimal:
    paid = sum((p.amount for p in student.payments.all()), Decimal("0"))
    return max(student.grant - paid, Decimal("0"))


@transaction.atomic
def rain_dew_pay(
    *, actor: Any, student: RainDewStudent, paid_on: dt.date, amount: Decimal, reference: str
) -> RainDewPayment:
    """Record a payment of the year's grant: never more than the grant; once it is paid in full,
    the year is closed."""
    if not can(actor, Capability.APPROVE_PAYMENTS, student.village_id):
        raise NotFound(student.pk)
    student = RainDewStudent.objects.select_for_update().get(pk=student.pk)
    reference = _required(reference=reference)["reference"]
    left = rain_dew_outstanding(student)
    if left <= 0:
        raise DomainError("amount", amount, TMsg.RAIN_DEW_PAID)
    _check_payment(amount, left, paid_on, dt.date(student.school_year, 1, 1), TMsg.BEFORE_SCHOOL_YEAR)
    try:
        with transaction.atomic(), set_actor(actor):
            return RainDewPayment.objects.create(
                student=student, paid_on=paid_on, amount=amount, reference=reference, created_by=actor
            )
    except IntegrityError:
        raise DomainError("reference", reference, TMsg.REFERENCE_TAKEN) from None
