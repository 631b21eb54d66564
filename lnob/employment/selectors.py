"""Reads of the employment ledger, scoped like the registry: a person's spells are visible to
whoever sees the person; an employer to the county that keeps it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet
from django.utils import timezone

from lnob.areas.codes import Level, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import NotFound
from lnob.registry.choices import HouseholdStatus
from lnob.registry.models import Person

from .models import Employer, RoundCheck, Spell, Vacancy


def spells_for(*, user: Any, person_id: int) -> QuerySet[Spell]:
    """The person's spells, newest first; NotFound outside the user's areas."""
    if not Person.objects.visible_to(user).filter(pk=person_id).exists():
        raise NotFound(person_id)
    return Spell.objects.filter(person_id=person_id).select_related("employer").order_by("-start", "-pk")


def employers_visible(user: Any) -> QuerySet[Employer]:
    """The employers of the counties the user works in (a village cadre uses the county's list)."""
    counties = {
        subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, Capability.VIEW_REGISTRY)
    }
    return Employer.objects.filter(county_id__in=sorted(counties)).order_by("name")


@dataclass
class RoundRow:
    person_id: int
    name: str
    age: int
    household_number: str
    spell: Spell | None  # the spell the ledger shows on the round's day; None: nothing known
    confirmed: bool


def round_rows(*, user: Any, village: int, month: dt.date, person: int | None = None) -> list[RoundRow]:
    """The monthly round of a village (月度动态更新): its working-age members at the end of the
    month, each with the status the ledger shows then and whether it was confirmed this month.
    Three queries whatever the village's size. NotFound outside the user's editing scope.
    `person`: that person's row only (after a tap)."""
    from django.conf import settings

    from lnob.registry.models import Membership
    from lnob.registry.rules import age_on

    if not can(user, Capability.EDIT_REGISTRY, village):
        raise NotFound(village)
    end = reference_day(month)
    low, high = settings.LNOB_WORKING_AGE
    members = (
        Membership.objects.filter(household__village_id=village, joined__lte=end)
        .filter(Q(left__isnull=True) | Q(left__gt=end))
        .filter(**({"person_id": person} if person is not None else {}))
        .select_related("person", "household")
        .order_by("household__number", "joined", "pk")
    )
    people = [(m, age_on(m.person.birth_date, end)) for m in members]
    people = [(m, age) for m, age in people if low <= age <= high]
    ids = [m.person_id for m, _age in people]
    latest: dict[int, Spell] = {}
    spells = current_spells(Spell.objects.filter(person_id__in=ids), end).select_related("employer")
    for spell in spells.order_by("person_id", "start", "pk"):
        latest[spell.person_id] = spell
    checked = set(
        RoundCheck.objects.filter(person_id__in=ids, month=month).values_list("person_id", flat=True)
    )
    return [
        RoundRow(
            m.person_id,
            m.person.name,
            age,
            m.household.number,
            latest.get(m.person_id),
            m.person_id in checked,
        )
        for m, age in people
    ]


def reference_day(month: dt.date) -> dt.date:
    """The day a month's round looks at: the month's last day, or today while the month lasts."""
    from lnob.registry.selectors import today

    return min(month_end(month), today())


def current_spells(spells: QuerySet[Spell], day: dt.date) -> QuerySet[Spell]:
    """The full-time spells running on `day` (a person has at most one)."""
    return spells.filter(full_time=True, start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def employer_list(*, user: Any, q: str = "") -> QuerySet[Employer]:
    """The employers of the user's counties, with how many places they have open."""
    from django.db.models import Count, Sum

    rows = employers_visible(user).annotate(
        open_vacancies=Count("vacancies", filter=Q(vacancies__status="open")),
        open_places=Sum("vacancies__headcount", filter=Q(vacancies__status="open")),
    )
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(sector__icontains=q))
    return rows


def employer_get(*, user: Any, pk: int) -> Employer:
    employer = employers_visible(user).filter(pk=pk).first()
    if employer is None:
        raise NotFound(pk)
    return employer


def vacancy_list(*, user: Any, status: str = "open", location: str = "", q: str = "") -> QuerySet[Vacancy]:
    rows = Vacancy.objects.filter(employer__in=employers_visible(user)).select_related("employer")
    if status:
        rows = rows.filter(status=status)
    if location:
        rows = rows.filter(location=location)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(employer__name__icontains=q) | Q(skills__icontains=q))
    return rows.order_by("start", "pk")


def workers_of(*, user: Any, employer: Employer, day: dt.date) -> QuerySet[Spell]:
    """The employer's workers on `day` among the persons the user may see (the ledger's running
    spells in work naming the employer)."""
    people = Person.objects.visible_to(user)
    spells = Spell.objects.filter(employer=employer, person__in=people, start__lte=day)
    return spells.filter(Q(end__isnull=True) | Q(end__gte=day)).select_related("person").order_by("start")


def managed_counties(user: Any, capability: Capability = Capability.MANAGE_EMPLOYMENT) -> list[int]:
    """The counties the user holds `capability` over as a whole (a township officer's township is
    not its county): where the county's own lists (employers, vacancies) may be changed."""
    counties = {subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, capability)}
    return sorted(c for c in counties if can(user, capability, c))


# -- who is "poor": of an out-of-poverty or a monitored household on a day ---------------------


def poor_on(pairs: Iterable[tuple[int, dt.date]]) -> set[tuple[int, dt.date]]:
    """The (person, day) pairs whose household on that day (the membership holding it) was out
    of poverty (脱贫户, the registry's household status that day) or monitored (监测户: the latest
    decision taken by that day, an approved identification or an elimination rolled back, the
    household having an identification decided by then: the monitoring dashboard's reading,
    lnob.monitoring.selectors.monitored_case_ids). The channels' "poor workers", "poor hires"
    and claims read it. Three queries whatever the number of pairs or days."""
    from lnob.monitoring.models import Case, CaseState
    from lnob.registry.models import HouseholdVersion, Membership

    frame = pl.DataFrame(list(pairs), schema={"person_id": pl.Int64, "day": pl.Date}, orient="row").unique()
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
    out_of_poverty = (
        homes.join(versions, on="household_id")
        .filter(
            (pl.col("valid_from") <= pl.col("day"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") > pl.col("day")))
            & (pl.col("status") == HouseholdStatus.OUT_OF_POVERTY)
        )
        .select("person_id", "day")
    )
    decisions = [
        (household, pk, kind, state, timezone.localtime(closed).date(), closed)
        for household, pk, kind, state, closed in Case.objects.filter(
            household_id__in=households,
            state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED],
            closed_at__isnull=False,
        ).values_list("household_id", "pk", "kind", "state", "closed_at")
    ]
    cases = pl.DataFrame(
        decisions,
        schema={
            "household_id": pl.Int64,
            "pk": pl.Int64,
            "kind": pl.String,
            "state": pl.String,
            "closed": pl.Date,
            "at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    identification = pl.col("kind") == "identification"
    monitored = (
        homes.join(cases, on="household_id")
        .filter(pl.col("closed") <= pl.col("day"))
        .sort("at", "pk")
        .group_by("person_id", "day")
        .agg(pl.col("kind").last(), pl.col("state").last(), identification.any().alias("identified"))
        .filter(pl.col("identified") & (identification | (pl.col("state") == CaseState.ROLLED_BACK)))
        .select("person_id", "day")
    )
    return {(p, d) for p, d in pl.concat([out_of_poverty, monitored]).unique().iter_rows()}
