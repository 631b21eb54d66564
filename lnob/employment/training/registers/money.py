"""The payment registers (training_allowance_payments, rain_dew_payments) and 雨露计划 students
(rain_dew_students)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.utils.translation import gettext as _

from lnob.areas.codes import level_of
from lnob.core.errors import Msg
from lnob.employment.models import EmploymentPolicy
from lnob.employment.policy import covers, parse_params
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind, Table

from .. import allowance
from ..messages import TMsg
from ..models import (
    AllowancePayment,
    Programme,
    RainDewPayment,
    RainDewStudent,
)
from ..rules import RAIN_DEW, eligible_households, school_year_start
from ..selectors import enrolments_visible, rain_dew_visible
from .common import (
    COURSE_KEY,
    ID,
    NAME,
    PAYMENT_COLUMNS,
    apply_payments,
    check_name,
    codes,
    defaults,
    good,
    money,
    refuse,
    with_enrolment,
)

ALLOWANCE_PAYMENTS = Table(
    name="training_allowance_payments",
    zh="培训生活费补贴发放",
    key=("course_area", "course_title", "course_start", "id_number", "reference"),
    description=(
        "Payments of trainees' living allowance (培训生活费补贴发放). The total paid to a trainee never "
        "exceeds what the rule in force computes from their attendance (and certificate); a recorded "
        "payment is not changed by a file."
    ),
    columns=(*COURSE_KEY, ID, NAME, *PAYMENT_COLUMNS),
)


def load_allowance_payments(ctx: Context, rows: pl.DataFrame) -> None:
    rows = with_enrolment(ctx, rows)
    check_name(ctx, rows)
    refuse(ctx, rows, pl.col("paid_on") < pl.col("course_start"), "paid_on", _("发放日期早于开班日期"))
    rows = good(ctx, rows)
    dues = allowance.dues(rows["enrolment_id"].unique().to_list())
    limits = {pk: d.total for pk, d in dues.items()}
    apply_payments(ctx, rows, owner="enrolment_id", model=AllowancePayment, limits=limits)


def dump_allowance_payments(user: Any) -> Iterator[tuple[Any, ...]]:
    rows = AllowancePayment.objects.filter(enrolment__in=enrolments_visible(user)).order_by(
        "enrolment__course__area_id", "enrolment__course__start", "enrolment__course__title", "enrolment_id",
        "paid_on", "pk",
    )  # fmt: skip
    yield from rows.values_list(
        "enrolment__course__area_id", "enrolment__course__title", "enrolment__course__start",
        "enrolment__person__id_number", "enrolment__person__name", "paid_on", "amount", "reference",
    )  # fmt: skip


# -- 雨露计划 ------------------------------------------------------------------------------------------

RAIN_DEW_STUDENTS = Table(
    name="rain_dew_students",
    zh="雨露计划学生",
    key=("id_number", "school_year"),
    description=(
        "雨露计划 students: children of out-of-poverty or monitored households in secondary or higher "
        "vocational education, one row per school year (2026 is the 2026–2027 year). The grant is the "
        "rule's; a `grant` column, when given, must equal it. Once a year per student."
    ),
    columns=(
        ID,
        NAME,
        Column("school_year", "学年", Kind.INT, True, "2026", "学年开始的年份"),
        Column("school", "就读学校", Kind.TEXT, True, "昭通市职业技术学院", max_length=100),
        Column("programme", "学历层次", Kind.CODE, True, "higher_vocational", codes=codes(Programme)),
        Column("grant", "补助标准", Kind.DECIMAL, False, "3000.00", "由规则确定；填写时须一致"),
    ),
)


def rules_by_village(kind: str, villages: list[int], day: dt.date) -> dict[int, EmploymentPolicy]:
    """The rule of `kind` in force for each village on `day`: the narrowest region's latest
    version (lnob.employment.policy.rule_for), for many villages from one query."""
    rows = list(EmploymentPolicy.objects.filter(kind=kind, active=True, effective_from__lte=day))
    out = {}
    for village in villages:
        covering = [r for r in rows if covers(r.area_code, village)]
        if covering:
            out[village] = max(
                covering,
                key=lambda r: (0 if r.area_code == 0 else int(level_of(r.area_code)), r.effective_from, r.pk),
            )
    return out


def load_rain_dew_students(ctx: Context, rows: pl.DataFrame) -> None:
    rows = defaults(rows, {"grant": None}, {"grant": pl.Float64})
    rows = ctx.persons(rows)
    check_name(ctx, rows)
    mine = [v for v in rows["village"].drop_nulls().unique().to_list() if ctx.may(v)]
    refuse(ctx, rows, pl.col("household_id").is_null(), "id_number", TMsg.NO_HOUSEHOLD)
    refuse(
        ctx,
        rows,
        pl.col("household_id").is_not_null() & ~pl.col("village").is_in(mine),
        "id_number",
        Msg.OUT_OF_SCOPE,
    )
    refuse(
        ctx,
        rows,
        (pl.col("school_year") < 2015) | (pl.col("school_year") > ctx.today.year + 1),
        "school_year",
        TMsg.SCHOOL_YEAR,
    )
    rows = good(ctx, rows)
    existing = {
        (s.person_id, s.school_year): s
        for s in RainDewStudent.objects.filter(person_id__in=rows["person_id"].unique().to_list())
    }
    rules: dict[int, dict[int, EmploymentPolicy]] = {}
    days: dict[int, dt.date] = {}
    for year in rows["school_year"].unique().to_list():
        rules[year] = rules_by_village(RAIN_DEW, rows["village"].unique().to_list(), school_year_start(year))
    for r in rows.iter_rows(named=True):
        days[r["household_id"]] = min(school_year_start(r["school_year"]), ctx.today)
    kinds = eligible_households(days)
    new, changed = [], []
    for r in rows.iter_rows(named=True):
        rule = rules[r["school_year"]].get(r["village"])
        if rule is None:
            ctx.refuse_row(
                r["_row"], "school_year", r["school_year"], _("没有适用于该地区的“雨露计划补助”规则")
            )
            continue
        params = parse_params(RAIN_DEW, rule.params)
        grant = money(getattr(params, r["programme"]))
        found = existing.get((r["person_id"], r["school_year"]))
        if found is not None:
            if found.programme != r["programme"]:
                ctx.refuse_row(
                    r["_row"],
                    "programme",
                    r["programme"],
                    str(TMsg.RAIN_DEW_TAKEN).format(year=r["school_year"], next=r["school_year"] + 1),
                )
            elif r["grant"] is not None and money(r["grant"]) != found.grant:
                ctx.refuse_row(
                    r["_row"],
                    "grant",
                    r["grant"],
                    _("补助标准由规则确定：{grant} 元").format(grant=found.grant),
                )
            elif found.school != r["school"]:
                found.school = r["school"]
                changed.append(found)
            continue
        if r["grant"] is not None and money(r["grant"]) != grant:
            ctx.refuse_row(
                r["_row"], "grant", r["grant"], _("补助标准由规则确定：{grant} 元").format(grant=grant)
            )
            continue
        if not kinds.get(r["household_id"], set()) & set(params.households):  # type: ignore[attr-defined]
            ctx.refuse_row(r["_row"], "id_number", r["id_number"], str(TMsg.NOT_ELIGIBLE_HOUSEHOLD))
            continue
        new.append(
            RainDewStudent(
                person_id=r["person_id"], household_id=r["household_id"], village_id=r["village"],
                school=r["school"], programme=r["programme"], school_year=r["school_year"], grant=grant,
                rule=rule, created_by=ctx.actor,
            )
        )  # fmt: skip
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        RainDewStudent.objects.bulk_create(new)
        RainDewStudent.objects.bulk_update(changed, ["school"])
    ctx.created, ctx.updated = len(new), len(changed)


def dump_rain_dew_students(user: Any) -> Iterator[tuple[Any, ...]]:
    yield from (
        rain_dew_visible(user)
        .order_by("village_id", "school_year", "pk")
        .values_list("person__id_number", "person__name", "school_year", "school", "programme", "grant")
    )


RAIN_DEW_PAYMENTS = Table(
    name="rain_dew_payments",
    zh="雨露计划补助发放",
    key=("id_number", "school_year", "reference"),
    description=(
        "Payments of 雨露计划 grants. The total paid for a student's school year never exceeds the "
        "year's grant; a recorded payment is not changed by a file."
    ),
    columns=(
        ID,
        NAME,
        Column("school_year", "学年", Kind.INT, True, "2026", "学年开始的年份"),
        *PAYMENT_COLUMNS,
    ),
)


def load_rain_dew_payments(ctx: Context, rows: pl.DataFrame) -> None:
    rows = ctx.persons(rows)
    check_name(ctx, rows)
    students = rain_dew_visible(ctx.actor).filter(person_id__in=rows["person_id"].unique().to_list())
    found = pl.DataFrame(
        list(students.values_list("person_id", "school_year", "pk", "village_id", "grant")),
        schema={
            "person_id": pl.Int64,
            "school_year": pl.Int64,
            "student_id": pl.Int64,
            "student_village": pl.Int64,
            "grant": pl.Float64,
        },
        orient="row",
    )
    rows = rows.join(found, on=["person_id", "school_year"], how="left")
    refuse(ctx, rows, pl.col("student_id").is_null(), "school_year", _("此人该学年未登记雨露计划"))
    rows = rows.filter(pl.col("student_id").is_not_null())
    mine = [v for v in rows["student_village"].unique().to_list() if ctx.may(v)]
    refuse(ctx, rows, ~pl.col("student_village").is_in(mine), "id_number", Msg.OUT_OF_SCOPE)
    rows = good(ctx, rows)
    grants = dict(
        RainDewStudent.objects.filter(pk__in=rows["student_id"].to_list()).values_list("pk", "grant")
    )
    apply_payments(ctx, rows, owner="student_id", model=RainDewPayment, limits=grants)


def dump_rain_dew_payments(user: Any) -> Iterator[tuple[Any, ...]]:
    rows = RainDewPayment.objects.filter(student__in=rain_dew_visible(user)).order_by(
        "student__village_id", "student__school_year", "student_id", "paid_on", "pk"
    )
    yield from rows.values_list(
        "student__person__id_number",
        "student__person__name",
        "student__school_year",
        "paid_on",
        "amount",
        "reference",
    )
