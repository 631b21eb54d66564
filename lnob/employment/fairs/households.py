"""Whether a person's household was out of poverty (脱贫户) or monitored (监测对象) on a day: the
"poor" in the figures of hires, in three queries for any number of people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
from django.utils import timezone

from lnob.registry.models import HouseholdVersion, Membership

OUT_OF_POVERTY = "out_of_poverty"


def poor_on(events: Iterable[tuple[int, dt.date]]) -> set[tuple[int, dt.date]]:
    """The (person, day) pairs whose household on that day was out of poverty, or monitored (its
    latest decision by then an approved identification, or an elimination rolled back: the same
    reading as the monitoring dashboard)."""
    from lnob.monitoring.models import Case, CaseState

    frame = pl.DataFrame(list(events), schema={"person_id": pl.Int64, "day": pl.Date}, orient="row").unique()
    if frame.is_empty():
        return set()
    people = frame["person_id"].unique().to_list()
    members = pl.DataFrame(
        list(
            Membership.objects.filter(person_id__in=people).values_list(
                "person_id", "household_id", "joined", "left"
            )
        ),
        schema={"person_id": pl.Int64, "household_id": pl.Int64, "joined": pl.Date, "left": pl.Date},
        orient="row",
    )
    homes = frame.join(members, on="person_id").filter(
        (pl.col("joined") <= pl.col("day")) & (pl.col("left").is_null() | (pl.col("left") > pl.col("day")))
    )
    households = homes["household_id"].unique().to_list()
    versions = pl.DataFrame(
        list(
            HouseholdVersion.objects.filter(household_id__in=households).values_list(
                "household_id", "valid_from", "valid_to", "status"
            )
        ),
        schema={"household_id": pl.Int64, "valid_from": pl.Date, "valid_to": pl.Date, "status": pl.String},
        orient="row",
    )
    out = (
        homes.join(versions, on="household_id")
        .filter(
            (pl.col("valid_from") <= pl.col("day"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") > pl.col("day")))
            & (pl.col("status") == OUT_OF_POVERTY)
        )
        .select("person_id", "day")
    )
    decisions = [
        (household, kind, state, timezone.localtime(closed).date(), closed)
        for household, kind, state, closed in Case.objects.filter(
            household_id__in=households,
            state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED],
            closed_at__isnull=False,
        ).values_list("household_id", "kind", "state", "closed_at")
    ]
    cases = pl.DataFrame(
        decisions,
        schema={
            "household_id": pl.Int64,
            "kind": pl.String,
            "state": pl.String,
            "closed": pl.Date,
            "at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    monitored = (
        homes.join(cases, on="household_id")
        .filter(pl.col("closed") <= pl.col("day"))
        .sort("at")
        .group_by("person_id", "day")
        .agg(pl.col("kind").last(), pl.col("state").last())
        .filter((pl.col("kind") == "identification") | (pl.col("state") == CaseState.ROLLED_BACK))
        .select("person_id", "day")
    )
    return {(p, d) for p, d in pl.concat([out, monitored]).unique().iter_rows()}
