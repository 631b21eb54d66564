"""The training channel's figures for the dashboards (lnob.measures.providers), per village of
residence of the trainee or student, for one county and one month:

    training.trainees_month        trainees who completed a course in the month
    training.certified_month       trainees whose certificate is dated in the month
    training.placed_month          trainees who completed a course in the 6 months before and whose
                                   spell in work (ledger) began in the month
    training.enrolled              trainees on courses running at month end
    training.allowance_paid_month  living allowance paid in the month, yuan
    training.rain_dew_students     雨露计划 students of the school year running at month end
    training.rain_dew_paid_month   雨露计划 grants paid in the month, yuan

All additive; a handful of queries for the whole county, read as of the month's end.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Q

from lnob.areas.codes import Level, subtree_range
from lnob.employment.models import IN_WORK, Spell
from lnob.measures.providers import SCHEMA, empty
from lnob.registry.models import Membership

from .models import AllowancePayment, Enrolment, RainDewPayment, RainDewStudent

PLACED_WITHIN = "6mo"
ENROLMENT_FIELDS = (
    "pk", "person_id", "completed_on", "certificate_date", "course__start", "course__end", "course__status"
)  # fmt: skip


def _villages(person_ids: list[int], day: dt.date) -> pl.DataFrame:
    """Each person's village on `day`: one query."""
    rows = (
        Membership.objects.filter(person_id__in=person_ids, joined__lte=day)
        .filter(Q(left__isnull=True) | Q(left__gt=day))
        .values_list("person_id", "household__village_id")
    )
    return pl.DataFrame(list(rows), schema={"person": pl.Int64, "village": pl.Int64}, orient="row").unique(
        "person"
    )


def _count(frame: pl.DataFrame, metric: str, value: str | None = None) -> pl.DataFrame:
    if frame.is_empty():
        return empty()
    agg = pl.col(value).sum() if value else pl.len()
    return (
        frame.group_by("village")
        .agg(agg.cast(pl.Float64).alias("value"))
        .with_columns(pl.lit(f"training.{metric}").alias("metric"))
        .select(list(SCHEMA))
    )


def training_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    lo, hi = subtree_range(county_code, Level.COUNTY)
    first = month_end.replace(day=1)
    enrolments = Enrolment.objects.filter(course__area_id__gte=lo, course__area_id__lt=hi)
    rows = pl.DataFrame(
        list(
            enrolments.filter(enrolled_on__lte=month_end).values_list(*ENROLMENT_FIELDS)
        ),
        schema={
            "id": pl.Int64, "person": pl.Int64, "completed_on": pl.Date, "certificate_date": pl.Date,
            "start": pl.Date, "end": pl.Date, "status": pl.String,
        },
        orient="row",
    )  # fmt: skip
    persons = rows["person"].unique().to_list()
    rows = rows.join(_villages(persons, month_end), on="person", how="inner")
    in_month = lambda c: pl.col(c).is_between(first, month_end)  # noqa: E731
    spells = pl.DataFrame(
        list(
            Spell.objects.filter(
                person_id__in=persons, status__in=sorted(IN_WORK), start__gte=first, start__lte=month_end
            ).values_list("person_id", "start")
        ),
        schema={"person": pl.Int64, "spell_start": pl.Date},
        orient="row",
    )
    completed = rows.filter(pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= month_end))
    placed = (
        completed.join(spells, on="person", how="inner")
        .filter(
            (pl.col("spell_start") >= pl.col("start"))
            & (pl.col("spell_start") <= pl.col("completed_on").dt.offset_by(PLACED_WITHIN))
        )
        .unique("person")
    )
    running = rows.filter(
        (pl.col("start") <= month_end) & (pl.col("end") >= month_end) & (pl.col("status") != "cancelled")
    )
    payments = _paid(
        AllowancePayment.objects.filter(
            enrolment__in=enrolments, paid_on__gte=first, paid_on__lte=month_end
        ).values_list("enrolment__person_id", "amount"),
        month_end,
    )
    frames = [
        _count(rows.filter(in_month("completed_on")), "trainees_month"),
        _count(rows.filter(in_month("certificate_date")), "certified_month"),
        _count(placed, "placed_month"),
        _count(running, "enrolled"),
        _count(payments, "allowance_paid_month", "amount"),
        *_rain_dew(lo, hi, first, month_end),
    ]
    return pl.concat([f for f in frames if f.height] or [empty()])


def _paid(rows: object, day: dt.date) -> pl.DataFrame:
    frame = pl.DataFrame(
        [(p, float(a)) for p, a in rows],  # type: ignore[attr-defined]
        schema={"person": pl.Int64, "amount": pl.Float64},
        orient="row",
    )
    return frame.join(_villages(frame["person"].unique().to_list(), day), on="person", how="inner")


def _rain_dew(lo: int, hi: int, first: dt.date, month_end: dt.date) -> list[pl.DataFrame]:
    year = month_end.year if month_end.month >= 9 else month_end.year - 1  # the school year running
    students = RainDewStudent.objects.filter(village_id__gte=lo, village_id__lt=hi)
    current = pl.DataFrame(
        {"village": list(students.filter(school_year=year).values_list("village_id", flat=True))},
        schema={"village": pl.Int64},
    )
    paid = pl.DataFrame(
        [
            (v, float(a))
            for v, a in RainDewPayment.objects.filter(
                student__in=students, paid_on__gte=first, paid_on__lte=month_end
            ).values_list("student__village_id", "amount")
        ],
        schema={"village": pl.Int64, "amount": pl.Float64},
        orient="row",
    )
    return [_count(current, "rain_dew_students"), _count(paid, "rain_dew_paid_month", "amount")]
