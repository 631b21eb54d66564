"""Browsing the audit trail (django-auditlog's LogEntry), scoped like everything else.

Every entry written for LNOB's models carries the area code of the record in
`additional_data["area"]`, so scoping an entry is the same range test as scoping the record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet

from lnob.areas.roles import Capability
from lnob.areas.scoping import scope_ranges


def _area_q(ranges: list[tuple[int, int]]) -> Q:
    if not ranges:
        return Q(pk__in=[])
    q = Q()
    for lo, hi in ranges:
        q |= Q(additional_data__area__gte=lo, additional_data__area__lt=hi)
    return q


def may_browse(user: Any) -> bool:
    return bool(scope_ranges(user, Capability.VIEW_AUDIT))


def entries_for(
    *,
    user: Any,
    household: int | None = None,
    person: int | None = None,
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[LogEntry]:
    """Entries the user may read. A household's own trail is readable by whoever may see the
    household; the whole trail, by auditors and county administrators in their areas."""
    capability = Capability.VIEW_REGISTRY if household is not None else Capability.VIEW_AUDIT
    qs = LogEntry.objects.filter(_area_q(scope_ranges(user, capability))).select_related(
        "actor", "content_type"
    )
    if household is not None:
        qs = qs.filter(additional_data__household=household)
    if person is not None:
        qs = qs.filter(additional_data__person=person)
    if actor:
        qs = qs.filter(actor__username=actor)
    if date_from:
        qs = qs.filter(timestamp__date__gte=date_from)
    if date_to:
        qs = qs.filter(timestamp__date__lte=date_to)
    return qs.order_by("-timestamp", "-pk")
