"""The courses register (training_courses)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.db.models import Count, Max, Min

from lnob.areas.models import Area
from lnob.core.errors import Msg
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind, Table

from ..messages import TMsg
from ..models import (
    Attendance,
    Course,
    CourseStatus,
    Mode,
)
from ..selectors import courses_visible
from ..services import COURSE_LEVELS
from .common import (
    codes,
    defaults,
    good,
    money,
    refuse,
)

# -- courses ----------------------------------------------------------------------------------------


COURSES = Table(
    name="training_courses",
    zh="培训班",
    key=("area", "title", "start"),
    description=(
        "Training courses (培训班) run by a county or township: skill, provider, dates, class hours, "
        "mode, cost per trainee, places and status. Key: area, title and first day."
    ),
    columns=(
        Column("area", "举办地区代码", Kind.AREA_CODE, True, "530627102000", "县或乡镇的 12 位区划代码"),
        Column("title", "培训班名称", Kind.TEXT, True, "中式烹调师培训班", max_length=100),
        Column("skill", "培训工种", Kind.TEXT, True, "中式烹调师", max_length=50),
        Column("provider", "培训机构", Kind.TEXT, True, "镇雄县职业技术学校", max_length=100),
        Column("start", "开班日期", Kind.DATE, True, "2026-03-02"),
        Column("end", "结业日期", Kind.DATE, True, "2026-03-16"),
        Column("hours", "课时", Kind.INT, True, "120", "大于 0"),
        Column("mode", "培训方式", Kind.CODE, False, "offline", "不填为线下", codes=codes(Mode)),
        Column("cost_per_trainee", "人均培训费", Kind.DECIMAL, True, "1800.00", "元"),
        Column("places", "招生人数", Kind.INT, True, "40", "大于 0"),
        Column("status", "状态", Kind.CODE, False, "planned", "不填为招生中", codes=codes(CourseStatus)),
    ),
)

_COURSE_FIELDS = ("skill", "provider", "end", "hours", "mode", "cost_per_trainee", "places", "status")


def load_courses(ctx: Context, rows: pl.DataFrame) -> None:
    rows = defaults(rows, {"mode": Mode.OFFLINE.value, "status": CourseStatus.PLANNED.value})
    codes = rows["area"].unique().to_list()
    levels = dict(Area.objects.filter(code__in=codes).values_list("code", "level"))
    good_level = pl.col("area").is_in([c for c, lv in levels.items() if lv in COURSE_LEVELS])
    refuse(ctx, rows, ~good_level, "area", TMsg.AREA_LEVEL)
    mine = [c for c in codes if ctx.may(c)]
    refuse(ctx, rows, good_level & ~pl.col("area").is_in(mine), "area", Msg.OUT_OF_SCOPE)
    refuse(ctx, rows, pl.col("end") < pl.col("start"), "end", TMsg.DATES)
    refuse(ctx, rows, pl.col("hours") <= 0, "hours", TMsg.HOURS)
    refuse(ctx, rows, pl.col("places") <= 0, "places", TMsg.PLACES)
    rows = good(ctx, rows)
    existing = {(c.area_id, c.title, c.start): c for c in Course.objects.filter(area_id__in=codes)}
    taken = _course_records([c.pk for c in existing.values()])
    new, changed = [], []
    for r in rows.iter_rows(named=True):
        values = {k: r[k] for k in _COURSE_FIELDS} | {"cost_per_trainee": money(r["cost_per_trainee"])}
        found = existing.get((r["area"], r["title"], r["start"]))
        if found is None:
            new.append(
                Course(area_id=r["area"], title=r["title"], start=r["start"], created_by=ctx.actor, **values)
            )
            continue
        if not any(getattr(found, k) != v for k, v in values.items()):
            continue
        problem = _course_change_problem(found, r, taken.get(found.pk))
        if problem:
            ctx.refuse_row(r["_row"], *problem)
            continue
        for k, v in values.items():
            setattr(found, k, v)
        changed.append(found)
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        Course.objects.bulk_create(new)
        Course.objects.bulk_update(changed, list(_COURSE_FIELDS))
    ctx.created, ctx.updated = len(new), len(changed)


def _course_records(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per course: trainees enrolled, and the first and last day of attendance taken."""
    out: dict[int, dict[str, Any]] = {
        row["pk"]: {"n": row["n"], "first": None, "last": None}
        for row in Course.objects.filter(pk__in=ids).values("pk").annotate(n=Count("enrolments"))
    }
    days = (
        Attendance.objects.filter(enrolment__course_id__in=ids)
        .values("enrolment__course_id")
        .annotate(first=Min("day"), last=Max("day"))
    )
    for row in days:
        out[row["enrolment__course_id"]].update(first=row["first"], last=row["last"])
    return out


def _course_change_problem(
    course: Course, r: dict[str, Any], taken: dict[str, Any] | None
) -> tuple[str, Any, str] | None:
    taken = taken or {"n": 0, "first": None, "last": None}
    if r["places"] < taken["n"]:
        return "places", r["places"], str(TMsg.PLACES_BELOW_ENROLLED).format(n=taken["n"])
    if taken["first"] is not None and r["mode"] != course.mode:
        return "mode", r["mode"], str(TMsg.HAS_RECORDS)
    if taken["last"] is not None and r["end"] < taken["last"]:
        return "end", r["end"], str(TMsg.DAY_OUTSIDE_COURSE).format(start=course.start, end=r["end"])
    return None


def dump_courses(user: Any) -> Iterator[tuple[Any, ...]]:
    yield from courses_visible(user).order_by("area_id", "start", "title").values_list(
        "area_id", "title", "skill", "provider", "start", "end", "hours", "mode", "cost_per_trainee",
        "places", "status",
    )  # fmt: skip
