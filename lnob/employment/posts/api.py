"""Public-welfare posts over the API (mounted at /api/v1/employment/posts/): posts, the
eligibility check, agreements, monthly attendance and payments. Same conventions as the rest of
/api/v1: 404 for anything missing or outside the caller's areas (or an action their role may not
take there), 422 with {field, value, message} when a write is refused (nothing is saved).
People are named by resident ID."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.areas import selectors as area_selectors
from lnob.areas.roles import Capability
from lnob.core.errors import NotFound
from lnob.registry.models import Person
from lnob.registry.validation import normalise_id

from . import selectors, services
from .eligibility import Eligibility, eligibility
from .models import Agreement, Attendance, Post

router = Router(tags=["posts"])


class PostOut(Schema):
    id: int
    code: str
    village: int
    village_name: str
    title: str
    post_type: str
    heavy: bool
    monthly_pay: Decimal
    hours_per_month: int
    places: int
    filled: int
    funding: str
    duties: str
    opened_on: dt.date
    status: str
    closed_on: dt.date | None

    # read from the Post (list: annotated with `filled` by selectors.post_list)
    @staticmethod
    def resolve_village(obj: Post) -> int:
        return obj.village_id

    @staticmethod
    def resolve_village_name(obj: Post) -> str:
        return obj.village.name

    @staticmethod
    def resolve_filled(obj: Post) -> int:
        return int(getattr(obj, "filled", 0))

    @staticmethod
    def of(post: Post, filled: int) -> Post:
        post.filled = filled  # type: ignore[attr-defined]
        return post


class PostIn(Schema):
    village: int
    title: str
    post_type: str
    heavy: bool = False
    monthly_pay: Decimal
    hours_per_month: int
    places: int
    funding: str
    opened_on: dt.date
    duties: str = ""
    code: str = ""


class CloseIn(Schema):
    closed_on: dt.date


class CheckOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str


class RuleOut(Schema):
    name: str
    source: str
    effective_from: dt.date
    area_code: int


class EligibilityOut(Schema):
    person: int
    day: dt.date
    eligible: bool
    age: int | None
    labour_capacity: str
    household_statuses: list[str]
    rule: RuleOut
    checks: list[CheckOut]

    @staticmethod
    def of(result: Eligibility) -> EligibilityOut:
        f, row = result.facts, result.rule.row
        return EligibilityOut(
            person=f.person_id, day=f.day, eligible=result.ok, age=f.age, labour_capacity=f.capacity,
            household_statuses=sorted(f.tags),
            rule=RuleOut(
                name=row.name, source=row.source, effective_from=row.effective_from, area_code=row.area_code
            ),
            checks=[CheckOut(**c.as_dict()) for c in result.checks],
        )  # fmt: skip


class AgreementIn(Schema):
    post: int
    id_number: str
    start: dt.date
    end: dt.date
    monthly_pay: Decimal | None = None


class EndIn(Schema):
    ended_on: dt.date
    reason: str


class AgreementOut(Schema):
    id: int
    post: int
    post_code: str
    person: int
    name: str
    start: dt.date
    end: dt.date
    monthly_pay: Decimal
    ended_on: dt.date | None
    end_reason: str
    spell: int | None
    rule: str
    checks: list[CheckOut]

    @staticmethod
    def of(a: Agreement) -> AgreementOut:
        return AgreementOut(
            id=a.pk, post=a.post_id, post_code=a.post.code, person=a.person_id, name=a.person.name,
            start=a.start, end=a.end, monthly_pay=a.monthly_pay, ended_on=a.ended_on, end_reason=a.end_reason,
            spell=a.spell_id, rule=a.rule.name if a.rule else "", checks=[CheckOut(**c) for c in a.checks],
        )  # fmt: skip


class AttendanceIn(Schema):
    agreement: int
    month: dt.date  # any day of the month
    days_worked: int
    hours_worked: Decimal
    note: str = ""


class PayIn(Schema):
    paid_on: dt.date
    paid_amount: Decimal | None = None


class AttendanceOut(Schema):
    id: int
    agreement: int
    month: dt.date
    days_worked: int
    hours_worked: Decimal
    pay_due: Decimal
    paid_amount: Decimal | None
    paid_on: dt.date | None

    @staticmethod
    def of(m: Attendance) -> AttendanceOut:
        return AttendanceOut(
            id=m.pk, agreement=m.agreement_id, month=m.month, days_worked=m.days_worked,
            hours_worked=m.hours_worked, pay_due=m.pay_due, paid_amount=m.paid_amount, paid_on=m.paid_on,
        )  # fmt: skip


class SheetRowOut(Schema):
    agreement: AgreementOut
    covered_days: int
    hours_owed: float
    attendance: AttendanceOut | None


class PaidMonthOut(Schema):
    paid: int


def _person(request: HttpRequest, id_number: str) -> Person:
    person = Person.objects.visible_to(request.user).filter(id_number=normalise_id(id_number)).first()
    if person is None:
        raise NotFound(id_number)
    return person


# -- posts ----------------------------------------------------------------------------------------


@router.get("/posts", response=list[PostOut])
@paginate(LimitOffsetPagination)
def list_posts(request: HttpRequest, village: int | None = None, status: str = "") -> Any:
    return selectors.post_list(user=request.user, village=village, status=status)


@router.get("/posts/{pk}", response=PostOut)
def get_post(request: HttpRequest, pk: int) -> Any:
    post = selectors.post_get(user=request.user, pk=pk)
    return PostOut.of(post, post.agreements.filter(ended_on__isnull=True).count())


@router.post("/posts", response={201: PostOut})
def create_post(request: HttpRequest, body: PostIn) -> Any:
    village = area_selectors.area_get(
        user=request.user, code=body.village, capability=Capability.MANAGE_EMPLOYMENT
    )
    post = services.post_create(actor=request.user, village=village, **body.model_dump(exclude={"village"}))
    return Status(201, PostOut.of(post, 0))


@router.post("/posts/{pk}/close", response=PostOut)
def close_post(request: HttpRequest, pk: int, body: CloseIn) -> Any:
    post = selectors.post_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    return PostOut.of(services.post_close(actor=request.user, post=post, closed_on=body.closed_on), 0)


@router.get("/posts/{pk}/eligibility", response=EligibilityOut)
def check_eligibility(request: HttpRequest, pk: int, id_number: str, start: dt.date | None = None) -> Any:
    """Each criterion of the rule in force for the post's village, checked for the person on
    `start` (today by default), with what was found."""
    from lnob.registry.selectors import today

    post = selectors.post_get(user=request.user, pk=pk)
    person = _person(request, id_number)
    return EligibilityOut.of(eligibility(person_id=person.pk, day=start or today(), village=post.village_id))


@router.get("/posts/{pk}/agreements", response=list[AgreementOut])
def post_agreements(request: HttpRequest, pk: int) -> Any:
    post = selectors.post_get(user=request.user, pk=pk)
    agreements = post.agreements.select_related("person", "post", "rule").order_by("-start", "-pk")
    return [AgreementOut.of(a) for a in agreements]


# -- agreements -----------------------------------------------------------------------------------


@router.post("/agreements", response={201: AgreementOut})
def sign_agreement(request: HttpRequest, body: AgreementIn) -> Any:
    """Sign an agreement; refused (422) with the failed criterion when the person is not eligible."""
    post = selectors.post_get(user=request.user, pk=body.post, capability=Capability.MANAGE_EMPLOYMENT)
    agreement = services.agreement_sign(
        actor=request.user, post=post, person=_person(request, body.id_number), start=body.start,
        end=body.end, monthly_pay=body.monthly_pay,
    )  # fmt: skip
    return Status(201, AgreementOut.of(agreement))


@router.get("/agreements/{pk}", response=AgreementOut)
def get_agreement(request: HttpRequest, pk: int) -> Any:
    return AgreementOut.of(selectors.agreement_get(user=request.user, pk=pk))


@router.post("/agreements/{pk}/end", response=AgreementOut)
def end_agreement(request: HttpRequest, pk: int, body: EndIn) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=pk, capability=Capability.MANAGE_EMPLOYMENT)
    services.agreement_end(
        actor=request.user, agreement=agreement, ended_on=body.ended_on, reason=body.reason
    )
    return AgreementOut.of(selectors.agreement_get(user=request.user, pk=pk))


@router.get("/agreements/{pk}/attendance", response=list[AttendanceOut])
def agreement_attendance(request: HttpRequest, pk: int) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    return [AttendanceOut.of(m) for m in selectors.attendance_of(agreement)]


# -- attendance -----------------------------------------------------------------------------------


@router.get("/attendance", response=list[SheetRowOut])
def attendance_sheet(request: HttpRequest, village: int, month: dt.date) -> Any:
    """The village's month: each agreement running in it, with its attendance if recorded."""
    rows = selectors.attendance_sheet(user=request.user, village=village, month=month)
    return [
        SheetRowOut(
            agreement=AgreementOut.of(r.agreement),
            covered_days=r.covered,
            hours_owed=r.hours_owed,
            attendance=AttendanceOut.of(r.attendance) if r.attendance else None,
        )
        for r in rows
    ]


@router.post("/attendance", response={201: AttendanceOut})
def record_attendance(request: HttpRequest, body: AttendanceIn) -> Any:
    agreement = selectors.agreement_get(
        user=request.user, pk=body.agreement, capability=Capability.EDIT_REGISTRY
    )
    row = services.attendance_record(
        actor=request.user, agreement=agreement, month=body.month, days_worked=body.days_worked,
        hours_worked=body.hours_worked, note=body.note,
    )  # fmt: skip
    return Status(201, AttendanceOut.of(row))


@router.post("/attendance/{pk}/pay", response=AttendanceOut)
def pay_attendance(request: HttpRequest, pk: int, body: PayIn) -> Any:
    row = selectors.attendance_get(user=request.user, pk=pk, capability=Capability.APPROVE_PAYMENTS)
    paid = services.attendance_pay(
        actor=request.user, attendance=row, paid_on=body.paid_on, paid_amount=body.paid_amount
    )
    return AttendanceOut.of(paid)
