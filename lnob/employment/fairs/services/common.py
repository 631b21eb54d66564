"""What the fairs' services share: who manages a fair, its lock, whether it still takes records."""

from __future__ import annotations

from typing import Any

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, NotFound
from lnob.employment.services import county_of
from lnob.registry.models import Membership, Person

from ..models import JobFair
from .messages import FairMsg

__all__ = ["county_of", "lock_fair", "person_home", "require_manager", "require_open"]


def require_manager(actor: Any, fair: JobFair) -> None:
    """Setting a fair up is for those who manage employment in its organising area."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, fair.area_id):
        raise NotFound(fair.pk)


def lock_fair(fair: JobFair) -> JobFair:
    """The fair's row, locked for the rest of the transaction: one change of a fair at a time."""
    locked = JobFair.objects.select_for_update().filter(pk=fair.pk).first()
    if locked is None:
        raise NotFound(fair.pk)
    return locked


def require_open(fair: JobFair) -> None:
    """A closed fair takes no new recruiters, vacancies, attendees, interviews or offers."""
    if not fair.open:
        raise DomainError("fair", fair.code, FairMsg.CLOSED)


def person_home(person: Person) -> int | None:
    """The village of the person's current household (None when they belong to none)."""
    return (
        Membership.objects.filter(person=person, left__isnull=True)
        .values_list("household__village_id", flat=True)
        .first()
    )
