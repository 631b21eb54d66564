"""The fairs' figures for the employment dashboards (lnob.measures.providers), per village and
month, in eight queries for a whole county:

    fairs.count        fairs held (begun) in the month, at the village of their venue
    fairs.recruiters   their recruiters                  (venue village)
    fairs.vacancies    their vacancies                   (venue village)
    fairs.places       the places those vacancies offer  (venue village)
    fairs.attendees    people registered for them        (the person's village)
    fairs.interviews   interviews held in the month      (the person's village)
    fairs.offers       offers made in the month          (the person's village)
    fairs.hires        people who started work in the month through a fair (the person's village)
    fairs.poor_hires   of whom from out-of-poverty or monitored households on that day

A fair counts in the month it began; an event (interview, offer, hire) in the month of its date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import Count, Q, Sum

from lnob.areas.codes import Level, subtree_range
from lnob.employment.selectors import poor_on
from lnob.measures.providers import SCHEMA, empty

from .models import Application, Attendee, FairStatus, FairVacancy, JobFair, Recruiter, Source, State


def village_figures(county_code: int, month_end: dt.date) -> pl.DataFrame:
    first = month_end.replace(day=1)
    rows: list[tuple[int, str, float]] = []
    held = JobFair.objects.filter(
        county_id=county_code,
        status__in=[FairStatus.HELD, FairStatus.CLOSED],
        start__gte=first,
        start__lte=month_end,
    )
    rows += _grouped(held.values("village_id"), "village_id", {"fairs.count": Count("pk")})
    rows += _grouped(
        Recruiter.objects.filter(fair__in=held).values("fair__village_id"),
        "fair__village_id",
        {"fairs.recruiters": Count("pk")},
    )
    rows += _grouped(
        FairVacancy.objects.filter(recruiter__fair__in=held).values("recruiter__fair__village_id"),
        "recruiter__fair__village_id",
        {"fairs.vacancies": Count("pk"), "fairs.places": Sum("vacancy__headcount")},
    )
    rows += _grouped(
        Attendee.objects.filter(fair__in=held).values("village_id"),
        "village_id",
        {"fairs.attendees": Count("pk")},
    )
    rows += _events(county_code, first, month_end)
    if not rows:
        return empty()
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _grouped(values: Any, key: str, metrics: dict[str, Any]) -> list[tuple[int, str, float]]:
    aliases = {f"m{i}": agg for i, agg in enumerate(metrics.values())}
    names = dict(zip(aliases, metrics, strict=True))
    out = []
    for row in values.annotate(**aliases).order_by(key):
        out += [(row[key], names[a], float(row[a] or 0)) for a in aliases]
    return out


def _events(county_code: int, first: dt.date, last: dt.date) -> list[tuple[int, str, float]]:
    lo, hi = subtree_range(county_code, Level.COUNTY)
    month = {"gte": first, "lte": last}
    apps = Application.objects.filter(source=Source.JOB_FAIR, village_id__gte=lo, village_id__lt=hi).filter(
        Q(**{f"interviewed_on__{k}": v for k, v in month.items()})
        | Q(**{f"offered_on__{k}": v for k, v in month.items()})
        | Q(state=State.HIRED, **{f"decided_on__{k}": v for k, v in month.items()})
    )
    frame = pl.DataFrame(
        list(
            apps.values_list("village_id", "person_id", "interviewed_on", "offered_on", "state", "decided_on")
        ),
        schema={
            "village": pl.Int64,
            "person_id": pl.Int64,
            "interviewed_on": pl.Date,
            "offered_on": pl.Date,
            "state": pl.String,
            "decided_on": pl.Date,
        },
        orient="row",
    )
    if frame.is_empty():
        return []

    def within(column: str) -> pl.Expr:
        return pl.col(column).is_between(first, last).fill_null(False)

    hired = within("decided_on") & (pl.col("state") == State.HIRED)
    poor = pl.DataFrame(
        list(poor_on(frame.filter(hired).select("person_id", "decided_on").iter_rows())),
        schema={"person_id": pl.Int64, "decided_on": pl.Date},
        orient="row",
    ).with_columns(pl.lit(True).alias("poor"))
    frame = frame.join(poor, on=["person_id", "decided_on"], how="left").with_columns(
        within("interviewed_on").alias("fairs.interviews"),
        within("offered_on").alias("fairs.offers"),
        hired.alias("fairs.hires"),
        (hired & pl.col("poor").fill_null(False)).alias("fairs.poor_hires"),
    )
    metrics = ["fairs.interviews", "fairs.offers", "fairs.hires", "fairs.poor_hires"]
    long = (
        frame.group_by("village")
        .agg(pl.col(m).sum() for m in metrics)
        .unpivot(index="village", on=metrics, variable_name="metric", value_name="value")
        .filter(pl.col("value") > 0)
    )
    return [(v, m, float(x)) for v, m, x in long.iter_rows()]
