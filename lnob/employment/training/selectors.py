"""Reads of the training channel, scoped by area like everything else.

A course is seen by whoever sees its area (a county's or township's officials) and by the
officials of the villages it is open to (a village cadre sees the courses of their township and
county). Trainees and 雨露计划 students are persons: a user sees those they may see in the
registry, and nothing of the others, not even on a course they see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lnob.areas.codes import level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import IN_WORK, Spell
from lnob.employment.policy import Rule
from lnob.registry.models import Membership, Person
from lnob.registry.selectors import person_area, today

from .models import OPEN_STATUSES, Course, Enrolment, RainDewStudent
from .rules import allowance_rule
from .services import COURSE_LEVELS, covers, may_enrol


def _ranges(user: Any) -> list[tuple[int, int]]:
    return scope_ranges(user, Capability.VIEW_REGISTRY) + scope_ranges(user, Capability.MANAGE_EMPLOYMENT)


def courses_visible(user: Any) -> QuerySet[Course]:
    """Courses in the user's areas, and those of the township and county above their villages."""
    ranges = _ranges(user)
    above: set[int] = set()
    for lo, _hi in ranges:
        level = level_of(lo)
        for parent in COURSE_LEVELS:
            if level > parent:
                above.add(subtree_range(lo, parent)[0])
    return Course.objects.filter(area_q("area_id", ranges) | Q(area_id__in=sorted(above)))


def course_areas(user: Any) -> list[Area]:
    """The counties and townships where the user may run courses."""
    return list(
        Area.objects.visible_to(user, Capability.MANAGE_EMPLOYMENT)
        .filter(level__in=[int(level) for level in COURSE_LEVELS])
        .order_by("code")
    )


def course_list(*, user: Any, status: str = "", area: int | None = None, q: str = "") -> QuerySet[Course]:
    """Courses the user sees, newest first, with their counts of trainees."""
    courses = courses_visible(user).select_related("area")
    if status:
        courses = courses.filter(status=status)
    if area:
        lo, hi = subtree_range(area, level_of(area))
        courses = courses.filter(area_id__gte=lo, area_id__lt=hi)
    if q := q.strip():
        courses = courses.filter(Q(title__icontains=q) | Q(skill__icontains=q) | Q(provider__icontains=q))
    return courses.annotate(
        enrolled=Count("enrolments"),
        completed=Count("enrolments", filter=Q(enrolments__completed_on__isnull=False)),
        certified=Count("enrolments", filter=~Q(enrolments__certificate_number="")),
    ).order_by("-start", "-pk")


def course_get(*, user: Any, pk: int) -> Course:
    course = courses_visible(user).select_related("area").filter(pk=pk).first()
    if course is None:
        raise NotFound(pk)
    return course


def _village_of(field: str = "person_id") -> Subquery:
    latest = Membership.objects.filter(person_id=OuterRef(field)).order_by("-joined", "-pk")
    return Subquery(latest.values("household__village_id")[:1])


def _village_name(field: str = "person_id") -> Subquery:
    latest = Membership.objects.filter(person_id=OuterRef(field)).order_by("-joined", "-pk")
    return Subquery(latest.values("household__village__name")[:1])


def enrolments_visible(user: Any) -> QuerySet[Enrolment]:
    """Enrolments of the persons the user sees, on courses the user sees."""
    return Enrolment.objects.filter(
        course__in=courses_visible(user), person__in=Person.objects.visible_to(user)
    )


def enrolments_of(*, user: Any, course: Course) -> QuerySet[Enrolment]:
    """The course's trainees the user may see, with their village, in order of enrolment."""
    return (
        enrolments_visible(user)
        .filter(course=course)
        .select_related("person")
        .annotate(village_id=_village_of(), village_name=_village_name())
        .order_by("pk")
    )


def enrolment_get(*, user: Any, pk: int) -> Enrolment:
    enrolment = enrolments_visible(user).select_related("course__area", "person").filter(pk=pk).first()
    if enrolment is None:
        raise NotFound(pk)
    return enrolment


def enrolments_of_person(*, user: Any, person_id: int) -> QuerySet[Enrolment]:
    if not Person.objects.visible_to(user).filter(pk=person_id).exists():
        raise NotFound(person_id)
    return enrolments_visible(user).filter(person_id=person_id).select_related("course").order_by("-pk")


def courses_open_to(*, user: Any, person: Person) -> list[Course]:
    """Courses taking trainees that the user may enrol this person on: those of the person's
    township or county, still open."""
    village = person_area(person.pk)
    if village is None:
        return []
    courses = (
        courses_visible(user).filter(status__in=OPEN_STATUSES).select_related("area").order_by("start", "pk")
    )
    return [c for c in courses if covers(c.area_id, village) and may_enrol(user, c, village)]


def rule_or_error(course: Course) -> tuple[Rule | None, str]:
    """The allowance rule in force for the course, or why there is none."""
    try:
        return allowance_rule(course.area_id, course.start), ""
    except DomainError as err:
        return None, str(err.message)


def may_manage(user: Any, course: Course) -> bool:
    return can(user, Capability.MANAGE_EMPLOYMENT, course.area_id)


def may_pay(user: Any, course: Course) -> bool:
    return can(user, Capability.APPROVE_PAYMENTS, course.area_id)


# -- 雨露计划 ------------------------------------------------------------------------------------


