"""Reads of the employment ledger, scoped like the registry: a person's spells are visible to
whoever sees the person; an employer to the county that keeps it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lnob.areas.codes import Level, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges
from lnob.core.errors import NotFound
from lnob.registry.models import Person

from .models import Employer, Spell


def spells_for(*, user: Any, person_id: int) -> QuerySet[Spell]:
    """The person's spells, newest first; NotFound outside the user's areas."""
    if not Person.objects.visible_to(user).filter(pk=person_id).exists():
        raise NotFound(person_id)
    return Spell.objects.filter(person_id=person_id).select_related("employer").order_by("-start", "-pk")


def employers_visible(user: Any) -> QuerySet[Employer]:
    """The employers of the counties the user works in (a village cadre uses the county's list)."""
    counties = {
        subtree_range(lo, Level.COUNTY)[0] for lo, _hi in scope_ranges(user, Capability.VIEW_REGISTRY)
    }
    return Employer.objects.filter(county_id__in=sorted(counties)).order_by("name")
