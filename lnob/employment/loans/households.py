"""Which group a person's household was in on a day: out of poverty (脱贫户), ordinary, other, and
whether it was monitored (监测对象) then. Read in bulk: a loan check, an import and the jobs
figures all ask it for many persons at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

POOR = frozenset({"out_of_poverty", "monitored"})


def household_groups(person_ids: Iterable[int], day: dt.date) -> dict[int, set[str]]:
    """person id -> the groups of the household they belonged to on `day` (empty: no household
    then)."""
    ids = set(person_ids)
    found = groups_on([(p, day) for p in ids])
    return {p: found[(p, day)] for p in ids}


def groups_on(pairs: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], set[str]]:
    """(person id, day) -> the groups of the person's household on that day. Three queries
    whatever the number of pairs: memberships, household versions and monitoring decisions are
    read whole for the persons concerned and matched to each day here."""
    from django.utils import timezone

    from lnob.monitoring.models import Case, CaseState
    from lnob.registry.models import HouseholdVersion, Membership

    pairs = list(pairs)
    persons = {p for p, _day in pairs}
    memberships: dict[int, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
    for person, household, joined, left in Membership.objects.filter(person_id__in=persons).values_list(
        "person_id", "household_id", "joined", "left"
    ):
        memberships[person].append((joined, left, household))
    households = {h for spans in memberships.values() for _j, _l, h in spans}
    versions: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for household, start, end, status in HouseholdVersion.objects.filter(
        household_id__in=households
    ).values_list("household_id", "valid_from", "valid_to", "status"):
        versions[household].append((start, end, status))
    decisions: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    decided = Case.objects.filter(
        household_id__in=households,
        state__in=[CaseState.APPROVED, CaseState.ROLLED_BACK, CaseState.REMARKED],
        closed_at__isnull=False,
    ).order_by("closed_at", "pk")
    for household, closed_at, kind, state in decided.values_list(
        "household_id", "closed_at", "kind", "state"
    ):
        # the day of the decision where the county is (TIME_ZONE), not in UTC
        decisions[household].append((timezone.localtime(closed_at).date(), kind, state))
    out: dict[tuple[int, dt.date], set[str]] = {}
    for person, day in pairs:
        home = _holding(memberships.get(person, []), day)
        groups: set[str] = set()
        if home is not None:
            held = _holding(versions.get(home, []), day)
            if held is not None:
                groups.add(held)
            if _monitored(decisions.get(home, []), day):
                groups.add("monitored")
        out[(person, day)] = groups
    return out


def _holding(spans: list[tuple[dt.date, dt.date | None, T]], day: dt.date) -> T | None:
    """The value of the half-open span [start, end) holding `day`."""
    for start, end, value in spans:
        if start <= day and (end is None or end > day):
            return value
    return None


def _monitored(decisions: list[tuple[dt.date, str, str]], day: dt.date) -> bool:
    """The latest decision by `day` keeps the household monitored: an approved identification,
    or an elimination that was rolled back (docs/monitoring.md, "Cases")."""
    latest = [(kind, state) for when, kind, state in decisions if when <= day]
    if not latest:
        return False
    kind, state = latest[-1]
    return (kind == "identification" and state == "approved") or state == "rolled_back"


def is_poor(groups: set[str]) -> bool:
    return bool(groups & POOR)
