"""Entrepreneurship and loans over the API, mounted at /api/v1/employment/loans/: the loan limits
in force, entrepreneurs, businesses and their jobs, loans with repayments and interest subsidy,
the overdue list. 404 outside the caller's areas; 422 with {field, value, message} when a write is
refused (a refused loan names the rule and its source)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, NotFound
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors, services
from .models import Business

router = Router(tags=["loans"])


class LimitsOut(Schema):
    type: str
    rule: str
    source: str
    effective_from: dt.date
    amount_max: Decimal
    raised_max: Decimal | None
    term_months_max: int
    age_min: int
    age_max: int
    subsidised_max: Decimal
    eligible_statuses: list[str]


class EntrepreneurIn(Schema):
    id_number: str
    returning: bool = True
    returned_from: str = ""
    returned_on: dt.date | None = None
    previous_work: str = ""
    note: str = ""


class EntrepreneurOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    name: str = Field(alias="person.name")
    village: int = Field(alias="village_id")
    returning: bool
    returned_from: str
    returned_on: dt.date | None


class BusinessIn(Schema):
    entrepreneur: int
    name: str
    village: int
    started: dt.date
    sector: str = ""
    credit_code: str = ""
    other_jobs: int = 0


class BusinessOut(Schema):
    id: int
    entrepreneur: int
    owner: str
    name: str
    sector: str
    village: int
    credit_code: str
    started: dt.date
    status: str
    closed_on: dt.date | None
    jobs: int
    jobs_poor: int


class HireIn(Schema):
    id_number: str
    start: dt.date
    monthly_wage: Decimal | None = None
    full_time: bool = True


class CreatedOut(Schema):
    id: int


class LoanIn(Schema):
    id_number: str
    type: str
    reference: str
    lender: str
    amount: Decimal
    term_months: int
    interest_rate: Decimal
    subsidy_rate: Decimal = Decimal("0")
    issued: dt.date
    purpose: str
    business: int | None = None
    raised_limit: bool = False
    note: str = ""


class LoanOut(Schema):
    id: int
    reference: str
    person: int = Field(alias="person_id")
    borrower: str = Field(alias="person.name")
    village: int = Field(alias="village_id")
    type: str
    lender: str
    amount: Decimal
    term_months: int
    interest_rate: Decimal
    subsidy_rate: Decimal
    subsidised_amount: Decimal
    issued: dt.date
    maturity: dt.date
    purpose: str
    business: int | None = Field(alias="business_id")
    status: str
    overdue_since: dt.date | None
    closed_on: dt.date | None
    repaid: Decimal
    outstanding: Decimal
    rule: str = Field(alias="rule.name")
    source: str = Field(alias="rule.source")


class RepaymentIn(Schema):
    date: dt.date
    principal: Decimal = Decimal("0")
    interest: Decimal = Decimal("0")


class RepaymentOut(Schema):
    id: int
    date: dt.date
    principal: Decimal
    interest: Decimal
    loan_status: str


class OverdueIn(Schema):
    since: dt.date


class SubsidyIn(Schema):
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    paid_on: dt.date


class SubsidyOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    due: Decimal
    paid_on: dt.date


def _person(request: HttpRequest, id_number: str) -> Person:
    person = Person.objects.visible_to(request.user).filter(id_number=id_number.strip().upper()).first()
    if person is None:
        raise DomainError("id_number", id_number, services.LoanMsg.NOT_REGISTERED)
    return person


def _business_out(b: Business, jobs: selectors.Jobs) -> BusinessOut:
    return BusinessOut(
        id=b.pk,
        entrepreneur=b.entrepreneur_id,
        owner=b.entrepreneur.person.name,
        name=b.name,
        sector=b.sector,
        village=b.village_id,
        credit_code=b.credit_code,
        started=b.started,
        status=b.status,
        closed_on=b.closed_on,
        jobs=jobs.total,
        jobs_poor=len(jobs.poor),
    )


@router.get("/limits", response=list[LimitsOut])
def limits(request: HttpRequest, area: int, day: dt.date | None = None) -> Any:
    """The loan limits in force at a place (a village, township or county code) on a day."""
    if not can(request.user, Capability.VIEW_REGISTRY, area):
        raise NotFound(area)
    out = []
    for loan_type in ("startup_guarantee", "micro_credit"):
        rule = services.limits_for(loan_type, area, day or today())
        out.append(
            LimitsOut(
                type=loan_type,
                rule=rule.row.name,
                source=rule.source,
                effective_from=rule.row.effective_from,
                eligible_statuses=list(rule.params.eligible_statuses),
                **rule.params.model_dump(exclude={"eligible_statuses"}),
            )
        )
    return out


@router.get("/entrepreneurs", response=list[EntrepreneurOut])
@paginate(LimitOffsetPagination)
def list_entrepreneurs(request: HttpRequest) -> Any:
    return selectors.entrepreneurs_visible(request.user)


@router.post("/entrepreneurs", response={201: CreatedOut})
def create_entrepreneur(request: HttpRequest, body: EntrepreneurIn) -> Any:
    e = services.entrepreneur_register(
        actor=request.user, person=_person(request, body.id_number), **body.model_dump(exclude={"id_number"})
    )
    return Status(201, CreatedOut(id=e.pk))


@router.get("/businesses", response=list[BusinessOut])
def list_businesses(request: HttpRequest, village: int | None = None, status: str = "") -> Any:
    rows = selectors.businesses_visible(request.user)
    if village:
        rows = rows.filter(village_id=village)
    if status:
        rows = rows.filter(status=status)
    businesses = list(rows)
    jobs = selectors.jobs_of(businesses, today(), viewer=request.user)
    return [_business_out(b, jobs[b.pk]) for b in businesses]


@router.get("/businesses/{pk}", response=BusinessOut)
def get_business(request: HttpRequest, pk: int) -> Any:
    b = selectors.business_get(user=request.user, pk=pk)
    return _business_out(b, selectors.jobs_of([b], today(), viewer=request.user)[b.pk])


@router.post("/businesses", response={201: CreatedOut})
def create_business(request: HttpRequest, body: BusinessIn) -> Any:
    entrepreneur = selectors.entrepreneur_get(user=request.user, pk=body.entrepreneur)
    village = Area.objects.filter(code=body.village).first()
    if village is None:
        raise NotFound(body.village)
    b = services.business_create(
        actor=request.user,
        entrepreneur=entrepreneur,
        village=village,
        **body.model_dump(exclude={"entrepreneur", "village"}),
    )
    return Status(201, CreatedOut(id=b.pk))


@router.post("/businesses/{pk}/hires", response={201: CreatedOut})
def hire(request: HttpRequest, pk: int, body: HireIn) -> Any:
    """A local hired by the business: a spell in the ledger (its id is returned)."""
    business = selectors.business_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    spell = services.business_hire(
        actor=request.user,
        business=business,
        person=_person(request, body.id_number),
        **body.model_dump(exclude={"id_number"}),
    )
    return Status(201, CreatedOut(id=spell.pk))


@router.get("/loans", response=list[LoanOut])
@paginate(LimitOffsetPagination)
def list_loans(request: HttpRequest, type: str = "", status: str = "", village: int | None = None) -> Any:
    return selectors.loan_list(user=request.user, type=type, status=status, village=village).select_related(
        "rule"
    )


@router.get("/loans/{pk}", response=LoanOut)
def get_loan(request: HttpRequest, pk: int) -> Any:
    return selectors.loan_get(user=request.user, pk=pk)


@router.post("/loans", response={201: LoanOut})
def create_loan(request: HttpRequest, body: LoanIn) -> Any:
    """Record a loan; 422 naming the rule and its source when it is above the limit, too long, the
    borrower's age is outside the range or their household is not eligible."""
    person = _person(request, body.id_number)
    business = None
    if body.business is not None:
        business = selectors.business_get(
            user=request.user, pk=body.business, capability=Capability.MANAGE_EMPLOYMENT
        )
    loan = services.loan_issue(
        actor=request.user,
        person=person,
        business=business,
        **body.model_dump(exclude={"id_number", "business"}),
    )
    return Status(201, selectors.loan_get(user=request.user, pk=loan.pk))


