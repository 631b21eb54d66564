"""Reads of the area tree, scoped to the user's areas."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count

from lnob.core.errors import NotFound

from .codes import Level, subtree_range
from .models import Area
from .roles import Capability
from .scoping import can, scope_ranges


def area_get(*, user: Any, code: int, capability: Capability = Capability.VIEW_REGISTRY) -> Area:
    area = Area.objects.visible_to(user, capability).filter(code=code).first()
    if area is None:
        raise NotFound(code)
    return area


def assigned_areas(*, user: Any) -> list[Area]:
    """The top areas of the user's scope (their assignments, minus ones nested in another)."""
    ranges = scope_ranges(user)
    return list(Area.objects.filter(code__in=[lo for lo, _hi in ranges]).order_by("code"))


def villages_for(*, user: Any, capability: Capability = Capability.VIEW_REGISTRY) -> list[tuple[int, str]]:
    rows = Area.objects.visible_to(user, capability).filter(level=Level.VILLAGE).select_related("parent")
    return [(a.code, f"{a.parent.name if a.parent else ''} {a.name}") for a in rows.order_by("code")]


COUNTS_TTL_SECONDS = 600


def _household_counts(lo: int, hi: int) -> dict[int, tuple[int, int]]:
    """Households and current members per village code within [lo, hi).

    Two grouped queries; at county scale (2 million persons) the member count takes seconds, so
    the figures are cached for ten minutes (pages say so). Exact, always-fresh figures per area
    belong to the pre-aggregated dashboards.
    """
    key = f"lnob:counts:{lo}:{hi}"
    cached = cache.get(key)
    if cached is None:
        cached = _count_now(lo, hi)
        cache.set(key, cached, COUNTS_TTL_SECONDS)
    return cached


def _count_now(lo: int, hi: int) -> dict[int, tuple[int, int]]:
    from lnob.registry.models import Household, Membership
    from lnob.registry.selectors import member_on, today

    households = dict(
        Household.objects.filter(village_id__gte=lo, village_id__lt=hi)
        .values_list("village_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    members = dict(
        Membership.objects.filter(
            member_on(today()), household__village_id__gte=lo, household__village_id__lt=hi
        )
        .values_list("household__village_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {code: (n, members.get(code, 0)) for code, n in households.items()}


def _rollup(children: list[Area], counts: dict[int, tuple[int, int]]) -> list[dict[str, Any]]:
    rows = []
    for child in children:
        clo, chi = child.subtree
        hh = sum(h for code, (h, _p) in counts.items() if clo <= code < chi)
        pp = sum(p for code, (_h, p) in counts.items() if clo <= code < chi)
        rows.append({"area": child, "households": hh, "persons": pp})
    return rows


def areas_overview(*, user: Any) -> list[dict[str, Any]]:
    tops = assigned_areas(user=user)
    rows = []
    for area in tops:
        counts = _household_counts(*area.subtree)
        rows.append(
            {
                "area": area,
                "households": sum(h for h, _p in counts.values()),
                "persons": sum(p for _h, p in counts.values()),
            }
        )
    return rows


def area_detail(*, user: Any, code: int) -> dict[str, Any]:
    area = area_get(user=user, code=code)
    lo, hi = subtree_range(area.code, Level(area.level))
    children = list(Area.objects.filter(parent=area).order_by("code"))
    counts = _household_counts(lo, hi)
    ancestors = [
        a
        for a in Area.objects.ancestors(area)  # type: ignore[attr-defined]
        if can(user, Capability.VIEW_REGISTRY, a.code)
    ]
    return {
        "area": area,
        "ancestors": ancestors,
        "children": _rollup(children, counts),
        "households": sum(h for h, _p in counts.values()),
        "persons": sum(p for _h, p in counts.values()),
    }
