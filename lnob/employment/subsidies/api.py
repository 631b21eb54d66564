"""Transport subsidies and social-insurance evidence over the API, mounted at
/api/v1/employment/subsidies/. Same conventions as the rest of /api/v1: 404 for anything missing or
outside the caller's areas, 422 with {field, value, message} when a write is refused (nothing is
saved). The agency's quarterly file and the bank's answer are imported through the registers
endpoint (POST /api/v1/employment/registers/insurance, .../transport_subsidies)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.core.sensitive import record_access
from lnob.registry.models import Person
from lnob.registry.validation import normalise_id

from . import insurance, selectors, services
from .models import TransportSubsidyClaim
from .register_tables import BAD_QUARTER, parse_quarter

router = Router(tags=["subsidies"])


class ClaimOut(Schema):
    id: int
    person: int
    name: str
    village: int
    year: int
    tier: str
    destination: str
    months: Decimal
    amount: Decimal
    status: str
    reason: str
    paid_on: dt.date | None
    paid_amount: Decimal | None
    payment_reference: str
    rule: str
    rule_source: str
    note: str

    @staticmethod
    def of(c: TransportSubsidyClaim) -> ClaimOut:
        return ClaimOut(
            id=c.pk,
            person=c.person_id,
            name=c.person.name,
            village=c.village_id,
            year=c.year,
            tier=c.tier,
            destination=c.destination,
            months=c.months,
            amount=c.amount,
            status=c.status,
            reason=c.reason,
            paid_on=c.paid_on,
            paid_amount=c.paid_amount,
            payment_reference=c.payment_reference,
            rule=c.rule.name,
            rule_source=c.rule.source,
            note=c.note,
        )


class RunIn(Schema):
    area: int
    year: int


class RunOut(Schema):
    id: int
    area: int
    year: int
    as_of: dt.date
    status: str
    rule: str
    rule_source: str
    counts: dict[str, Any]


class ClaimIn(Schema):
    id_number: str
    year: int


class RejectIn(Schema):
    reason: str


class PaymentIn(Schema):
    paid_on: dt.date
    amount: Decimal
    reference: str


class RecordOut(Schema):
    id: int
    quarter: str
    credit_code: str
    employer_name: str
    kind: str
    months: int
    month_list: str
    base: Decimal | None
    region: int


class EvidenceRowOut(Schema):
    person: int
    name: str
    household: str
    village: int
    ledger: str
    records: list[RecordOut]


class NoInsuranceOut(Schema):
    person: int
    name: str
    household: str
    village: int
    employer: str
    spell_start: dt.date


class DifferencesOut(Schema):
    area: int
    quarter: str
    insured: int
    not_in_ledger: list[EvidenceRowOut]
    no_contributions: list[NoInsuranceOut]


def _record(r: Any) -> RecordOut:
    return RecordOut(
        id=r.pk,
        quarter=r.quarter_label,
        credit_code=r.credit_code,
        employer_name=r.employer_name,
        kind=r.kind,
        months=r.months,
        month_list=r.month_list,
        base=r.base,
        region=r.region,
    )


@router.get("/transport/claims", response=list[ClaimOut])
@paginate(LimitOffsetPagination)
def list_claims(request: HttpRequest, year: int, area: int | None = None, status: str = "") -> Any:
    """The year's claims in the caller's areas (or under `area`), by village."""
    return _Page(selectors.claim_list(user=request.user, year=year, area=area, status=status))


class _Page:
    """The paginator slices the queryset; only the page's rows become output."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[ClaimOut]:
        return [ClaimOut.of(c) for c in self.queryset[window]]


@router.get("/transport/claims/{pk}", response=ClaimOut)
def get_claim(request: HttpRequest, pk: int) -> Any:
    return ClaimOut.of(selectors.claim_get(user=request.user, pk=pk))


