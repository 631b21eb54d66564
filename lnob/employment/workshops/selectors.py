"""Reads of workshops, scoped: registry readers see the workshops of their areas; a workshop
manager sees only the workshops they are named on, and of the registry only those workshops'
workers, by name. Anything else is NotFound (404)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import NotFound

from .models import ClaimState, SubsidyClaim, Workshop, WorkshopEvent, WorkshopState
from .roster import RosterSpell, months_worked, poor_on, roster_spells


def workshops_visible(user: Any) -> QuerySet[Workshop]:
    """The workshops of the user's areas (registry readers), and those the user manages."""
    view = area_q("village_id", scope_ranges(user, Capability.VIEW_REGISTRY))
    own = area_q("village_id", scope_ranges(user, Capability.MANAGE_OWN_WORKSHOP))
    if getattr(user, "pk", None) is not None:
        managed = Workshop.managers.through.objects.filter(user_id=user.pk).values("workshop_id")
        own &= Q(pk__in=managed)
    return Workshop.objects.filter(view | own)


def only_manager(user: Any, workshop: Workshop) -> bool:
    """The user sees the workshop only as its manager: no registry, no ID numbers."""
    return not can(user, Capability.VIEW_REGISTRY, workshop.village_id)


def workshop_get(*, user: Any, pk: int) -> Workshop:
    workshop = (
        workshops_visible(user).select_related("employer", "village", "village__parent").filter(pk=pk).first()
    )
    if workshop is None:
        raise NotFound(pk)
    return workshop


def workshop_list(
    *, user: Any, area: int | None = None, state: str = "", type: str = "", q: str = ""
) -> QuerySet[Workshop]:
    workshops = workshops_visible(user).select_related("employer", "village", "village__parent")
    if area:
        workshops = workshops.filter(village_id__gte=area, village_id__lt=area + _width(area))
    if state:
        workshops = workshops.filter(state=state)
    if type:
        workshops = workshops.filter(type=type)
    if q.strip():
        workshops = workshops.filter(Q(name__contains=q.strip()) | Q(employer__name__contains=q.strip()))
    return workshops.order_by("village_id", "name", "pk")


def _width(code: int) -> int:
    from lnob.areas.codes import level_of, subtree_range

    lo, hi = subtree_range(code, level_of(code))
    return hi - lo


@dataclass
class Figures:
    workers: int = 0
    poor_workers: int = 0


def figures_on(workshops: list[Workshop], day: dt.date) -> dict[int, Figures]:
    """Workers and poor workers on the roster of each workshop on `day`, in a few queries."""
    spells = [r for r in roster_spells(workshops, day, day) if r.runs_on(day)]
    people = {(r.workshop_id, r.person_id) for r in spells}
    poor = poor_on({p for _w, p in people}, day)
    workers = Counter(w for w, _p in people)
    poor_n = Counter(w for w, p in people if p in poor)
    return {w.pk: Figures(workers[w.pk], poor_n[w.pk]) for w in workshops}


@dataclass
class RosterRow:
    spell_id: int
    job_id: int | None
    person_id: int
    name: str
    start: dt.date
    end: dt.date | None
    monthly_wage: Decimal | None
    full_time: bool
    poor: bool
    months: int  # months worked at the workshop in the 12 months up to the day


def roster(workshop: Workshop, day: dt.date, *, past: bool = False) -> list[RosterRow]:
    """The workshop's roster on `day` (with `past`, everyone who worked there in the 12 months up
    to it), each with whether they are of a poor household that day and their months worked."""
    from .assess import year_before

    start = year_before(day)
    spells = roster_spells([workshop], start, day)
    months = months_worked(spells, start, day)
    shown: list[RosterSpell] = [r for r in spells if past or r.runs_on(day)]
    poor = poor_on({r.person_id for r in shown}, day)
    return [
        RosterRow(
            r.spell_id,
            r.job_id,
            r.person_id,
            r.name,
            r.start,
            r.end,
            r.monthly_wage,
            r.full_time,
            r.person_id in poor,
            months.get((workshop.pk, r.person_id), 0),
        )
        for r in sorted(shown, key=lambda r: (r.end is not None, r.name, r.start))
    ]


def history(workshop: Workshop) -> QuerySet[WorkshopEvent]:
    return workshop.events.select_related("actor", "claim").order_by("-at", "-pk")


def claims_visible(user: Any) -> QuerySet[SubsidyClaim]:
    return SubsidyClaim.objects.filter(workshop__in=workshops_visible(user))


def claim_get(*, user: Any, pk: int) -> SubsidyClaim:
    claim = (
        claims_visible(user)
        .select_related(
            "workshop", "workshop__employer", "workshop__village", "policy", "created_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise NotFound(pk)
    return claim


def claim_list(*, user: Any, state: str = "", area: int | None = None) -> QuerySet[SubsidyClaim]:
    claims = claims_visible(user).select_related("workshop", "workshop__village", "policy")
    if state:
        claims = claims.filter(state=state)
    if area:
        claims = claims.filter(workshop__village_id__gte=area, workshop__village_id__lt=area + _width(area))
    return claims.order_by("-period_end", "-pk")


def to_approve(user: Any) -> QuerySet[SubsidyClaim]:
    """Submitted and approved-but-unpaid claims the user may decide or pay."""
    ranges = scope_ranges(user, Capability.APPROVE_PAYMENTS)
    return SubsidyClaim.objects.filter(
        area_q("workshop__village_id", ranges), state__in=[ClaimState.SUBMITTED, ClaimState.APPROVED]
    )


STATES = WorkshopState.choices
