"""Reads of the registry. Every selector takes the acting user and scopes by area itself;
objects outside the user's areas raise NotFound, the same as objects that do not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import NotFound
from lnob.core.sensitive import mask, mask_id, record_access

from .choices import ALERT_SENSITIVE
from .models import (
    Alert,
    Expenditure,
    Household,
    HouseholdVersion,
    IncomeRecord,
    Membership,
    Person,
    PersonVersion,
    Relation,
    Shock,
)
from .rules import age_on, derive_labour_capacity
from .validation import normalise_id


def today() -> dt.date:
    return timezone.localdate()


def valid_on(day: dt.date, start: str = "valid_from", end: str = "valid_to") -> Q:
    """Rows whose half-open interval [start, end) contains `day`."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def member_on(day: dt.date) -> Q:
    return valid_on(day, "joined", "left")


def household_list(
    *,
    user: Any,
    q: str = "",
    area: int | None = None,
    status: str = "",
    housing_safe: bool | None = None,
    water_safe: bool | None = None,
    as_of: dt.date | None = None,
) -> QuerySet[Household]:
    """Households the user may see, as they were on `as_of` (today by default)."""
    day = as_of or today()
    head = Membership.objects.filter(member_on(day), household=OuterRef("pk"), relation=Relation.HEAD)
    members = (
        Membership.objects.filter(member_on(day), household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # One join to the version valid on `day` (at most one per household): it both drops households
    # not yet registered then and carries the attributes, so filters on them use the join too.
    # Head and member count are subqueries, evaluated only for the rows of the page shown.
    qs = (
        Household.objects.visible_to(user)
        .filter(valid_on(day, "versions__valid_from", "versions__valid_to"))
        .select_related("village")
        .annotate(
            status=F("versions__status"),
            housing_safe=F("versions__housing_safe"),
            water_safe=F("versions__water_safe"),
            head_name=Subquery(head.values("person__name")[:1]),
            member_count=Subquery(members[:1]),
        )
        .order_by("village_id", "number")  # matches an index: a page is read in order, not sorted
    )
    if area:
        from lnob.areas.codes import level_of, subtree_range

        try:
            lo, hi = subtree_range(area, level_of(area))
        except ValueError:  # not an administrative code: nothing is in it
            return qs.none()
        qs = qs.filter(village_id__gte=lo, village_id__lt=hi)
    filters = {"status": status or None, "housing_safe": housing_safe, "water_safe": water_safe}
    # filter on the annotations, so the same version join is used (a new filter on `versions__…`
    # would join a second, unrelated version)
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    if q := q.strip():
        qs = qs.filter(_search(q))
    return qs


def _search(q: str) -> Q:
    """Household number prefix, exact ID number, or member name prefix."""
    people = Person.objects.filter(Q(name__startswith=q) | Q(id_number=normalise_id(q)))
    return Q(number__startswith=q) | Q(
        pk__in=Membership.objects.filter(person__in=people).values("household_id")
    )


def household_get(*, user: Any, number: str, capability: Capability = Capability.VIEW_REGISTRY) -> Household:
    household = (
        Household.objects.visible_to(user, capability).select_related("village").filter(number=number).first()
    )
    if household is None:
        raise NotFound(number)
    return household


@dataclass
class MemberRow:
    membership: Membership
    person: Person
    version: PersonVersion | None
    age: int
    labour_capacity: str
    labour_overridden: bool


@dataclass
class HouseholdView:
    household: Household
    as_of: dt.date
    version: HouseholdVersion | None
    members: list[MemberRow]
    history: list[Membership]
    versions: list[HouseholdVersion]
    incomes: list[IncomeRecord]
    expenditures: list[Expenditure]
    shocks: list[Shock]
    can_view_sensitive: bool = False
    # department alerts; those revealing health (ALERT_SENSITIVE) only for roles that may see
    # health data, else counted in `alerts_hidden`
    alerts: list[Alert] = field(default_factory=list)
    alerts_hidden: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def household_detail(*, user: Any, number: str, as_of: dt.date | None = None) -> HouseholdView:
    """The household as it was on `as_of`, with its full history alongside."""
    day = as_of or today()
    household = household_get(user=user, number=number)
    history = list(
        Membership.objects.filter(household=household).select_related("person").order_by("joined", "pk")
    )
    current = [m for m in history if m.joined <= day and (m.left is None or m.left > day)]
    versions = {
        v.person_id: v
        for v in PersonVersion.objects.filter(valid_on(day), person_id__in=[m.person_id for m in current])
    }
    members = [_member_row(m, versions.get(m.person_id), day) for m in current]
    members.sort(key=lambda r: (r.membership.relation != Relation.HEAD, -r.age))
    hh_versions = list(household.versions.order_by("valid_from"))
    sensitive = can(user, Capability.VIEW_SENSITIVE, household.village_id)
    alerts, hidden = household_alerts(user=user, household=household, sensitive=sensitive, as_of=day)
    return HouseholdView(
        household=household,
        as_of=day,
        version=next(
            (v for v in hh_versions if v.valid_from <= day and (v.valid_to is None or v.valid_to > day)), None
        ),
        members=members,
        history=history,
        versions=hh_versions,
        incomes=list(household.incomes.select_related("person").order_by("-period_end", "source")),
        expenditures=list(household.expenditures.select_related("person").order_by("-period_end")),
        shocks=list(household.shocks.select_related("risk_type", "person").order_by("-date")),
        can_view_sensitive=sensitive,
        alerts=alerts,
        alerts_hidden=hidden,
    )


def household_alerts(
    *, user: Any, household: Household, sensitive: bool, as_of: dt.date
) -> tuple[list[Alert], int]:
    """The household's department alerts up to `as_of`, newest first, and how many were held back: alerts
    about health are shown only when `sensitive` (the user may see health data), and each such
    showing is written to the audit trail."""
    rows = list(household.alerts.filter(date__lte=as_of).select_related("person").order_by("-date", "-pk"))
    health = [a for a in rows if a.kind in ALERT_SENSITIVE]
    if not sensitive:
        return [a for a in rows if a.kind not in ALERT_SENSITIVE], len(health)
    if health:
        record_access(
            actor=user,
            instance=household,
            fields=sorted({f"alert.{a.kind}" for a in health}),
            reason="household alerts",
        )
    return rows, 0


def _member_row(m: Membership, version: PersonVersion | None, day: dt.date) -> MemberRow:
    age = age_on(m.person.birth_date, day)
    derived = derive_labour_capacity(
        age=age,
        health=version.health if version else "healthy",
        disability_grade=version.disability_grade if version else None,
        working_age=tuple(settings.LNOB_WORKING_AGE),  # type: ignore[arg-type]
    )
    override = version.labour_override if version else ""
    return MemberRow(m, m.person, version, age, override or derived, bool(override))


@dataclass
class PersonView:
    person: Person
    as_of: dt.date
    version: PersonVersion | None
    versions: list[PersonVersion]
    memberships: list[Membership]
    household: Household | None
    age: int
    labour_capacity: str
    can_view_sensitive: bool
    masked: dict[str, str]


def person_get(*, user: Any, pk: int) -> Person:
    person = Person.objects.visible_to(user).filter(pk=pk).first()
    if person is None:
        raise NotFound(pk)
    return person


def person_detail(*, user: Any, pk: int, as_of: dt.date | None = None) -> PersonView:
    day = as_of or today()
    person = person_get(user=user, pk=pk)
    versions = list(person.versions.order_by("valid_from"))
    version = next(
        (v for v in versions if v.valid_from <= day and (v.valid_to is None or v.valid_to > day)), None
    )
    # only memberships of households the user may see: the person's other households stay hidden
    memberships = list(
        person.memberships.filter(household__in=Household.objects.visible_to(user))
        .select_related("household__village")
        .order_by("joined")
    )
    current = next((m for m in memberships if m.joined <= day and (m.left is None or m.left > day)), None)
    row = _member_row(current or memberships[-1], version, day)
    household = current.household if current else None
    # Sensitive fields follow the person's latest household, the same area their views are
    # audited under (record_access files entries by person_area).
    area = person_area(person.pk) or memberships[-1].household.village_id
    return PersonView(
        person=person,
        as_of=day,
        version=version,
        versions=versions,
        memberships=memberships,
        household=household,
        age=row.age,
        labour_capacity=row.labour_capacity,
        can_view_sensitive=can(user, Capability.VIEW_SENSITIVE, area),
        masked={
            "id_number": mask_id(person.id_number),
            "phone": mask(version.phone if version else "", 3, 2),
            "bank_account": mask(version.bank_account if version else "", 4, 4),
            "health": "***",
        },
    )


def person_area(person_id: int) -> int | None:
    """The village code of the person's latest household: where their records are scoped."""
    return (
        Membership.objects.filter(person_id=person_id)
        .order_by("-joined", "-pk")
        .values_list("household__village_id", flat=True)
        .first()
    )
