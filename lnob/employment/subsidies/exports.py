"""The list for the bank (发放名册): the approved, unpaid transport subsidies of a year under an
area, in the `transport_subsidies` register's columns plus the bank account. The bank fills in
the status (paid), the day, the amount and its reference, and the file comes back through the
register; the extra column is ignored on import. Sensitive (resident ID, bank account): only for
roles that may see sensitive fields over the whole export, and audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lnob.areas.codes import level_of, subtree_range
from lnob.areas.roles import Capability
from lnob.areas.scoping import area_q, scope_ranges
from lnob.core.errors import NotFound
from lnob.exchange.export import FORMATS, _Counter, audit_export, may_export_sensitive, write_table
from lnob.registry.models import PersonVersion

from .models import ClaimStatus, TransportSubsidyClaim
from .register_tables import TRANSPORT

BANK_ACCOUNT = "bank_account"


def _rows(claims: Any) -> Iterator[tuple[Any, ...]]:
    accounts = dict(
        PersonVersion.objects.filter(
            valid_to__isnull=True, person_id__in=claims.values("person_id")
        ).values_list("person_id", "bank_account")
    )
    for row in claims.values_list(
        "person_id",
        "person__id_number",
        "person__name",
        "year",
        "tier",
        "destination",
        "months",
        "amount",
        "status",
        "reason",
        "paid_on",
        "paid_amount",
        "payment_reference",
        "village_id",
        "rule__name",
    ).iterator():
        yield (*row[1:], accounts.get(row[0], ""))


def bank_list(*, user: Any, year: int, area: int | None, fmt: str) -> tuple[bytes, str]:
    ranges = scope_ranges(user, Capability.APPROVE_PAYMENTS)
    if fmt not in FORMATS or not ranges or not may_export_sensitive(user, area):
        raise NotFound(area)
    claims = TransportSubsidyClaim.objects.filter(
        area_q("village_id", ranges), year=year, status=ClaimStatus.APPROVED
    )
    if area:
        lo, hi = subtree_range(area, level_of(area))
        claims = claims.filter(Q(village_id__gte=lo) & Q(village_id__lt=hi))
    claims = claims.order_by("village_id", "household_id", "person_id")
    counted = _Counter(tuple("" if v is None else v for v in row) for row in _rows(claims))
    headers = [c.name for c in TRANSPORT.columns] + [BANK_ACCOUNT]
    data = write_table(counted, headers, fmt)
    audit_export(
        user=user,
        export="transport_subsidies_bank",
        filters={"year": year, "area": area},
        rows=counted.n,
        fmt=fmt,
        sensitive=True,
        area=area,
        fields=["id_number", "bank_account"],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return data, f"transport-subsidies-{year}-bank-{stamp}.{fmt}"