@router.post("/transport/runs", response={201: RunOut})
def compute(request: HttpRequest, body: RunIn) -> Any:
    """Compute an area's claims for a year from the ledger (idempotent: computed claims are
    replaced, decided ones kept). 422 when no rule applies to the area."""
    area = Area.objects.filter(code=body.area).first()
    if area is None:
        raise NotFound(body.area)
    run = services.transport_compute(actor=request.user, area=area, year=body.year)
    return Status(
        201,
        RunOut(
            id=run.pk,
            area=run.area_id,
            year=run.year,
            as_of=run.as_of,
            status=run.status,
            rule=run.rule.name,
            rule_source=run.rule.source,
            counts=run.counts,
        ),
    )


@router.post("/transport/claims", response={201: ClaimOut})
def add_claim(request: HttpRequest, body: ClaimIn) -> Any:
    """A claim for one person, computed from the ledger; 422 with the reason when the person is
    not eligible (too few months away, household not in the rule's groups, already decided)."""
    person = Person.objects.visible_to(request.user).filter(id_number=normalise_id(body.id_number)).first()
    if person is None:
        raise NotFound()
    claim = services.transport_claim_add(actor=request.user, person=person, year=body.year)
    return Status(201, ClaimOut.of(selectors.claim_get(user=request.user, pk=claim.pk)))


@router.post("/transport/claims/{pk}/approve", response=ClaimOut)
def approve(request: HttpRequest, pk: int) -> Any:
    claim = services.transport_claim_approve(
        actor=request.user, claim=selectors.claim_get(user=request.user, pk=pk)
    )
    return ClaimOut.of(selectors.claim_get(user=request.user, pk=claim.pk))


@router.post("/transport/claims/{pk}/reject", response=ClaimOut)
def reject(request: HttpRequest, pk: int, body: RejectIn) -> Any:
    claim = selectors.claim_get(user=request.user, pk=pk)
    services.transport_claim_reject(actor=request.user, claim=claim, reason=body.reason)
    return ClaimOut.of(selectors.claim_get(user=request.user, pk=pk))


@router.post("/transport/claims/{pk}/payment", response=ClaimOut)
def pay(request: HttpRequest, pk: int, body: PaymentIn) -> Any:
    """Record the payment (the bank's system): at most the computed amount, once."""
    claim = selectors.claim_get(user=request.user, pk=pk)
    services.transport_claim_pay(
        actor=request.user, claim=claim, paid_on=body.paid_on, amount=body.amount, reference=body.reference
    )
    return ClaimOut.of(selectors.claim_get(user=request.user, pk=pk))


@router.get("/insurance/differences", response=DifferencesOut)
def differences(request: HttpRequest, area: int, quarter: str) -> Any:
    """The quarter's differences between contributions and the ledger in an area (YYYYQn)."""
    start = parse_quarter(quarter)
    if start is None:
        raise DomainError("quarter", quarter, BAD_QUARTER)
    d = insurance.differences(user=request.user, area=area, quarter=start)
    return DifferencesOut(
        area=d.area,
        quarter=quarter.strip().upper(),
        insured=d.insured,
        not_in_ledger=[
            EvidenceRowOut(
                person=r.person_id,
                name=r.name,
                household=r.household_number,
                village=r.village,
                ledger=r.ledger,
                records=[_record(x) for x in r.records],
            )
            for r in d.not_in_ledger
        ],
        no_contributions=[
            NoInsuranceOut(
                person=r.person_id,
                name=r.name,
                household=r.household_number,
                village=r.village,
                employer=str(r.spell.employer),
                spell_start=r.spell.start,
            )
            for r in d.no_contributions
        ],
    )


@router.get("/insurance/persons/{pk}", response=list[RecordOut])
def person_records(request: HttpRequest, pk: int) -> Any:
    """A person's contributions (sensitive: roles that may see sensitive fields; audited)."""
    records = insurance.person_evidence(user=request.user, person_id=pk)
    record_access(
        actor=request.user, instance=Person.objects.get(pk=pk), fields=["social_insurance"], reason="api"
    )
    return [_record(r) for r in records]