@router.post("/loans/{pk}/repayments", response={201: RepaymentOut})
def create_repayment(request: HttpRequest, pk: int, body: RepaymentIn) -> Any:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    r = services.repayment_record(actor=request.user, loan=loan, **body.model_dump())
    loan.refresh_from_db(fields=["status"])
    return Status(
        201,
        RepaymentOut(
            id=r.pk, date=r.date, principal=r.principal, interest=r.interest, loan_status=loan.status
        ),
    )


@router.post("/loans/{pk}/overdue", response=LoanOut)
def mark_overdue(request: HttpRequest, pk: int, body: OverdueIn) -> Any:
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    services.loan_mark_overdue(actor=request.user, loan=loan, since=body.since)
    return selectors.loan_get(user=request.user, pk=pk)


@router.post("/loans/{pk}/subsidies", response={201: SubsidyOut})
def create_subsidy(request: HttpRequest, pk: int, body: SubsidyIn) -> Any:
    """Pay the interest subsidy for a period (county administrators: APPROVE_PAYMENTS)."""
    loan = selectors.loan_get(user=request.user, pk=pk, capability=Capability.APPROVE_PAYMENTS)
    s = services.subsidy_pay(actor=request.user, loan=loan, **body.model_dump())
    return Status(
        201,
        SubsidyOut(
            id=s.pk,
            period_start=s.period_start,
            period_end=s.period_end,
            amount=s.amount,
            due=s.due,
            paid_on=s.paid_on,
        ),
    )


@router.get("/overdue", response=list[LoanOut])
@paginate(LimitOffsetPagination)
def list_overdue(request: HttpRequest) -> Any:
    return selectors.overdue_loans(user=request.user, day=today()).select_related("rule")
