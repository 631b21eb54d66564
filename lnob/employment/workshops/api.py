"""Workshop endpoints (/api/v1/employment/workshops/): workshops and their rosters, recognition,
the quarterly check, workers joining and leaving, and subsidy claims through their steps. Same
conventions as the rest of /api/v1: 404 outside the caller's reach, 422 with {field, value,
message} when a write is refused (nothing is saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.selectors import employers_visible
from lnob.registry.selectors import today

from . import claims as claim_services
from . import selectors, services
from .assess import explain
from .models import Assessment, SubsidyClaim, Workshop

router = Router(tags=["workshops"])


class WorkshopRow(Schema):
    id: int
    name: str
    type: str
    state: str
    village: int
    employer_code: str
    employer_name: str
    recognised_on: dt.date | None
    pending_since: dt.date | None
    closed_on: dt.date | None

    @staticmethod
    def of(w: Workshop) -> WorkshopRow:
        return WorkshopRow(
            id=w.pk,
            name=w.name,
            type=w.type,
            state=w.state,
            village=w.village_id,
            employer_code=w.employer.credit_code,
            employer_name=w.employer.name,
            recognised_on=w.recognised_on,
            pending_since=w.pending_since,
            closed_on=w.closed_on,
        )


class CriterionOut(Schema):
    group: str
    text: str
    ok: bool


class AssessmentOut(Schema):
    day: dt.date
    purpose: str
    met: bool
    rule: str
    source: str
    workers: int
    poor_workers: int
    criteria: list[CriterionOut]

    @staticmethod
    def of(a: Assessment) -> AssessmentOut:
        return AssessmentOut(
            day=a.day,
            purpose=a.purpose,
            met=a.met,
            rule=a.policy.name,
            source=a.policy.source,
            workers=a.figures.get("workers", 0),
            poor_workers=a.figures.get("poor_workers", 0),
            criteria=[
                CriterionOut(group=str(c["group"]), text=c["text"], ok=c["ok"]) for c in explain(a.figures)
            ],
        )


class WorkshopOut(WorkshopRow):
    address: str
    opened: dt.date | None
    rating: str
    rating_year: int | None
    managers: list[str]
    latest: AssessmentOut | None


class WorkshopIn(Schema):
    employer_code: str
    name: str
    type: str
    village: int
    address: str = ""
    opened: dt.date | None = None
    managers: list[str] = []
    rating: str = ""
    rating_year: int | None = None
    note: str = ""


class RosterOut(Schema):
    """A roster row. A worker outside the caller's areas (for anyone but the workshop's own
    manager) is counted but not named: `outside_area`, no person id, an empty name."""

    spell_id: int
    person_id: int | None
    name: str
    start: dt.date
    end: dt.date | None
    monthly_wage: Decimal | None
    full_time: bool
    poor: bool
    months: int
    outside_area: bool


class JoinIn(Schema):
    id_number: str
    start: dt.date
    monthly_wage: Decimal | None = None
    full_time: bool = True
    note: str = ""


class JobOut(Schema):
    id: int
    spell_id: int
    person_id: int | None  # None, and no name, for a worker outside the caller's areas
    name: str
    start: dt.date


class LeaveIn(Schema):
    end: dt.date


class LeaveOut(Schema):
    spell_id: int
    start: dt.date
    end: dt.date


class DayIn(Schema):
    day: dt.date


class CheckIn(Schema):
    area: int
    day: dt.date


class CheckOut(Schema):
    checked: int
    met: int
    flagged: int
    cleared: int
    closed: int


class LineIn(Schema):
    id_number: str
    months: int | None = None


class LineOut(Schema):
    """A claim line; a worker outside the caller's areas is not named (as RosterOut)."""

    person_id: int | None
    name: str
    months: int
    months_worked: int
    poor: bool
    amount: Decimal
    outside_area: bool


class ClaimIn(Schema):
    kind: str
    period_start: dt.date
    period_end: dt.date
    rating: str = ""
    lines: list[LineIn] | None = None
    evidence_text: str = ""


