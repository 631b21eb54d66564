"""Reads of workshops, scoped: registry readers see the workshops of their areas; a workshop
manager sees only the workshops they are named on, and of the registry only those workshops'
workers, by name. Anything else is NotFound (404). On a workshop's roster, history and claims a
registry reader sees by name only the workers of their own areas, the others counted
(named_workers); the workshop's own manager sees all its workers by name."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import NotFound
from lnob.employment.models import Spell
from lnob.registry.models import Person

from .models import ClaimLine, ClaimState, SubsidyClaim, Workshop, WorkshopEvent, WorkshopState
from .roster import RosterSpell, months_worked, poor_on, roster_spells
from .services import manages


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


WORKER_EVENTS = ("join", "leave")  # events whose comment is the worker's name
OUTSIDE_WORKER = _("辖区外工人")


@dataclass(frozen=True)
class WorkerNames:
    """Whom of a workshop's workers a viewer may see by name: everyone (the workshop's own
    manager; no viewer, for computations), or only the people of the viewer's registry
    (`visible`: those of them who ever worked for the workshop's employer or at the workshop, by
    id, with their names). The others are counted, never named."""

    everyone: bool
    visible: dict[int, str]

    def named(self, person_ids: Iterable[int]) -> set[int]:
        ids = set(person_ids)
        return ids if self.everyone else {p for p in ids if p in self.visible}

    def shows(self, name: str) -> bool:
        """A worker's name (in the history) that may be shown."""
        return self.everyone or name in self.visible.values()


def worker_names(viewer: Any, workshop: Workshop) -> WorkerNames:
    """Whom of the workshop's workers `viewer` may see by name (WorkerNames): all of them for the
    workshop's own manager (named on it, holding the role there), for anyone else those the viewer
    may see in the registry (of a household of their areas). One query, read once per workshop
    object and viewer (a page's roster, history and claim lines share it); None: everyone."""
    if viewer is None:
        return WorkerNames(True, {})
    cache: dict[Any, WorkerNames] = workshop.__dict__.setdefault("_lnob_worker_names", {})
    key = getattr(viewer, "pk", None)
    if key not in cache:
        if manages(viewer, workshop):
            cache[key] = WorkerNames(True, {})
        else:
            ever = Spell.objects.filter(
                Q(employer_id=workshop.employer_id) | Q(workshop_job__workshop_id=workshop.pk)
            ).values("person_id")
            rows = Person.objects.visible_to(viewer).filter(pk__in=ever).values_list("pk", "name")
            cache[key] = WorkerNames(False, dict(rows))
    return cache[key]


def named_workers(viewer: Any, workshop: Workshop, person_ids: Iterable[int]) -> set[int]:
    """Those of the workshop's workers `person_ids` the viewer may see by name (worker_names)."""
    return worker_names(viewer, workshop).named(person_ids)


@dataclass
class RosterRow:
    spell_id: int
    job_id: int | None
    person_id: int | None  # None: outside the viewer's areas, not named
    name: str
    start: dt.date
    end: dt.date | None
    monthly_wage: Decimal | None
    full_time: bool
    poor: bool
    months: int  # months worked at the workshop in the 12 months up to the day
    outside_area: bool = False


class Roster(list[RosterRow]):
    """A roster's rows, and `outside`: how many of its workers (each once) are outside the
    viewer's areas, their rows without name or person."""

    outside: int = 0


def roster(workshop: Workshop, day: dt.date, *, viewer: Any, past: bool = False) -> Roster:
    """The workshop's roster on `day` (with `past`, everyone who worked there in the 12 months up
    to it), each with whether they are of a poor household that day and their months worked.
    `viewer`: the user it is shown to; a worker they may not see by name (named_workers) is a row
    without name or person (`outside_area`), last. None: everyone named (for computations)."""
    from .assess import year_before

    start = year_before(day)
    spells = roster_spells([workshop], start, day)
    months = months_worked(spells, start, day)
    shown: list[RosterSpell] = [r for r in spells if past or r.runs_on(day)]
    people = {r.person_id for r in shown}
    poor = poor_on(people, day)
    named = named_workers(viewer, workshop, people)
    rows = [
        RosterRow(
            r.spell_id,
            r.job_id,
            r.person_id if r.person_id in named else None,
            r.name if r.person_id in named else "",
            r.start,
            r.end,
            r.monthly_wage,
            r.full_time,
            r.person_id in poor,
            months.get((workshop.pk, r.person_id), 0),
            r.person_id not in named,
        )
        for r in shown
    ]
    out = Roster(sorted(rows, key=lambda r: (r.outside_area, r.end is not None, r.name, r.start, r.spell_id)))
    out.outside = len(people - named)
    return out


def history(workshop: Workshop, *, viewer: Any, limit: int = 50) -> list[WorkshopEvent]:
    """The workshop's latest events. A worker joining or leaving names the worker (the event's
    comment): for a viewer who may not see that worker by name (worker_names), the comment says
    only that the worker is outside their areas."""
    events = list(workshop.events.select_related("actor", "claim").order_by("-at", "-pk")[:limit])
    if any(e.action in WORKER_EVENTS for e in events):
        names = worker_names(viewer, workshop)
        for e in events:
            if e.action in WORKER_EVENTS and not names.shows(e.comment):
                e.comment = str(OUTSIDE_WORKER)
    return events


@dataclass
class ClaimLines:
    """A claim's lines as the viewer sees them: those of workers they may see by name, and the
    others summed up (how many, their amount), so the lines still add up to the claim."""

    named: list[ClaimLine]
    outside: int
    outside_amount: Decimal

    @property
    def count(self) -> int:
        return len(self.named) + self.outside


def claim_lines(claim: SubsidyClaim, *, viewer: Any) -> ClaimLines:
    lines = list(claim.lines.select_related("person").order_by("pk"))
    named = named_workers(viewer, claim.workshop, {line.person_id for line in lines})
    hidden = [line for line in lines if line.person_id not in named]
    return ClaimLines(
        [line for line in lines if line.person_id in named],
        len(hidden),
        sum((line.amount for line in hidden), Decimal("0")),
    )


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