def rain_dew_visible(user: Any) -> QuerySet[RainDewStudent]:
    return RainDewStudent.objects.filter(area_q("village_id", _ranges(user)))


def rain_dew_list(*, user: Any, year: int | None = None, q: str = "") -> QuerySet[RainDewStudent]:
    students = rain_dew_visible(user).select_related("person", "village", "rule")
    if year:
        students = students.filter(school_year=year)
    if q := q.strip():
        students = students.filter(Q(person__name__startswith=q) | Q(school__icontains=q))
    zero = Value(0, output_field=DecimalField(max_digits=10, decimal_places=2))
    return students.annotate(paid=Coalesce(Sum("payments__amount"), zero)).order_by(
        "-school_year", "village_id", "pk"
    )


def rain_dew_get(*, user: Any, pk: int) -> RainDewStudent:
    student = (
        rain_dew_visible(user).select_related("person", "village", "rule", "household").filter(pk=pk).first()
    )
    if student is None:
        raise NotFound(pk)
    return student


# -- outcomes: in work 3 and 6 months after completing, read from the ledger ---------------------

OUTCOME_COLUMNS = ("trainees", "completed", "certified", "due_3", "in_work_3", "due_6", "in_work_6")


@dataclass
class OutcomeRow:
    key: int  # the course's id, or the area's code
    label: str
    area: str
    trainees: int
    completed: int
    certified: int
    due_3: int  # completed at least 3 months ago: whose outcome can be told
    in_work_3: int
    due_6: int
    in_work_6: int


def outcome_frame(enrolments: QuerySet[Enrolment], day: dt.date) -> pl.DataFrame:
    """One row per enrolment: completed, certified, and whether the trainee was in work (a spell
    in work, full- or part-time, running that day) 3 and 6 months after completing; null while
    that day is still to come. Two queries, whatever the number of trainees."""
    rows = list(enrolments.values_list("pk", "course_id", "person_id", "completed_on", "certificate_number"))
    frame = pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "course": pl.Int64,
            "person": pl.Int64,
            "completed_on": pl.Date,
            "cert": pl.String,
        },
        orient="row",
    )
    spells = pl.DataFrame(
        list(
            Spell.objects.filter(
                status__in=sorted(IN_WORK),
                person_id__in=enrolments.filter(completed_on__isnull=False).values("person_id"),
            ).values_list("person_id", "start", "end")
        ),
        schema={"person": pl.Int64, "start": pl.Date, "end": pl.Date},
        orient="row",
    )
    frame = frame.with_columns(
        pl.col("completed_on").dt.offset_by("3mo").alias("d3"),
        pl.col("completed_on").dt.offset_by("6mo").alias("d6"),
        (pl.col("cert") != "").alias("certified"),
    )
    joined = frame.join(spells, on="person", how="left")

    def running(on: str) -> pl.Expr:
        return (
            pl.col("start").is_not_null()
            & (pl.col("start") <= pl.col(on))
            & (pl.col("end").is_null() | (pl.col("end") >= pl.col(on)))
        )

    hits = joined.group_by("id").agg(running("d3").any().alias("w3"), running("d6").any().alias("w6"))
    return frame.join(hits, on="id", how="left").with_columns(
        pl.when(pl.col("d3") <= day).then(pl.col("w3")).alias("in_work_3"),
        pl.when(pl.col("d6") <= day).then(pl.col("w6")).alias("in_work_6"),
    )


def _summed(frame: pl.DataFrame, by: str) -> dict[int, dict[str, int]]:
    if frame.is_empty():
        return {}
    grouped = frame.group_by(by).agg(
        pl.len().alias("trainees"),
        pl.col("completed_on").is_not_null().sum().alias("completed"),
        pl.col("certified").sum().alias("certified"),
        pl.col("in_work_3").is_not_null().sum().alias("due_3"),
        pl.col("in_work_3").fill_null(False).sum().alias("in_work_3"),
        pl.col("in_work_6").is_not_null().sum().alias("due_6"),
        pl.col("in_work_6").fill_null(False).sum().alias("in_work_6"),
    )
    return {row[by]: {c: int(row[c]) for c in OUTCOME_COLUMNS} for row in grouped.iter_rows(named=True)}


def outcomes(
    *, user: Any, course: Course | None = None, area: int | None = None
) -> dict[str, list[OutcomeRow]]:
    """Trainees, completions, certificates and those in work 3 and 6 months after completing,
    per course and per area (the course's county or township), over the trainees the user sees."""
    courses = course_list(user=user, area=area)
    if course is not None:
        courses = courses.filter(pk=course.pk)
    course_rows = {c.pk: c for c in courses}
    enrolments = enrolments_visible(user).filter(course_id__in=list(course_rows))
    frame = outcome_frame(enrolments, today())
    areas = {c.pk: c.area_id for c in course_rows.values()}
    frame = frame.with_columns(pl.col("course").replace_strict(areas, return_dtype=pl.Int64).alias("area"))
    per_course = _summed(frame, "course")
    per_area = _summed(frame, "area")
    names = {c.area_id: c.area.name for c in course_rows.values()}
    return {
        "courses": [
            OutcomeRow(pk, str(c), c.area.name, **per_course[pk])
            for pk, c in course_rows.items()
            if pk in per_course
        ],
        "areas": [OutcomeRow(code, names[code], names[code], **per_area[code]) for code in sorted(per_area)],
    }
