"""Reads of the entrepreneurship and loans channel, scoped by village like the registry: whoever
sees a village sees its entrepreneurs, businesses and loans; anything else is NotFound."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from lnob.areas.roles import Capability
from lnob.core.errors import NotFound
from lnob.employment.models import Spell, SpellStatus
from lnob.employment.policy import Rule
from lnob.registry.models import Person

from .households import household_groups, is_poor
from .models import (
    OPEN_STATUSES,
    Business,
    BusinessStatus,
    Entrepreneur,
    Loan,
    LoanStatus,
    LoanType,
    Repayment,
)
from .services import limits_for

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def entrepreneurs_visible(user: Any) -> QuerySet[Entrepreneur]:
    return (
        Entrepreneur.objects.visible_to(user)
        .select_related("person", "village")
        .annotate(business_count=Count("businesses", distinct=True))
        .order_by("-returned_on", "pk")
    )


def entrepreneur_get(*, user: Any, pk: int) -> Entrepreneur:
    found = Entrepreneur.objects.visible_to(user).select_related("person", "village").filter(pk=pk).first()
    if found is None:
        raise NotFound(pk)
    return found


def businesses_visible(user: Any) -> QuerySet[Business]:
    return (
        Business.objects.visible_to(user)
        .select_related("entrepreneur__person", "village", "employer")
        .order_by("village_id", "name", "pk")
    )


def business_get(*, user: Any, pk: int, capability: Capability = Capability.VIEW_REGISTRY) -> Business:
    found = (
        Business.objects.visible_to(user, capability)
        .select_related("entrepreneur__person", "village", "employer")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(pk)
    return found


def _repaid() -> Any:
    per_loan = (
        Repayment.objects.filter(loan=OuterRef("pk")).values("loan").annotate(s=Sum("principal")).values("s")
    )
    return Coalesce(Subquery(per_loan, output_field=MONEY), Value(Decimal("0")), output_field=MONEY)


def loans_visible(user: Any) -> QuerySet[Loan]:
    """The loans of the user's villages, each with `repaid` (principal repaid so far)."""
    return (
        Loan.objects.visible_to(user)
        .select_related("person", "village", "business")
        .annotate(repaid=_repaid())
        .annotate(outstanding=ExpressionWrapper(F("amount") - F("repaid"), output_field=MONEY))
        .order_by("-issued", "-pk")
    )


def loan_list(
    *, user: Any, type: str = "", status: str = "", village: int | None = None, q: str = ""
) -> QuerySet[Loan]:
    loans = loans_visible(user)
    if type:
        loans = loans.filter(type=type)
    if status:
        loans = loans.filter(status=status)
    if village:
        loans = loans.filter(village_id=village)
    if q:
        loans = loans.filter(Q(person__name__contains=q) | Q(reference__contains=q) | Q(lender__contains=q))
    return loans


def loan_get(*, user: Any, pk: int, capability: Capability = Capability.VIEW_REGISTRY) -> Loan:
    found = (
        Loan.objects.visible_to(user, capability)
        .select_related("person", "village", "business", "rule")
        .annotate(repaid=_repaid())
        .annotate(outstanding=ExpressionWrapper(F("amount") - F("repaid"), output_field=MONEY))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(pk)
    return found


def overdue_loans(*, user: Any, day: dt.date) -> QuerySet[Loan]:
    """The open loans of the user's villages that are overdue on `day`: reported overdue by the
    bank, or past maturity with principal still owed. Oldest first."""
    return (
        loans_visible(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(status=LoanStatus.OVERDUE) | Q(maturity__lt=day))
        .order_by("maturity", "pk")
    )


@dataclass
class Jobs:
    """The jobs a business creates on a day: people in the ledger working for it, of whom from
    out-of-poverty or monitored households, and the others it declared (not in this registry).
    For a viewer, `workers` holds only the spells of people the viewer may see in the registry;
    the others are `outside` (a count: they are not named), and still in `total` and `poor`."""

    workers: list[Spell]
    poor: set[int]  # person ids
    other: int
    outside: int = 0  # people in the ledger working there whom the viewer may not see

    @property
    def total(self) -> int:
        return len({s.person_id for s in self.workers}) + self.outside + self.other


def jobs_of(businesses: list[Business], day: dt.date, *, viewer: Any) -> dict[int, Jobs]:
    """Business id -> its jobs on `day`, in a few queries whatever the number of businesses.
    `viewer`: the user the workers are shown to (only those of the viewer's areas are named, the
    others counted); None for figures that name nobody."""
    employers = {b.employer_id: b.pk for b in businesses if b.employer_id is not None}
    spells = list(
        Spell.objects.filter(employer_id__in=list(employers), status=SpellStatus.EMPLOYED, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person")
        .order_by("start", "pk")
    )
    people = {s.person_id for s in spells}
    groups = household_groups(people, day) if spells else {}
    named = people if viewer is None or not people else _visible_people(viewer, people)
    out = {b.pk: Jobs([], set(), b.other_jobs) for b in businesses}
    hidden: dict[int, set[int]] = {b.pk: set() for b in businesses}
    for spell in spells:
        business = employers[spell.employer_id]  # type: ignore[index]
        jobs = out[business]
        if spell.person_id in named:
            jobs.workers.append(spell)
        else:
            hidden[business].add(spell.person_id)
        if is_poor(groups.get(spell.person_id, set())):
            jobs.poor.add(spell.person_id)
    for pk, ids in hidden.items():
        out[pk].outside = len(ids)
    return out


def _visible_people(viewer: Any, people: set[int]) -> set[int]:
    """Those of `people` the viewer may see in the registry (of a household of their areas)."""
    return set(Person.objects.visible_to(viewer).filter(pk__in=list(people)).values_list("pk", flat=True))


def limits_shown(area: int, day: dt.date) -> list[tuple[str, Rule | None]]:
    """The rule in force for each loan type at a place on a day, for the screens (None: no rule)."""
    from lnob.core.errors import DomainError

    out: list[tuple[str, Rule | None]] = []
    for value, label in LoanType.choices:
        try:
            out.append((str(label), limits_for(value, area, day)))
        except DomainError:
            out.append((str(label), None))
    return out


def summary(*, user: Any, day: dt.date) -> dict[str, Any]:
    """The channel's figures in the user's villages on a day, for the landing screen."""
    businesses = list(
        Business.objects.visible_to(user)
        .filter(started__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .exclude(status=BusinessStatus.SUSPENDED)
    )
    jobs = jobs_of(businesses, day, viewer=None)
    loans = Loan.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    totals = loans.aggregate(n=Count("pk"), amount=Sum("amount"))
    return {
        "entrepreneurs": Entrepreneur.objects.visible_to(user).count(),
        "returnees": Entrepreneur.objects.visible_to(user).filter(returning=True).count(),
        "businesses": len(businesses),
        "jobs": sum(j.total for j in jobs.values()),
        "poor_jobs": sum(len(j.poor) for j in jobs.values()),
        "loans": totals["n"] or 0,
        "amount": totals["amount"] or Decimal("0"),
        "overdue": overdue_loans(user=user, day=day).count(),
    }
