"""What the training registers share: the course and trainee keys, the checks in bulk, payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.context import set_actor
from django.utils.translation import gettext as _

from lnob.core.errors import Msg
from lnob.employment.registers import Context
from lnob.exchange.schema import Column, Kind

from ..messages import TMsg
from ..models import (
    AllowancePayment,
    Enrolment,
    RainDewPayment,
)
from ..selectors import courses_visible


def codes(choices: Any) -> Any:
    return lambda: [(str(v), str(label)) for v, label in choices.choices]


def refuse(
    ctx: Context, rows: pl.DataFrame, mask: pl.Expr, column: str, message: Any, value: str = ""
) -> None:
    bad = rows.filter(mask)
    ctx.refuse(bad.select("_row", pl.col(value or column).alias("value")), column, str(message))


def good(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows no problem was found in yet: the later checks look at those, so one file gets
    every problem reported (and nothing applied)."""
    bad = sorted({p.row for p in ctx.problems if p.row is not None})
    return rows.filter(~pl.col("_row").is_in(bad))


def defaults(
    rows: pl.DataFrame, defaults: dict[str, Any], dtypes: dict[str, Any] | None = None
) -> pl.DataFrame:
    for column, default in defaults.items():
        dtype = (dtypes or {}).get(column)
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(default, dtype=dtype).alias(column))
        elif default is not None:
            rows = rows.with_columns(pl.col(column).fill_null(default))
    return rows


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


COURSE_KEY = (
    Column("course_area", "举办地区代码", Kind.AREA_CODE, True, "530627102000", "县或乡镇的 12 位区划代码"),
    Column("course_title", "培训班名称", Kind.TEXT, True, "中式烹调师培训班", max_length=100),
    Column("course_start", "开班日期", Kind.DATE, True, "2026-03-02"),
)


# -- the course key, the trainee key ------------------------------------------------------------


def with_course(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with the course each names (`course_id`, its area, dates, mode); rows naming no
    course the actor may act on are refused and dropped."""
    courses = courses_visible(ctx.actor).filter(
        area_id__in=rows["course_area"].unique().to_list(), title__in=rows["course_title"].unique().to_list()
    )
    found = pl.DataFrame(
        list(courses.values_list("area_id", "title", "start", "pk", "end", "mode", "status", "places")),
        schema={
            "course_area": pl.Int64, "course_title": pl.String, "course_start": pl.Date,
            "course_id": pl.Int64, "course_end": pl.Date, "course_mode": pl.String,
            "course_status": pl.String, "course_places": pl.Int64,
        },
        orient="row",
    )  # fmt: skip
    joined = rows.join(found, on=["course_area", "course_title", "course_start"], how="left")
    mine = [c for c in joined["course_area"].unique().to_list() if ctx.may(c)]
    unknown = pl.col("course_id").is_null() | ~pl.col("course_area").is_in(mine)
    refuse(ctx, joined, unknown, "course_title", _("没有这个培训班，或不在您的管辖范围内"))
    return joined.filter(~unknown)


def with_enrolment(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` with their course, person and enrolment (`enrolment_id`); rows naming no such
    trainee are refused and dropped."""
    rows = with_course(ctx, rows)
    rows = ctx.persons(rows)
    enrolments = Enrolment.objects.filter(course_id__in=rows["course_id"].unique().to_list())
    found = pl.DataFrame(
        list(enrolments.values_list("course_id", "person_id", "pk", "completed_on")),
        schema={
            "course_id": pl.Int64,
            "person_id": pl.Int64,
            "enrolment_id": pl.Int64,
            "completed_on": pl.Date,
        },
        orient="row",
    )
    joined = rows.join(found, on=["course_id", "person_id"], how="left")
    refuse(ctx, joined, pl.col("enrolment_id").is_null(), "id_number", _("此人不是该培训班的学员"))
    return joined.filter(pl.col("enrolment_id").is_not_null())


def check_name(ctx: Context, rows: pl.DataFrame) -> None:
    """A name given beside a resident ID must be the registered one (a typo in the ID shows)."""
    if "name" not in rows.columns:
        return
    from lnob.registry.models import Person

    names = dict(Person.objects.filter(pk__in=rows["person_id"].to_list()).values_list("pk", "name"))
    frame = rows.with_columns(
        pl.col("person_id").replace_strict(names, default=None, return_dtype=pl.String).alias("_n")
    )
    refuse(
        ctx,
        frame,
        pl.col("name").is_not_null() & (pl.col("name") != pl.col("_n")),
        "name",
        _("姓名与身份证号登记的不符"),
    )


# -- enrolments -------------------------------------------------------------------------------------

ID = Column("id_number", "身份证号", Kind.ID_NUMBER, True, "53062719900101001X", "18 位")
NAME = Column("name", "姓名", Kind.TEXT, False, "张三", "填写时须与登记一致", max_length=50)


# -- payments (allowance and 雨露计划 alike) ----------------------------------------------------------

PAYMENT_COLUMNS = (
    Column("paid_on", "发放日期", Kind.DATE, True, "2026-04-01"),
    Column("amount", "金额", Kind.DECIMAL, True, "375.00", "元，大于 0，累计不超过应发金额"),
    Column("reference", "凭证号", Kind.TEXT, True, "PZ2026-0001", "同一人不重复", max_length=50),
)


def apply_payments(
    ctx: Context,
    rows: pl.DataFrame,
    *,
    owner: str,
    model: type[AllowancePayment] | type[RainDewPayment],
    limits: dict[int, Decimal],
) -> None:
    """Payments keyed on (owner, reference): a known one must match; new ones may not take the
    total paid above the owner's limit (what the rule says is owed)."""
    rows = rows.filter(pl.col("amount").is_not_null())
    refuse(ctx, rows, pl.col("amount") <= 0, "amount", TMsg.AMOUNT_POSITIVE)
    refuse(ctx, rows, pl.col("paid_on") > ctx.today, "paid_on", Msg.IN_FUTURE)
    rows = good(ctx, rows)
    ids = rows[owner].unique().to_list()
    existing = {
        (getattr(p, f"{owner}"), p.reference): p for p in model.objects.filter(**{f"{owner}__in": ids})
    }
    paid: dict[int, Decimal] = {}
    for (who, _ref), p in existing.items():
        paid[who] = paid.get(who, Decimal("0")) + p.amount
    new: list[Any] = []
    for r in rows.iter_rows(named=True):
        amount = money(r["amount"])
        found = existing.get((r[owner], r["reference"]))
        if found is not None:
            if (found.paid_on, found.amount) != (r["paid_on"], amount):
                ctx.refuse_row(
                    r["_row"],
                    "reference",
                    r["reference"],
                    _("该凭证号已登记为另一笔发放（{day}，{amount} 元）").format(
                        day=found.paid_on, amount=found.amount
                    ),
                )
            continue
        paid[r[owner]] = paid.get(r[owner], Decimal("0")) + amount
        left = limits.get(r[owner], Decimal("0")) - (paid[r[owner]] - amount)
        if amount > left:
            ctx.refuse_row(
                r["_row"], "amount", amount, str(TMsg.ABOVE_DUE).format(left=max(left, Decimal("0")))
            )
            continue
        new.append(
            model(
                **{owner: r[owner]},
                paid_on=r["paid_on"],
                amount=amount,
                reference=r["reference"],
                created_by=ctx.actor,
            )
        )
    if ctx.problems:
        return
    with set_actor(ctx.actor):
        model.objects.bulk_create(new)
    ctx.created = len(new)


def label(text: Any) -> str:
    """A lazy translation where the register wants a str: shown in the user's language."""
    return text