class ClaimOut(Schema):
    id: int
    workshop: int
    kind: str
    state: str
    period_start: dt.date
    period_end: dt.date
    rating: str
    amount: Decimal
    rule: str
    source: str
    evidence_text: str
    rejected_reason: str
    paid_on: dt.date | None
    paid_amount: Decimal | None
    payment_reference: str
    lines: list[LineOut]

    @staticmethod
    def of(c: SubsidyClaim, viewer: Any) -> ClaimOut:
        rows = list(c.lines.select_related("person").order_by("pk"))
        named = selectors.named_workers(viewer, c.workshop, {line.person_id for line in rows})
        lines = [
            LineOut(
                person_id=line.person_id if line.person_id in named else None,
                name=line.person.name if line.person_id in named else "",
                months=line.months,
                months_worked=line.months_worked,
                poor=line.poor,
                amount=line.amount,
                outside_area=line.person_id not in named,
            )
            for line in rows
        ]
        return ClaimOut(
            id=c.pk,
            workshop=c.workshop_id,
            kind=c.kind,
            state=c.state,
            period_start=c.period_start,
            period_end=c.period_end,
            rating=c.rating,
            amount=c.amount,
            rule=c.policy.name,
            source=c.policy.source,
            evidence_text=c.evidence_text,
            rejected_reason=c.rejected_reason,
            paid_on=c.paid_on,
            paid_amount=c.paid_amount,
            payment_reference=c.payment_reference,
            lines=lines,
        )


class RejectIn(Schema):
    reason: str


class PayIn(Schema):
    paid_on: dt.date
    amount: Decimal
    reference: str


def _out(w: Workshop) -> WorkshopOut:
    latest = w.assessments.select_related("policy").first()
    return WorkshopOut(
        **WorkshopRow.of(w).model_dump(),
        address=w.address,
        opened=w.opened,
        rating=w.rating,
        rating_year=w.rating_year,
        managers=sorted(u.get_username() for u in w.managers.all()),
        latest=AssessmentOut.of(latest) if latest else None,
    )


@router.get("/", response=list[WorkshopRow])
@paginate(LimitOffsetPagination)
def list_workshops(request: HttpRequest, area: int | None = None, state: str = "", type: str = "") -> Any:
    return [
        WorkshopRow.of(w)
        for w in selectors.workshop_list(user=request.user, area=area, state=state, type=type)
    ]


@router.post("/", response={201: WorkshopOut})
def create_workshop(request: HttpRequest, body: WorkshopIn) -> Any:
    village = Area.objects.filter(code=body.village, level=Level.VILLAGE).first()
    if village is None:
        raise NotFound(body.village)
    code = body.employer_code.strip().upper()
    employer = employers_visible(request.user).filter(credit_code=code).first()
    if employer is None:
        raise DomainError("employer_code", code, services.M.EMPLOYER_OTHER_COUNTY)
    workshop = services.workshop_create(
        actor=request.user,
        employer=employer,
        village=village,
        managers=services.managers_by_name(body.managers),
        **body.model_dump(exclude={"employer_code", "village", "managers"}),
    )
    return Status(201, _out(selectors.workshop_get(user=request.user, pk=workshop.pk)))


@router.get("/{int:pk}", response=WorkshopOut)
def get_workshop(request: HttpRequest, pk: int) -> Any:
    return _out(selectors.workshop_get(user=request.user, pk=pk))


@router.get("/{int:pk}/roster", response=list[RosterOut])
def get_roster(request: HttpRequest, pk: int, day: dt.date | None = None, past: bool = False) -> Any:
    """Who works there on `day` (today by default); `past`: also who left within the 12 months."""
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    rows = selectors.roster(workshop, day or today(), viewer=request.user, past=past)
    return [RosterOut(**r.__dict__) for r in rows]


@router.post("/{int:pk}/workers", response={201: JobOut})
def join(request: HttpRequest, pk: int, body: JoinIn) -> Any:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    job = services.worker_join(actor=request.user, workshop=workshop, **body.model_dump())
    named = selectors.named_workers(request.user, workshop, [job.person_id])
    return Status(
        201,
        JobOut(
            id=job.pk,
            spell_id=job.spell_id,
            person_id=job.person_id if named else None,
            name=job.person.name if named else "",
            start=job.spell.start,
        ),
    )


