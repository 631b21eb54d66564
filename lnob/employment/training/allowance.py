"""The living allowance a trainee is owed (培训生活费补贴), computed from attendance with the rule
in force for the course's area on its first day, for many enrolments at once (a handful of
queries whatever their number).

Offline: days attended × the daily rate; online: class hours × the hourly rate; or, where the
rule sets a flat amount per course, that amount once the course is completed (and, where the rule
says once a year, for the person's first completed course of the calendar year only). A
certificate adds the rule's one-time award. Only members of the households the rule names (by
default out-of-poverty and monitored households, on the course's first day) are owed anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from lnob.core.errors import DomainError
from lnob.employment.policy import Rule

from .models import AllowancePayment, Attendance, Course, Enrolment, Mode
from .rules import TrainingAllowance, allowance_rule, eligible_households

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

NOT_ELIGIBLE = _("此人所在户不是补贴对象（规则适用于：{kinds}）")
ONCE_A_YEAR = _("本年度已在“{course}”享受过补贴（每年一次）")
NOT_COMPLETED = _("按期补贴须结业后发放")
KIND_LABELS = {"out_of_poverty": _("脱贫户"), "monitored": _("监测户")}


@dataclass
class Due:
    """What an enrolment is owed and has been paid."""

    enrolment_id: int
    rule: Rule | None
    days: int = 0
    hours: Decimal = ZERO
    share: float = 0.0  # of the scheduled days (offline) or class hours (online)
    attendance_amount: Decimal = ZERO
    certificate_award: Decimal = ZERO
    paid: Decimal = ZERO
    notes: list[str] = field(default_factory=list)  # why something is not owed
    error: str = ""  # no rule for the course's area

    @property
    def total(self) -> Decimal:
        return self.attendance_amount + self.certificate_award

    @property
    def outstanding(self) -> Decimal:
        return max(self.total - self.paid, ZERO)

    @property
    def params(self) -> TrainingAllowance | None:
        return self.rule.params if self.rule else None


def attendance_share(course: Course, days: int, hours: Decimal) -> float:
    if course.mode == Mode.ONLINE:
        return float(hours) / course.hours if course.hours else 0.0
    return days / course.scheduled_days


def _rules(courses: Iterable[Course]) -> dict[int, Rule | str]:
    out: dict[int, Rule | str] = {}
    cache: dict[tuple[int, dt.date], Rule | str] = {}
    for course in courses:
        key = (course.area_id, course.start)
        if key not in cache:
            try:
                cache[key] = allowance_rule(course.area_id, course.start)
            except DomainError as e:
                cache[key] = str(e.message)
        out[course.pk] = cache[key]
    return out


def households_on(person_days: dict[int, dt.date]) -> dict[int, int]:
    """The household each person belonged to on their day (else their latest): one query."""
    from lnob.registry.models import Membership

    on_day: dict[int, int] = {}
    latest: dict[int, int] = {}
    rows = Membership.objects.filter(person_id__in=list(person_days)).order_by("person_id", "joined", "pk")
    for person, household, joined, left in rows.values_list("person_id", "household_id", "joined", "left"):
        day = person_days[person]
        if joined <= day and (left is None or left > day):
            on_day[person] = household
        latest[person] = household  # ordered by joining: the last one wins
    return {p: on_day.get(p, h) for p, h in latest.items()}


def dues(enrolment_ids: list[int]) -> dict[int, Due]:
    """The allowance owed to each enrolment, in bulk."""
    enrolments = list(Enrolment.objects.filter(pk__in=enrolment_ids).select_related("course").order_by("pk"))
    if not enrolments:
        return {}
    courses = {e.course_id: e.course for e in enrolments}
    rules = _rules(courses.values())
    counts = {
        row["enrolment_id"]: (row["n"], row["h"] or ZERO)
        for row in Attendance.objects.filter(enrolment_id__in=enrolment_ids)
        .values("enrolment_id")
        .annotate(n=Count("pk"), h=Sum("hours"))
    }
    paid = dict(
        AllowancePayment.objects.filter(enrolment_id__in=enrolment_ids)
        .values("enrolment_id")
        .annotate(s=Sum("amount"))
        .values_list("enrolment_id", "s")
    )
    starts = {e.person_id: e.course.start for e in enrolments}
    homes = households_on(starts)
    kinds = eligible_households({homes[p]: day for p, day in starts.items() if p in homes})
    firsts = _first_completed_each_year(enrolments)
    out: dict[int, Due] = {}
    for e in enrolments:
        course = courses[e.course_id]
        days, hours = counts.get(e.pk, (0, ZERO))
        due = Due(
            e.pk,
            None,
            days,
            hours,
            attendance_share(course, days, hours),
            paid=Decimal(paid.get(e.pk) or ZERO).quantize(CENT),
        )
        rule = rules[course.pk]
        if isinstance(rule, str):
            due.error = rule
        else:
            due.rule = rule
            _amounts(due, e, course, rule.params, kinds.get(homes.get(e.person_id, 0), set()), firsts)
        out[e.pk] = due
    return out


def _amounts(
    due: Due,
    e: Enrolment,
    course: Course,
    params: TrainingAllowance,
    kinds: set[str],
    firsts: dict[tuple[int, int], Enrolment],
) -> None:
    if not kinds & set(params.households):
        names = "、".join(str(KIND_LABELS[k]) for k in params.households)
        due.notes.append(str(NOT_ELIGIBLE).format(kinds=names))
        return
    if params.per_course is not None:
        if e.completed_on is None:
            due.notes.append(str(NOT_COMPLETED))
        elif (
            params.once_a_year
            and (first := firsts.get((e.person_id, e.completed_on.year)))
            and first.pk != e.pk
        ):
            due.notes.append(str(ONCE_A_YEAR).format(course=first.course.title))
        else:
            due.attendance_amount = params.per_course
    elif course.mode == Mode.ONLINE:
        due.attendance_amount = (due.hours * params.per_hour_online).quantize(Decimal("0.01"))
    else:
        due.attendance_amount = (due.days * params.per_day_offline).quantize(Decimal("0.01"))
    if e.certificate_number and params.certificate_award:
        due.certificate_award = params.certificate_award


def _first_completed_each_year(enrolments: list[Enrolment]) -> dict[tuple[int, int], Enrolment]:
    """Each person's first completed course of each calendar year (by completion day)."""
    persons = {e.person_id for e in enrolments}
    rows = (
        Enrolment.objects.filter(person_id__in=persons, completed_on__isnull=False)
        .select_related("course")
        .order_by("completed_on", "pk")
    )
    firsts: dict[tuple[int, int], Enrolment] = {}
    for e in rows:
        assert e.completed_on is not None
        firsts.setdefault((e.person_id, e.completed_on.year), e)
    return firsts


def due_for(enrolment: Enrolment) -> Due:
    return dues([enrolment.pk])[enrolment.pk]
