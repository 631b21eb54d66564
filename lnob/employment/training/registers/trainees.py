"""The trainees (training_enrolments) and attendance (training_attendance) registers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.db.models import Max
from django.utils.translation import gettext as _

from lnob.core.errors import Msg
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind, Table

from .. import allowance
from ..messages import TMsg
from ..models import (
    Attendance,
    CertificateKind,
    CourseStatus,
    Enrolment,
    Mode,
)
from ..selectors import enrolments_visible
from .common import (
    COURSE_KEY,
    ID,
    NAME,
    check_name,
    codes,
    defaults,
    good,
    refuse,
    with_course,
    with_enrolment,
)

ENROLMENTS = Table(
    name="training_enrolments",
    zh="培训学员",
    key=("course_area", "course_title", "course_start", "id_number"),
    description=(
        "Trainees of a course (培训学员), named by resident ID, with completion and certificate. A "
        "completion is accepted only with enough attendance on record (import the attendance first). "
        "Completion and certificate, once recorded, are not changed by a file."
    ),
    columns=(
        *COURSE_KEY,
        ID,
        NAME,
        Column("enrolled_on", "报名日期", Kind.DATE, False, "2026-02-20", "不填为今天（不晚于结业日期）"),
        Column("completed_on", "结业日期", Kind.DATE, False, "2026-03-16"),
        Column("certificate_kind", "证书类别", Kind.CODE, False, "skill_level", codes=codes(CertificateKind)),
        Column("certificate_number", "证书编号", Kind.TEXT, False, "S000053062700001", max_length=50),
        Column("certificate_date", "发证日期", Kind.DATE, False, "2026-04-10"),
    ),
)


OPTIONAL_ENROLMENT = (
    "enrolled_on",
    "completed_on",
    "certificate_kind",
    "certificate_number",
    "certificate_date",
)


def load_enrolments(ctx: Context, rows: pl.DataFrame) -> None:
    rows = defaults(
        rows,
        dict.fromkeys(OPTIONAL_ENROLMENT),
        {"enrolled_on": pl.Date, "completed_on": pl.Date, "certificate_date": pl.Date,
         "certificate_kind": pl.String, "certificate_number": pl.String},
    )  # fmt: skip
    rows = ctx.persons(with_course(ctx, rows))
    check_name(ctx, rows)
    county = (pl.col("village") // 1_000_000) * 1_000_000
    refuse(
        ctx, rows, county != (pl.col("course_area") // 1_000_000) * 1_000_000, "id_number", TMsg.OTHER_COUNTY
    )
    refuse(ctx, rows, pl.col("course_status") == CourseStatus.CANCELLED, "course_title", TMsg.CANCELLED)
    today = ctx.today
    rows = rows.with_columns(
        pl.col("enrolled_on").fill_null(pl.min_horizontal(pl.lit(today), pl.col("course_end")))
    )
    refuse(ctx, rows, pl.col("enrolled_on") > today, "enrolled_on", Msg.IN_FUTURE)
    refuse(ctx, rows, pl.col("enrolled_on") > pl.col("course_end"), "enrolled_on", TMsg.ENROLLED_AFTER_END)
    done = pl.col("completed_on").is_not_null()
    refuse(ctx, rows, done & (pl.col("completed_on") > today), "completed_on", Msg.IN_FUTURE)
    refuse(
        ctx,
        rows,
        done & (pl.col("completed_on") < pl.col("course_start")),
        "completed_on",
        _("结业日期早于开班日期"),
    )
    parts = [pl.col(c).is_not_null() for c in ("certificate_kind", "certificate_number", "certificate_date")]
    some, every = pl.any_horizontal(parts), pl.all_horizontal(parts)
    refuse(
        ctx,
        rows,
        some & ~every,
        "certificate_number",
        _("证书类别、编号和发证日期须一并填写"),
        "certificate_kind",
    )
    refuse(ctx, rows, some & ~done, "certificate_number", TMsg.NOT_COMPLETED, "certificate_kind")
    refuse(ctx, rows, every & (pl.col("certificate_date") > today), "certificate_date", Msg.IN_FUTURE)
    _apply_enrolments(ctx, good(ctx, rows))


def _apply_enrolments(ctx: Context, rows: pl.DataFrame) -> None:
    existing = {
        (e.course_id, e.person_id): e
        for e in Enrolment.objects.filter(course_id__in=rows["course_id"].unique().to_list())
    }
    counts: dict[int, int] = {}
    for course_id, _person in existing:
        counts[course_id] = counts.get(course_id, 0) + 1
    new: list[Enrolment] = []
    completing: list[tuple[int, Enrolment, dt.date]] = []
    changed: dict[int, Enrolment] = {}
    for r in rows.iter_rows(named=True):
        found = existing.get((r["course_id"], r["person_id"]))
        if found is None:
            counts[r["course_id"]] = counts.get(r["course_id"], 0) + 1
            if counts[r["course_id"]] > r["course_places"]:
                ctx.refuse_row(
                    r["_row"],
                    "id_number",
                    r["id_number"],
                    str(TMsg.COURSE_FULL).format(places=r["course_places"]),
                )
                continue
            found = Enrolment(
                course_id=r["course_id"],
                person_id=r["person_id"],
                enrolled_on=r["enrolled_on"],
                created_by=ctx.actor,
            )
            new.append(found)
        if r["completed_on"] is not None:
            if found.completed_on is not None and found.completed_on != r["completed_on"]:
                ctx.refuse_row(r["_row"], "completed_on", r["completed_on"], str(TMsg.ALREADY_COMPLETED))
                continue
            if found.completed_on is None:
                completing.append((r["_row"], found, r["completed_on"]))
        if r["certificate_number"] is not None:
            cert = (r["certificate_kind"], r["certificate_number"], r["certificate_date"])
            have = (found.certificate_kind, found.certificate_number, found.certificate_date)
            if found.certificate_number and have != cert:
                ctx.refuse_row(
                    r["_row"], "certificate_number", r["certificate_number"], str(TMsg.CERTIFICATE_TAKEN)
                )
                continue
            if not found.certificate_number:
                found.certificate_kind, found.certificate_number, found.certificate_date = cert
                changed[id(found)] = found
    _check_completions(ctx, completing)
    if ctx.problems:
        return
    for _row, e, day in completing:
        e.completed_on = day
        changed[id(e)] = e
    kept = [e for e in changed.values() if e.pk is not None]
    with set_actor(ctx.actor):
        Enrolment.objects.bulk_create(new)
        Enrolment.objects.bulk_update(
            kept, ["completed_on", "certificate_kind", "certificate_number", "certificate_date"]
        )
    ctx.created, ctx.updated = len(new), len(kept)


def _check_completions(ctx: Context, completing: list[tuple[int, Enrolment, dt.date]]) -> None:
    """A completion needs the rule's share of attendance on record (never for a new trainee,
    who has none yet), and no attendance after it."""
    known = [e.pk for _row, e, _day in completing if e.pk is not None]
    dues = allowance.dues(known)
    lasts = dict(
        Attendance.objects.filter(enrolment_id__in=known)
        .values("enrolment_id")
        .annotate(last=Max("day"))
        .values_list("enrolment_id", "last")
    )
    for row, e, day in completing:
        due = dues.get(e.pk) if e.pk else None
        need = due.params.completion_share if due and due.params else 1.0
        share = due.share if due else 0.0
        if share + 1e-9 < need:
            name = due.rule.row.name if due and due.rule else ""
            message = str(TMsg.ATTENDANCE_TOO_LOW).format(share=share, need=need, rule=name)
            ctx.refuse_row(row, "completed_on", day, message)
        elif e.pk in lasts and lasts[e.pk] > day:
            ctx.refuse_row(
                row, "completed_on", day, str(TMsg.COMPLETED_BEFORE_ATTENDANCE).format(day=lasts[e.pk])
            )


def dump_enrolments(user: Any) -> Iterator[tuple[Any, ...]]:
    rows = enrolments_visible(user).order_by("course__area_id", "course__start", "course__title", "pk")
    for r in rows.values_list(
        "course__area_id", "course__title", "course__start", "person__id_number", "person__name",
        "enrolled_on", "completed_on", "certificate_kind", "certificate_number", "certificate_date",
    ):  # fmt: skip
        yield tuple(None if v == "" else v for v in r)


# -- attendance -------------------------------------------------------------------------------------

ATTENDANCE = Table(
    name="training_attendance",
    zh="培训考勤",
    key=("course_area", "course_title", "course_start", "id_number", "day"),
    description=(
        "One row per trainee and day present (培训考勤). Online courses give the class hours studied "
        "that day (0.5–24); offline the day counts and `hours` stays blank. A file adds days; it does "
        "not remove days absent from it."
    ),
    columns=(
        *COURSE_KEY,
        ID,
        NAME,
        Column("day", "日期", Kind.DATE, True, "2026-03-02", "在培训期内"),
        Column("hours", "学时", Kind.DECIMAL, False, "", "线上培训必填"),
    ),
)


def load_attendance(ctx: Context, rows: pl.DataFrame) -> None:
    rows = defaults(rows, {"hours": None}, {"hours": pl.Float64})
    rows = with_enrolment(ctx, rows)
    check_name(ctx, rows)
    outside = (pl.col("day") < pl.col("course_start")) | (pl.col("day") > pl.col("course_end"))
    refuse(ctx, rows, outside, "day", _("日期不在培训期内"))
    refuse(ctx, rows, pl.col("day") > ctx.today, "day", Msg.IN_FUTURE)
    after = pl.col("completed_on").is_not_null() & (pl.col("day") > pl.col("completed_on"))
    refuse(ctx, rows, after, "day", _("日期晚于此学员的结业日期"))
    online = pl.col("course_mode") == Mode.ONLINE
    bad_hours = online & (pl.col("hours").is_null() | (pl.col("hours") <= 0) | (pl.col("hours") > 24))
    refuse(ctx, rows, bad_hours, "hours", TMsg.ONLINE_NEEDS_HOURS, "hours")
    refuse(
        ctx, rows, ~online & pl.col("hours").is_not_null(), "hours", _("线下培训按天考勤，不填学时"), "hours"
    )
    if ctx.problems:
        return
    existing = {
        (a.enrolment_id, a.day): a
        for a in Attendance.objects.filter(enrolment_id__in=rows["enrolment_id"].unique().to_list())
    }
    new, changed = [], []
    for r in rows.iter_rows(named=True):
        hours = None if r["hours"] is None else Decimal(str(r["hours"])).quantize(Decimal("0.1"))
        found = existing.get((r["enrolment_id"], r["day"]))
        if found is None:
            new.append(Attendance(enrolment_id=r["enrolment_id"], day=r["day"], hours=hours))
        elif found.hours != hours:
            found.hours = hours
            changed.append(found)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["hours"])
    ctx.created, ctx.updated = len(new), len(changed)


def dump_attendance(user: Any) -> Iterator[tuple[Any, ...]]:
    rows = Attendance.objects.filter(enrolment__in=enrolments_visible(user)).order_by(
        "enrolment__course__area_id",
        "enrolment__course__start",
        "enrolment__course__title",
        "enrolment_id",
        "day",
    )
    yield from rows.values_list(
        "enrolment__course__area_id", "enrolment__course__title", "enrolment__course__start",
        "enrolment__person__id_number", "enrolment__person__name", "day", "hours",
    )  # fmt: skip
