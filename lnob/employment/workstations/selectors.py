"""Reads of the workstations, scoped three ways (deny by default):

- county staff who manage employment in the station's county (MANAGE_EMPLOYMENT over the county:
  the county administrator) see and run every station of the county;
- a workstation officer (MANAGE_OWN_WORKSTATION in the county) sees and runs only the stations
  they are named on, with their whole roster, and nothing else of the registry;
- other registry readers of the county (township officers, village cadres, auditors) see the
  county's stations, but of the roster and the disputes only the people of their own areas.

Anything else is NotFound (404), the same as a station that does not exist.

The roster is never stored: it is read from the ledger's spells in bulk (`rosters`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, QuerySet

from lnob.areas.codes import Level, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import NotFound
from lnob.employment.models import IN_WORK, Employer, Spell, Vacancy
from lnob.registry.models import Membership, Person
from lnob.registry.selectors import member_on

from .models import CLOSED_STATES, Dispute, Visit, Workstation


class Access(StrEnum):
    MANAGE = "manage"  # the county's employment staff: everything, and set the station up
    OFFICER = "officer"  # named on the station: its whole roster, and its daily work
    VIEW = "view"  # a registry reader of the county: the station, and their own people on it


def _counties(user: Any, capability: Capability) -> set[int]:
    return {subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, capability)}


def access(user: Any, station: Workstation, officer_ids: set[int] | None = None) -> Access | None:
    """How the user may act on the station (None: not at all). `officer_ids`: the station's
    officers when already read."""
    county = station.county_id
    if can(user, Capability.MANAGE_EMPLOYMENT, county):
        return Access.MANAGE
    if can(user, Capability.MANAGE_OWN_WORKSTATION, county):
        named = (
            user.pk in officer_ids
            if officer_ids is not None
            else station.officers.filter(pk=user.pk).exists()
        )
        if named:
            return Access.OFFICER
    if county in _counties(user, Capability.VIEW_REGISTRY):
        return Access.VIEW
    return None


def may_run(user: Any, station: Workstation) -> bool:
    """May record the station's placements, vacancies, disputes and visits."""
    return access(user, station) in (Access.MANAGE, Access.OFFICER)


def counties_managed(user: Any) -> list[int]:
    """The counties where the user may set up a station."""
    return sorted(
        c for c in _counties(user, Capability.MANAGE_EMPLOYMENT) if can(user, Capability.MANAGE_EMPLOYMENT, c)
    )


def stations_visible(user: Any) -> QuerySet[Workstation]:
    """The stations the user may see: of their counties, or the ones they are officer of."""
    counties = _counties(user, Capability.VIEW_REGISTRY) | set(counties_managed(user))
    officer_counties = _counties(user, Capability.MANAGE_OWN_WORKSTATION)
    q = Q(county_id__in=sorted(counties))
    if officer_counties and getattr(user, "pk", None) is not None:
        own = Q(officers=user) & area_q("county_id", scope_ranges(user, Capability.MANAGE_OWN_WORKSTATION))
        q |= Q(pk__in=Workstation.objects.filter(own).values("pk"))
    return Workstation.objects.filter(q).select_related("county").order_by("county_id", "name")


def station_get(*, user: Any, pk: int, run: bool = False) -> tuple[Workstation, Access]:
    """The station and how the user may act on it; NotFound when they may not see it, or (with
    `run`) may not record its work."""
    station = Workstation.objects.select_related("county").filter(pk=pk).first()
    if station is None:
        raise NotFound(pk)
    level = access(user, station)
    if level is None or (run and level == Access.VIEW):
        raise NotFound(pk)
    return station, level


def active_on(day: dt.date) -> Q:
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gte=day))


# -- the roster ------------------------------------------------------------------------------


@dataclass
class RosterRow:
    person_id: int
    name: str
    village: int
    spell_id: int
    employer_id: int | None
    employer: str
    destination: str
    since: dt.date
    wage: Decimal | None
    placed: bool  # the station placed them in this job


