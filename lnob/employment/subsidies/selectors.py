"""Reads of the transport subsidies, scoped by area: the claims of the villages where the user
runs employment channels (MANAGE_EMPLOYMENT) or approves payments (APPROVE_PAYMENTS); anything
else is NotFound."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from lnob.areas.codes import Level, level_of, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, can, scope_ranges
from lnob.core.errors import DomainError, NotFound
from lnob.employment.policy import Rule, rule_for
from lnob.employment.services import county_of

from .models import ClaimStatus, TransportRun, TransportSubsidyClaim
from .rules import KIND


def _ranges(user: Any) -> list[tuple[int, int]]:
    return sorted(
        {*scope_ranges(user, Capability.MANAGE_EMPLOYMENT), *scope_ranges(user, Capability.APPROVE_PAYMENTS)}
    )


def may_see_claims(user: Any) -> bool:
    return bool(_ranges(user))


def claims_visible(user: Any) -> QuerySet[TransportSubsidyClaim]:
    return TransportSubsidyClaim.objects.filter(area_q("village_id", _ranges(user)))


def claim_list(
    *, user: Any, year: int, area: int | None = None, status: str = ""
) -> QuerySet[TransportSubsidyClaim]:
    """The year's claims in the user's areas (or under `area`), by village and household."""
    claims = claims_visible(user).filter(year=year)
    if area:
        lo, hi = subtree_range(area, level_of(area))
        claims = claims.filter(village_id__gte=lo, village_id__lt=hi)
    if status:
        claims = claims.filter(status=status)
    return claims.select_related("person", "village", "rule").order_by(
        "village_id", "household_id", "person_id"
    )


def claim_get(*, user: Any, pk: int) -> TransportSubsidyClaim:
    claim = (
        claims_visible(user).select_related("person", "village", "household", "rule").filter(pk=pk).first()
    )
    if claim is None:
        raise NotFound(pk)
    return claim


@dataclass
class VillageSum:
    village: int
    name: str
    claims: int
    amount: Decimal
    computed: int
    approved: int
    paid: int
    paid_amount: Decimal
    rejected: int


def village_sums(claims: QuerySet[TransportSubsidyClaim]) -> list[VillageSum]:
    """Per village: how many claims in each state and their amounts (one grouped query)."""
    rows = (
        claims.order_by()
        .values("village_id", "village__name")
        .annotate(
            n=Count("pk"),
            amount=Sum("amount"),
            computed=Count("pk", filter=Q(status=ClaimStatus.COMPUTED)),
            approved=Count("pk", filter=Q(status=ClaimStatus.APPROVED)),
            paid=Count("pk", filter=Q(status=ClaimStatus.PAID)),
            paid_amount=Sum("paid_amount"),
            rejected=Count("pk", filter=Q(status=ClaimStatus.REJECTED)),
        )
        .order_by("village_id")
    )
    return [
        VillageSum(
            r["village_id"],
            r["village__name"],
            r["n"],
            r["amount"] or Decimal(0),
            r["computed"],
            r["approved"],
            r["paid"],
            r["paid_amount"] or Decimal(0),
            r["rejected"],
        )
        for r in rows
    ]


def areas_to_compute(user: Any) -> list[tuple[int, str]]:
    """The counties and townships the user may compute claims for (MANAGE_EMPLOYMENT)."""
    areas = Area.objects.visible_to(user, Capability.MANAGE_EMPLOYMENT).filter(
        level__in=[Level.COUNTY, Level.TOWNSHIP]
    )
    return [(a.code, a.name) for a in areas.order_by("code")]


def villages(user: Any) -> list[tuple[int, str]]:
    rows = Area.objects.filter(area_q("code", _ranges(user)), level=Level.VILLAGE).select_related("parent")
    return [(a.code, f"{a.parent.name if a.parent else ''} {a.name}") for a in rows.order_by("code")]


def rule_in_force(area: int, year: int) -> tuple[Rule | None, str]:
    """The rule an area's claims of the year are computed with, or None and the reason."""
    import datetime as _dt

    from lnob.registry.selectors import today

    day = min(dt.date(year, 12, 31), today()) if year <= today().year else _dt.date(year, 1, 1)
    try:
        return rule_for(KIND, county_of(area), day), ""
    except DomainError as err:
        return None, str(err.message)


def latest_run(*, user: Any, area: int, year: int) -> TransportRun | None:
    if not (can(user, Capability.MANAGE_EMPLOYMENT, area) or can(user, Capability.APPROVE_PAYMENTS, area)):
        return None
    return TransportRun.objects.filter(area_id=area, year=year).order_by("-started_at", "-pk").first()
