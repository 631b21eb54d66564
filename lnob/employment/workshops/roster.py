"""Rosters read from the ledger, in bulk, for many workshops at once.

A workshop's roster is the spells in work through the workshop channel with its employer: those
tied to it by a WorkshopJob, and, when the employer runs only this one workshop, those tied to
none (a spell a cadre recorded on the person's page). A few queries whatever the number of
workshops or workers; no ORM object per row.

Months worked in a period: the calendar months of the period in which the worker's days at the
workshop (inside the period; overlapping spells once) reach 15 — half a month or more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from lnob.employment.models import IN_WORK, Channel, Spell
from lnob.employment.selectors import poor_on as shared_poor_on

from .models import Workshop

HALF_MONTH = 15


@dataclass(frozen=True)
class RosterSpell:
    workshop_id: int
    spell_id: int
    job_id: int | None  # the WorkshopJob tying it, if any
    person_id: int
    name: str
    start: dt.date
    end: dt.date | None
    monthly_wage: Decimal | None
    full_time: bool

    def runs_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


_FIELDS = ("pk", "person_id", "person__name", "start", "end", "monthly_wage", "full_time")


def roster_spells(workshops: Iterable[Workshop], start: dt.date, end: dt.date) -> list[RosterSpell]:
    """The roster spells of the workshops that share a day with [start, end]. Three queries."""
    shops = {w.pk: w.employer_id for w in workshops}
    if not shops:
        return []
    overlapping = Q(status__in=list(IN_WORK), start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    out = [
        RosterSpell(shop, pk, job, person, name, s, e, wage, ft)
        for pk, person, name, s, e, wage, ft, shop, job in Spell.objects.filter(
            overlapping, workshop_job__workshop_id__in=list(shops)
        ).values_list(*_FIELDS, "workshop_job__workshop_id", "workshop_job__pk")
    ]
    # an employer's spells no workshop claims belong to its workshop when it runs only one
    sole = {
        row["employer_id"]: None
        for row in Workshop.objects.filter(employer_id__in=set(shops.values()))
        .values("employer_id")
        .annotate(n=Count("pk"))
        if row["n"] == 1
    }
    by_employer = {employer: pk for pk, employer in shops.items() if employer in sole}
    if by_employer:
        out += [
            RosterSpell(by_employer[employer], pk, None, person, name, s, e, wage, ft)
            for pk, person, name, s, e, wage, ft, employer in Spell.objects.filter(
                overlapping,
                channel=Channel.WORKSHOP,
                employer_id__in=list(by_employer),
                workshop_job__isnull=True,
            ).values_list(*_FIELDS, "employer_id")
        ]
    out.sort(key=lambda r: (r.workshop_id, r.name, r.start, r.spell_id))
    return out


def _months(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _union(intervals: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    merged: list[tuple[dt.date, dt.date]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def months_worked(spells: Iterable[RosterSpell], start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
    """(workshop, person) -> months of [start, end] with 15 days or more at the workshop."""
    intervals: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for r in spells:
        s, e = max(r.start, start), min(r.end or end, end)
        if s <= e:
            intervals[(r.workshop_id, r.person_id)].append((s, e))
    months = month_starts(start, end)
    out: dict[tuple[int, int], int] = {}
    for key, spans in intervals.items():
        merged = _union(spans)
        n = 0
        for first in months:
            lo, hi = _months(first.year, first.month)
            lo, hi = max(lo, start), min(hi, end)
            days = sum(max(0, (min(e, hi) - max(s, lo)).days + 1) for s, e in merged)
            n += days >= HALF_MONTH
        out[key] = n
    return out


def earnings(spells: Iterable[RosterSpell], start: dt.date, end: dt.date) -> dict[tuple[int, int], Decimal]:
    """(workshop, person) -> yuan earned in [start, end]: the monthly wage of each spell times its
    days there, at 12/365 of a month a day (spells without a wage count nothing)."""
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for r in spells:
        s, e = max(r.start, start), min(r.end or end, end)
        if s <= e and r.monthly_wage is not None:
            out[(r.workshop_id, r.person_id)] += r.monthly_wage * Decimal((e - s).days + 1) * 12 / 365
    return dict(out)


def poor_on(person_ids: Iterable[int], day: dt.date) -> set[int]:
    """The persons who on `day` belong to an out-of-poverty household (脱贫户, the registry's
    household status) or to a monitored household (an approved identification, not eliminated,
    decided by that day): lnob.employment.selectors.poor_on for one day. Three queries."""
    return {person for person, _day in shared_poor_on((p, day) for p in set(person_ids))}
