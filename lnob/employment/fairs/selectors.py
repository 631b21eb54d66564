"""Reads of the job fairs, scoped by area and denying by default.

A fair is seen by whoever works in its organising area, above it or below it: the county's
officials see the county's and its townships' fairs; a township's officer and its village cadres
see the township's own fairs and the county's. Attendees and applications are personal: each is
seen only by those who see the person's village.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import NotFound
from lnob.employment.models import Vacancy
from lnob.employment.selectors import poor_on

from .models import Application, Attendee, FairVacancy, JobFair, Recruiter, State


def _above(ranges: list[tuple[int, int]]) -> set[int]:
    """The county and township codes over each range: fairs organised there reach the range too."""
    codes: set[int] = set()
    for lo, _hi in ranges:
        level = level_of(lo)
        if level >= Level.COUNTY:
            codes.add(subtree_range(lo, Level.COUNTY)[0])
        if level >= Level.TOWNSHIP:
            codes.add(subtree_range(lo, Level.TOWNSHIP)[0])
    return codes


def fairs_visible(user: Any, capability: Capability = Capability.VIEW_REGISTRY) -> QuerySet[JobFair]:
    """Fairs whose organising area overlaps the user's: inside it, or above it."""
    ranges = scope_ranges(user, capability)
    if not ranges:
        return JobFair.objects.none()
    return JobFair.objects.filter(area_q("area_id", ranges) | Q(area_id__in=sorted(_above(ranges))))


def fair_list(*, user: Any, status: str = "", year: int | None = None) -> QuerySet[JobFair]:
    """The user's fairs, latest first, each with its recruiter, attendee and hire counts."""
    fairs = fairs_visible(user).select_related("area", "village")
    if status:
        fairs = fairs.filter(status=status)
    if year:
        fairs = fairs.filter(start__year=year)
    return fairs.annotate(
        n_recruiters=Count("recruiters", distinct=True), n_attendees=Count("attendees", distinct=True)
    ).order_by("-start", "-pk")


def fair_get(*, user: Any, pk: int) -> JobFair:
    fair = fairs_visible(user).select_related("area", "village", "county").filter(pk=pk).first()
    if fair is None:
        raise NotFound(pk)
    return fair


def may_manage(user: Any, fair: JobFair) -> bool:
    return can(user, Capability.MANAGE_EMPLOYMENT, fair.area_id)


def recruiters_of(fair: JobFair) -> list[Recruiter]:
    """The fair's recruiters with their vacancies (three queries, whatever their number)."""
    links = FairVacancy.objects.select_related("vacancy").order_by("vacancy__title", "pk")
    return list(
        Recruiter.objects.filter(fair=fair)
        .select_related("employer")
        .prefetch_related(Prefetch("links", queryset=links))
        .order_by("booth", "employer__name", "pk")
    )


def fair_vacancies(fair: JobFair) -> QuerySet[Vacancy]:
    """The vacancies offered at the fair."""
    ids = FairVacancy.objects.filter(recruiter__fair=fair).values("vacancy_id")
    return Vacancy.objects.filter(pk__in=ids).select_related("employer").order_by("employer__name", "title")


def attendees_of(*, user: Any, fair: JobFair, q: str = "") -> QuerySet[Attendee]:
    """The fair's attendees the user may see (those of the user's villages)."""
    attendees = Attendee.objects.filter(fair=fair).filter(
        area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY))
    )
    if q:
        attendees = attendees.filter(Q(person__name__contains=q) | Q(person__id_number=q))
    return attendees.select_related("person", "village").order_by("village_id", "person__name", "pk")


def applications_of(
    *, user: Any, fair: JobFair, state: str = "", village: int | None = None, q: str = ""
) -> QuerySet[Application]:
    """The fair's applications the user may see, for the outcome list."""
    apps = Application.objects.filter(attendee__fair=fair).filter(
        area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY))
    )
    if state:
        apps = apps.filter(state=state)
    if village:
        apps = apps.filter(village_id=village)
    if q:
        apps = apps.filter(Q(person__name__contains=q) | Q(vacancy__employer__name__contains=q))
    return apps.select_related("person", "vacancy__employer", "village").order_by(
        "person__name", "person_id", "vacancy__employer__name", "pk"
    )


def application_get(*, user: Any, pk: int) -> Application:
    app = (
        Application.objects.filter(pk=pk)
        .filter(area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY)))
        .select_related("person", "vacancy__employer", "attendee__fair")
        .first()
    )
    if app is None:
        raise NotFound(pk)
    return app


def attendee_get(*, user: Any, pk: int) -> Attendee:
    attendee = (
        Attendee.objects.filter(pk=pk)
        .filter(area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY)))
        .select_related("person", "fair")
        .first()
    )
    if attendee is None:
        raise NotFound(pk)
    return attendee


def person_fairs(*, user: Any, person_id: int) -> list[Attendee]:
    """The fairs a person attended, with their applications, for the person's page."""
    apps = Application.objects.select_related("vacancy__employer").order_by("pk")
    return list(
        Attendee.objects.filter(person_id=person_id)
        .filter(area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY)))
        .select_related("fair")
        .prefetch_related(Prefetch("applications", queryset=apps))
        .order_by("-fair__start", "-pk")
    )


def open_fairs_for(*, user: Any, village: int) -> QuerySet[JobFair]:
    """The fairs not yet closed a person of `village` may be registered for."""
    fairs = fairs_visible(user).exclude(status="closed")
    county = subtree_range(village, Level.COUNTY)[0]
    township = subtree_range(village, Level.TOWNSHIP)[0]
    return fairs.filter(area_id__in=[county, township]).order_by("start", "pk")


@dataclass
class Figures:
    recruiters: int
    vacancies: int
    places: int
    attendees: int
    applications: int
    interviews: int
    offers: int
    hires: int
    poor_hires: int
    declined: int
    rejected: int


def fair_figures(fair: JobFair) -> Figures:
    """The fair's figures, for the whole fair (counts only, no one named): five queries."""
    places = FairVacancy.objects.filter(recruiter__fair=fair).aggregate(
        n=Count("pk"), places=Sum("vacancy__headcount")
    )
    apps = Application.objects.filter(attendee__fair=fair).aggregate(
        n=Count("pk"),
        interviews=Count("pk", filter=Q(interviewed_on__isnull=False)),
        offers=Count("pk", filter=Q(offered_on__isnull=False)),
        declined=Count("pk", filter=Q(state=State.DECLINED)),
        rejected=Count("pk", filter=Q(state=State.REJECTED)),
    )
    hires = list(
        Application.objects.filter(attendee__fair=fair, state=State.HIRED).values_list(
            "person_id", "decided_on"
        )
    )
    poor = poor_on([(p, d) for p, d in hires if d is not None])
    return Figures(
        recruiters=Recruiter.objects.filter(fair=fair).count(),
        vacancies=places["n"] or 0,
        places=places["places"] or 0,
        attendees=Attendee.objects.filter(fair=fair).count(),
        applications=apps["n"] or 0,
        interviews=apps["interviews"] or 0,
        offers=apps["offers"] or 0,
        hires=len(hires),
        poor_hires=sum(1 for p, d in hires if (p, d) in poor),
        declined=apps["declined"] or 0,
        rejected=apps["rejected"] or 0,
    )