def rosters(stations: Iterable[Workstation], day: dt.date) -> dict[int, list[RosterRow]]:
    """Each station's roster on `day`, read from the ledger in two queries per county: the
    county's people (household in the county on that day) whose spell in work running that day
    was placed by the station, or, not placed by another station, has a destination in the
    station's city. One row per person and station: their latest such spell."""
    by_county: dict[int, list[Workstation]] = defaultdict(list)
    for station in stations:
        by_county[station.county_id].append(station)
    out: dict[int, list[RosterRow]] = {s.pk: [] for ss in by_county.values() for s in ss}
    for county, group in by_county.items():
        active = [s for s in group if s.opened_on <= day and (s.closed_on is None or s.closed_on >= day)]
        if active:
            _county_rosters(county, active, day, out)
    for rows in out.values():
        rows.sort(key=lambda r: (r.employer, r.name, r.person_id))
    return out


def _county_rosters(
    county: int, stations: list[Workstation], day: dt.date, out: dict[int, list[RosterRow]]
) -> None:
    lo, hi = subtree_range(county, Level.COUNTY)
    people = Membership.objects.filter(
        member_on(day), household__village_id__gte=lo, household__village_id__lt=hi
    )
    where = Q(workstation_placement__station__in=[s.pk for s in stations])
    for key in {s.city_key for s in stations if s.city_key}:
        where |= Q(destination__contains=key)
    spells = (
        Spell.objects.filter(status__in=list(IN_WORK), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .filter(person_id__in=people.values("person_id"))
        .filter(where)
    )
    rows = list(
        spells.order_by("start", "pk").values_list(
            "pk",
            "person_id",
            "person__name",
            "employer_id",
            "employer__name",
            "destination",
            "start",
            "monthly_wage",
            "workstation_placement__station_id",
        )
    )
    villages = dict(
        people.filter(person_id__in=spells.values("person_id")).values_list(
            "person_id", "household__village_id"
        )
    )
    keyed = [(s, s.city_key) for s in stations]
    latest: dict[tuple[int, int], RosterRow] = {}
    for spell_id, person_id, name, employer_id, employer, destination, start, wage, placed_by in rows:
        if placed_by is not None:
            targets = [s for s, _key in keyed if s.pk == placed_by]
        else:
            targets = [s for s, key in keyed if key and key in destination]
        for station in targets:
            latest[(station.pk, person_id)] = RosterRow(
                person_id,
                name,
                villages.get(person_id, 0),
                spell_id,
                employer_id,
                employer or "",
                destination,
                start,
                wage,
                placed_by == station.pk,
            )
    for (station_pk, _person), row in latest.items():
        out[station_pk].append(row)


def roster_for(*, user: Any, station: Workstation, level: Access, day: dt.date) -> list[RosterRow]:
    """The station's roster as the user may see it: whole for its officers and the county's
    staff; a registry reader sees the people of their own areas only."""
    rows = rosters([station], day)[station.pk]
    if level == Access.VIEW:
        rows = [r for r in rows if can(user, Capability.VIEW_REGISTRY, r.village)]
    return rows


def wage_shown(user: Any, row: RosterRow) -> bool:
    """Wages are personal: shown only to those who may see personal data in the person's area."""
    return can(user, Capability.VIEW_SENSITIVE, row.village)


def by_employer(rows: list[RosterRow]) -> list[tuple[str, int]]:
    counts = Counter(r.employer or r.destination for r in rows)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# -- what the station collected and handled ---------------------------------------------------


def station_vacancies(station: Workstation) -> QuerySet[Vacancy]:
    return (
        Vacancy.objects.filter(workstation_link__station=station)
        .select_related("employer")
        .order_by("status", "-start", "-pk")
    )


def _person_scope(user: Any, level: Access) -> Q:
    """Disputes name people: a registry reader sees only those of their own areas."""
    if level != Access.VIEW:
        return Q()
    return Q(person_id__in=Person.objects.visible_to(user).values("pk"))


def station_disputes(*, user: Any, station: Workstation, level: Access, state: str = "") -> QuerySet[Dispute]:
    qs = Dispute.objects.filter(station=station).filter(_person_scope(user, level))
    if state == "open":
        qs = qs.exclude(state__in=list(CLOSED_STATES))
    elif state:
        qs = qs.filter(state=state)
    return qs.select_related("person", "employer")


def dispute_get(*, user: Any, pk: int, run: bool = False) -> tuple[Dispute, Access]:
    dispute = Dispute.objects.select_related("station", "person", "employer").filter(pk=pk).first()
    if dispute is None:
        raise NotFound(pk)
    station, level = station_get(user=user, pk=dispute.station_id, run=run)
    if level == Access.VIEW and not Person.objects.visible_to(user).filter(pk=dispute.person_id).exists():
        raise NotFound(pk)
    dispute.station = station
    return dispute, level


def station_visits(*, user: Any, station: Workstation, level: Access) -> list[tuple[Visit, list[str]]]:
    """The visit log, newest first, each with the names of the roster people met (for a registry
    reader, only those of their own areas). Two queries."""
    visits = list(Visit.objects.filter(station=station).select_related("employer"))
    through = Visit.persons.through.objects.filter(visit__station=station)
    if level == Access.VIEW:
        through = through.filter(person_id__in=Person.objects.visible_to(user).values("pk"))
    names: dict[int, list[str]] = defaultdict(list)
    for visit_id, name in through.order_by("person__name").values_list("visit_id", "person__name"):
        names[visit_id].append(name)
    return [(v, names.get(v.pk, [])) for v in visits]


@dataclass
class StationSummary:
    station: Workstation
    roster: int
    open_disputes: int
    open_vacancies: int
    officers: list[str]


def station_summaries(*, user: Any, day: dt.date) -> list[StationSummary]:
    """The stations the user sees with their figures, in a fixed number of queries."""
    stations = list(
        stations_visible(user).annotate(
            n_open=Count("disputes", filter=~Q(disputes__state__in=list(CLOSED_STATES)), distinct=True),
            n_vacancies=Count(
                "vacancy_links", filter=Q(vacancy_links__vacancy__status="open"), distinct=True
            ),
        )
    )
    officers: dict[int, list[str]] = defaultdict(list)
    officer_ids: dict[int, set[int]] = defaultdict(set)
    through = Workstation.officers.through.objects.filter(workstation__in=[s.pk for s in stations])
    for station_id, user_id, username in through.order_by("user__username").values_list(
        "workstation_id", "user_id", "user__username"
    ):
        officers[station_id].append(username)
        officer_ids[station_id].add(user_id)
    counts = rosters(stations, day)
    out = []
    for s in stations:
        rows = counts.get(s.pk, [])
        if access(user, s, officer_ids[s.pk]) == Access.VIEW:
            rows = [r for r in rows if can(user, Capability.VIEW_REGISTRY, r.village)]
        out.append(StationSummary(s, len(rows), s.n_open, s.n_vacancies, officers.get(s.pk, [])))  # type: ignore[attr-defined]
    return out


def station_employers(station: Workstation) -> QuerySet[Employer]:
    """The employers a station may name: its county's list."""
    return Employer.objects.filter(county_id=station.county_id).order_by("name")


def county_person(*, station: Workstation, id_number: str, day: dt.date) -> Person:
    """A person of the station's county named by resident ID (someone not on the roster yet):
    NotFound when the county has no such person, the same answer as for anyone elsewhere."""
    lo, hi = subtree_range(station.county_id, Level.COUNTY)
    person = (
        Person.objects.filter(id_number=id_number.strip().upper())
        .filter(
            pk__in=Membership.objects.filter(
                member_on(day), household__village_id__gte=lo, household__village_id__lt=hi
            ).values("person_id")
        )
        .first()
    )
    if person is None:
        raise NotFound(id_number)
    return person


def in_county(person_id: int, county: int, day: dt.date) -> bool:
    lo, hi = subtree_range(county, Level.COUNTY)
    return Membership.objects.filter(
        member_on(day), person_id=person_id, household__village_id__gte=lo, household__village_id__lt=hi
    ).exists()
