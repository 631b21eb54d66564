"""Bulk reads for the transport-subsidy computation: an area's people on a day (with their
household's group), their spells in work in a year, and their household's income. A few queries
whatever the area's size; the rows go into polars frames (lnob.employment.subsidies.engine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
from django.db.models import Q

from lnob.registry.models import HouseholdVersion, IncomeRecord, Membership
from lnob.registry.selectors import member_on, valid_on

from .engine import PEOPLE, SPELLS


def _in(field: str, lo: int, hi: int) -> Q:
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def _members(lo: int, hi: int, day: dt.date, persons: Iterable[int] | None) -> Q:
    q = member_on(day) & _in("household__village_id", lo, hi)
    return q if persons is None else q & Q(person_id__in=list(persons))


def people(lo: int, hi: int, day: dt.date, persons: Iterable[int] | None = None) -> pl.DataFrame:
    """The members of the villages in [lo, hi) on `day`: person, household, village, the
    household's status then and whether it was monitored (监测对象) then."""
    rows = Membership.objects.filter(_members(lo, hi, day, persons)).values_list(
        "person_id", "household_id", "household__village_id"
    )
    frame = pl.DataFrame(
        list(rows),
        schema={"person_id": pl.Int64, "household_id": pl.Int64, "village": pl.Int64},
        orient="row",
    )
    statuses = HouseholdVersion.objects.filter(
        valid_on(day), _in("household__village_id", lo, hi)
    ).values_list("household_id", "status")
    status = pl.DataFrame(
        list(statuses), schema={"household_id": pl.Int64, "status": pl.String}, orient="row"
    )
    watched = sorted(monitored_households(_in("household__village_id", lo, hi), day))
    return frame.join(status, on="household_id", how="left").with_columns(
        pl.col("household_id").is_in(watched).alias("monitored")
    )


def eligible(frame: pl.DataFrame, groups: list[str]) -> pl.Expr:
    """The people whose household is in one of the rule's groups."""
    expr = pl.col("status").is_in([g for g in groups if g != "monitored"]).fill_null(False)
    return expr | pl.col("monitored") if "monitored" in groups else expr


def monitored_households(where: Q, day: dt.date) -> set[int]:
    """The households (of those `where` selects) whose latest decision by `day` kept them
    monitored: an approved identification, or an elimination rolled back (docs/monitoring.md)."""
    from lnob.monitoring.models import Case, CaseState

    rows = (
        Case.objects.filter(where, closed_at__date__lte=day)
        .filter(state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED])
        .order_by("closed_at", "pk")
        .values_list("household_id", "kind", "state")
    )
    latest: dict[int, tuple[str, str]] = {}
    for household, kind, state in rows:
        latest[household] = (kind, state)
    return {
        h
        for h, (kind, state) in latest.items()
        if (kind == "identification" and state == CaseState.APPROVED) or state == CaseState.ROLLED_BACK
    }


def spells(
    lo: int,
    hi: int,
    day: dt.date,
    first: dt.date,
    last: dt.date,
    statuses: list[str],
    persons: Iterable[int] | None = None,
) -> pl.DataFrame:
    """The spells of the given statuses reaching into [first, last] of the people who were
    members of the area's villages on `day`."""
    from lnob.employment.models import Spell

    members = Membership.objects.filter(_members(lo, hi, day, persons)).values("person_id")
    rows = (
        Spell.objects.filter(person_id__in=members, status__in=statuses, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .values_list("person_id", "start", "end", "location", "destination")
    )
    return pl.DataFrame(list(rows), schema=SPELLS, orient="row")


def income_per_capita(
    frame: pl.DataFrame, lo: int, hi: int, day: dt.date, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """`frame` (people of the villages in [lo, hi)) with `income_per_capita`: the household's net
    income over [first, last], each record counted for the share of its period inside, divided by
    the household's members on `day`; null when the household recorded no income then."""
    from django.db.models import Count

    rows = (
        IncomeRecord.objects.filter(
            _in("household__village_id", lo, hi), period_start__lte=last, period_end__gte=first
        )
        .values_list("household_id", "period_start", "period_end", "source", "amount")
        .iterator(chunk_size=5000)
    )
    records = pl.DataFrame(
        [(h, s, e, src, float(a)) for h, s, e, src, a in rows],
        schema={
            "household_id": pl.Int64,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "source": pl.String,
            "amount": pl.Float64,
        },
        orient="row",
    )
    inside = (
        pl.min_horizontal(pl.col("period_end"), pl.lit(last))
        - pl.max_horizontal(pl.col("period_start"), pl.lit(first))
    ).dt.total_days() + 1
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    sign = pl.when(pl.col("source") == "production_cost").then(-1.0).otherwise(1.0)
    net = records.group_by("household_id").agg((pl.col("amount") * inside / length * sign).sum().alias("net"))
    sizes = (
        Membership.objects.filter(_members(lo, hi, day, None))
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    size = pl.DataFrame(list(sizes), schema={"household_id": pl.Int64, "size": pl.Int64}, orient="row")
    per_capita = net.join(size, on="household_id").select(
        "household_id", (pl.col("net") / pl.col("size")).alias("income_per_capita")
    )
    return frame.join(per_capita, on="household_id", how="left")


def as_people(frame: pl.DataFrame) -> pl.DataFrame:
    """The engine's PEOPLE columns of a people frame (income null where not read)."""
    if "income_per_capita" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("income_per_capita"))
    return frame.select(list(PEOPLE)).cast(PEOPLE)  # type: ignore[arg-type]