@router.post("/{int:pk}/workers/{int:spell_id}/leave", response=LeaveOut)
def leave(request: HttpRequest, pk: int, spell_id: int, body: LeaveIn) -> Any:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    spell = services.worker_leave(actor=request.user, workshop=workshop, spell_id=spell_id, end=body.end)
    return LeaveOut(spell_id=spell.pk, start=spell.start, end=body.end)


@router.post("/{int:pk}/recognise", response=AssessmentOut)
def recognise(request: HttpRequest, pk: int, body: DayIn) -> Any:
    """Evaluate the criteria on `day`; `met` true: recognised from that day."""
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    return AssessmentOut.of(services.workshop_recognise(actor=request.user, workshop=workshop, day=body.day))


@router.post("/check", response=CheckOut)
def check(request: HttpRequest, body: CheckIn) -> Any:
    """The quarterly check of the recognised workshops in an area as of `day` (idempotent)."""
    area = Area.objects.filter(code=body.area).first()
    if area is None:
        raise NotFound(body.area)
    return services.workshop_check(actor=request.user, area=area, day=body.day)


@router.get("/{int:pk}/claims", response=list[ClaimOut])
def list_claims(request: HttpRequest, pk: int) -> Any:
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    claims = list(workshop.claims.select_related("policy").order_by("-period_end", "-pk"))
    for c in claims:
        c.workshop = workshop  # whom the caller may see by name is read once for all of them
    return [ClaimOut.of(c, request.user) for c in claims]


@router.post("/{int:pk}/claims", response={201: ClaimOut})
def create_claim(request: HttpRequest, pk: int, body: ClaimIn) -> Any:
    """A draft claim, its amount computed from the rule and the ledger. `lines` omitted: every
    eligible worker with the months the ledger shows."""
    workshop = selectors.workshop_get(user=request.user, pk=pk)
    lines = None if body.lines is None else [claim_services.LineIn(x.id_number, x.months) for x in body.lines]
    claim = claim_services.claim_create(
        actor=request.user,
        workshop=workshop,
        kind=body.kind,
        period_start=body.period_start,
        period_end=body.period_end,
        rating=body.rating,
        lines=lines,
        evidence_text=body.evidence_text,
    )
    return Status(201, ClaimOut.of(claim, request.user))


@router.get("/claims/{int:pk}", response=ClaimOut)
def get_claim(request: HttpRequest, pk: int) -> Any:
    return ClaimOut.of(selectors.claim_get(user=request.user, pk=pk), request.user)


@router.post("/claims/{int:pk}/submit", response=ClaimOut)
def submit_claim(request: HttpRequest, pk: int) -> Any:
    claim = selectors.claim_get(user=request.user, pk=pk)
    return ClaimOut.of(claim_services.claim_submit(actor=request.user, claim=claim), request.user)


@router.post("/claims/{int:pk}/approve", response=ClaimOut)
def approve_claim(request: HttpRequest, pk: int) -> Any:
    claim = selectors.claim_get(user=request.user, pk=pk)
    return ClaimOut.of(claim_services.claim_approve(actor=request.user, claim=claim), request.user)


@router.post("/claims/{int:pk}/reject", response=ClaimOut)
def reject_claim(request: HttpRequest, pk: int, body: RejectIn) -> Any:
    claim = selectors.claim_get(user=request.user, pk=pk)
    rejected = claim_services.claim_reject(actor=request.user, claim=claim, reason=body.reason)
    return ClaimOut.of(rejected, request.user)


@router.post("/claims/{int:pk}/pay", response=ClaimOut)
def pay_claim(request: HttpRequest, pk: int, body: PayIn) -> Any:
    claim = selectors.claim_get(user=request.user, pk=pk)
    paid = claim_services.claim_pay(actor=request.user, claim=claim, **body.model_dump())
    return ClaimOut.of(paid, request.user)
