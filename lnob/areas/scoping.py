"""The one scoping rule every selector applies: `visible_to(user)`.

It denies by default: an anonymous user, an inactive one, or one with no assignment that grants
the capability sees nothing, superusers included (the admin site is for configuration only).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from .codes import Level, is_within, subtree_range
from .roles import CAPABILITIES, Capability


def scope_ranges(user: Any, capability: Capability = Capability.VIEW_REGISTRY) -> list[tuple[int, int]]:
    """Code ranges in which `user` holds `capability`, merged; empty means nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_lnob_scope_cache", None)
    if cached is None:
        cached = list(
            user.assignments.select_related("area").values_list("role", "area__code", "area__level")
        )
        user._lnob_scope_cache = cached
    ranges = [
        subtree_range(code, Level(level))
        for role, code, level in cached
        if capability in CAPABILITIES.get(role, frozenset())
    ]
    return _merge(ranges)


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo < merged[-1][1]:  # nested or overlapping; neighbours stay apart
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def area_q(field: str, ranges: list[tuple[int, int]]) -> Q:
    """A filter on an area-code field for the given ranges; matches nothing when empty."""
    if not ranges:
        return Q(pk__in=[])
    q = Q()
    for lo, hi in ranges:
        q |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return q


def can(user: Any, capability: Capability, area_code: int) -> bool:
    return any(lo <= area_code < hi for lo, hi in scope_ranges(user, capability))


def covers(user: Any, capability: Capability, area_code: int, area_level: Level) -> bool:
    """True when the user's scope includes the whole subtree of the given area."""
    lo, hi = subtree_range(area_code, area_level)
    return any(slo <= lo and hi <= shi for slo, shi in scope_ranges(user, capability))


class ScopedQuerySet(models.QuerySet):
    """A queryset whose model names the field holding its area code (`area_field`)."""

    area_field: str = "pk"

    def visible_to(self, user: Any, capability: Capability = Capability.VIEW_REGISTRY) -> ScopedQuerySet:
        return self.filter(area_q(self.area_field, scope_ranges(user, capability)))


__all__ = ["ScopedQuerySet", "area_q", "can", "covers", "is_within", "scope_ranges"]
