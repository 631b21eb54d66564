"""The training channel over the API, mounted at /api/v1/employment/training/ (docs/api.md).
Same conventions as the rest of /api/v1: 404 for anything missing or outside the caller's areas,
422 with {field, value, message} when a write is refused (nothing is saved)."""

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

from . import allowance, selectors, services
from .models import Course, CourseStatus, Enrolment, Mode, RainDewStudent

router = Router(tags=["training"])


class CourseIn(Schema):
    area: int  # the 12-digit code of the county or township running it
    title: str
    skill: str
    provider: str
    start: dt.date
    end: dt.date
    hours: int
    cost_per_trainee: Decimal
    places: int
    mode: str = Mode.OFFLINE.value
    status: str = CourseStatus.PLANNED.value


class CourseOut(Schema):
    id: int
    area: int
    area_name: str
    title: str
    skill: str
    provider: str
    start: dt.date
    end: dt.date
    hours: int
    mode: str
    cost_per_trainee: Decimal
    places: int
    status: str
    enrolled: int
    completed: int
    certified: int

    @staticmethod
    def of(c: Course) -> dict[str, Any]:
        fields = (
            "title",
            "skill",
            "provider",
            "start",
            "end",
            "hours",
            "mode",
            "cost_per_trainee",
            "places",
            "status",
        )
        return {
            "id": c.pk,
            "area": c.area_id,
            "area_name": c.area.name,
            **{f: getattr(c, f) for f in fields},
            **{k: getattr(c, k, 0) for k in ("enrolled", "completed", "certified")},
        }


class RuleOut(Schema):
    kind: str
    name: str
    area_code: int
    effective_from: dt.date
    source: str
    params: dict[str, Any]


class OutcomeOut(Schema):
    key: int
    label: str
    area: str
    trainees: int
    completed: int
    certified: int
    due_3: int
    in_work_3: int
    due_6: int
    in_work_6: int


class CourseDetailOut(CourseOut):
    rule: RuleOut | None
    rule_error: str
    outcome: OutcomeOut | None


def _rule(rule: Any) -> dict[str, Any] | None:
    if rule is None:
        return None
    row = rule.row
    return {
        "kind": row.kind, "name": row.name, "area_code": row.area_code, "effective_from": row.effective_from,
        "source": row.source, "params": rule.params.model_dump(mode="json"),
    }  # fmt: skip


@router.get("/courses", response=list[CourseOut])
@paginate(LimitOffsetPagination)
def list_courses(request: HttpRequest, status: str = "", area: int | None = None, q: str = "") -> Any:
    return [CourseOut.of(c) for c in selectors.course_list(user=request.user, status=status, area=area, q=q)]


@router.get("/courses/{pk}", response=CourseDetailOut)
def get_course(request: HttpRequest, pk: int) -> Any:
    course = selectors.course_list(user=request.user).filter(pk=pk).first()
    if course is None:
        raise NotFound(pk)
    rule, error = selectors.rule_or_error(course)
    outcome = selectors.outcomes(user=request.user, course=course)["courses"]
    return {
        **CourseOut.of(course),
        "rule": _rule(rule),
        "rule_error": error,
        "outcome": outcome[0] if outcome else None,
    }


@router.post("/courses", response={201: CourseOut})
def create_course(request: HttpRequest, body: CourseIn) -> Any:
    area = area_selectors.area_get(user=request.user, code=body.area, capability=Capability.MANAGE_EMPLOYMENT)
    course = services.course_create(actor=request.user, area=area, **body.model_dump(exclude={"area"}))
    return Status(201, CourseOut.of(course))


class PaymentOut(Schema):
    id: int
    paid_on: dt.date
    amount: Decimal
    reference: str


class EnrolmentOut(Schema):
    id: int
    course: int
    person: int
    name: str
    village: int | None
    enrolled_on: dt.date
    days: int
    hours: Decimal
    attendance_share: float
    completed_on: dt.date | None
    certificate_kind: str
    certificate_number: str
    certificate_date: dt.date | None
    allowance_due: Decimal
    allowance_paid: Decimal
    allowance_outstanding: Decimal
    allowance_notes: list[str]


class EnrolmentDetailOut(EnrolmentOut):
    rule: RuleOut | None
    payments: list[PaymentOut]


def _enrolment(e: Enrolment, due: allowance.Due) -> dict[str, Any]:
    return {
        "id": e.pk, "course": e.course_id, "person": e.person_id, "name": e.person.name,
        "village": getattr(e, "village_id", None), "enrolled_on": e.enrolled_on, "days": due.days,
        "hours": due.hours, "attendance_share": round(due.share, 4), "completed_on": e.completed_on,
        "certificate_kind": e.certificate_kind, "certificate_number": e.certificate_number,
        "certificate_date": e.certificate_date, "allowance_due": due.total, "allowance_paid": due.paid,
        "allowance_outstanding": due.outstanding, "allowance_notes": due.notes,
    }  # fmt: skip


@router.get("/courses/{pk}/enrolments", response=list[EnrolmentOut])
def list_enrolments(request: HttpRequest, pk: int) -> Any:
    course = selectors.course_get(user=request.user, pk=pk)
    rows = list(selectors.enrolments_of(user=request.user, course=course))
    dues = allowance.dues([e.pk for e in rows])
    return [_enrolment(e, dues[e.pk]) for e in rows]


class EnrolIn(Schema):
    id_number: str
    enrolled_on: dt.date | None = None


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    e = selectors.enrolment_get(user=request.user, pk=pk)
    due = allowance.due_for(e)
    payments = [
        {"id": p.pk, "paid_on": p.paid_on, "amount": p.amount, "reference": p.reference}
        for p in e.payments.order_by("paid_on", "pk")
    ]
    e.village_id = services.person_area(e.person_id)  # type: ignore[attr-defined]
    return {**_enrolment(e, due), "rule": _rule(due.rule), "payments": payments}


@router.post("/courses/{pk}/enrolments", response={201: EnrolmentDetailOut})
def enrol(request: HttpRequest, pk: int, body: EnrolIn) -> Any:
    """Enrol a registered person by resident ID (once per course)."""
    course = selectors.course_get(user=request.user, pk=pk)
    person = services.person_by_id_number(actor=request.user, id_number=body.id_number)
    e = services.enrolment_create(
        actor=request.user, course=course, person=person, enrolled_on=body.enrolled_on
    )
    return Status(201, _detail(request, e.pk))


class PresentIn(Schema):
    enrolment: int
    hours: Decimal | None = None  # online courses: class hours studied that day


class AttendanceIn(Schema):
    day: dt.date
    present: list[PresentIn]


class AttendanceOut(Schema):
    day: dt.date
    present: int


@router.post("/courses/{pk}/attendance", response=AttendanceOut)
def mark_attendance(request: HttpRequest, pk: int, body: AttendanceIn) -> Any:
    """The day's sheet: the trainees present (the others the caller sees were absent)."""
    course = selectors.course_get(user=request.user, pk=pk)
    shown = selectors.enrolments_of(user=request.user, course=course).values_list("pk", flat=True)
    present = {p.enrolment: p.hours for p in body.present}
    n = services.attendance_mark(
        actor=request.user, course=course, day=body.day, present=present, sheet=list(shown)
    )
    return {"day": body.day, "present": n}


@router.get("/enrolments/{pk}", response=EnrolmentDetailOut)
def get_enrolment(request: HttpRequest, pk: int) -> Any:
    return _detail(request, pk)


class CompleteIn(Schema):
    completed_on: dt.date


@router.post("/enrolments/{pk}/complete", response=EnrolmentDetailOut)
def complete(request: HttpRequest, pk: int, body: CompleteIn) -> Any:
    e = selectors.enrolment_get(user=request.user, pk=pk)
    services.enrolment_complete(actor=request.user, enrolment=e, day=body.completed_on)
    return _detail(request, pk)


class CertificateIn(Schema):
    kind: str
    number: str
    date: dt.date


@router.post("/enrolments/{pk}/certificate", response=EnrolmentDetailOut)
def certificate(request: HttpRequest, pk: int, body: CertificateIn) -> Any:
    e = selectors.enrolment_get(user=request.user, pk=pk)
    services.certificate_record(actor=request.user, enrolment=e, **body.model_dump())
    return _detail(request, pk)


class PaymentIn(Schema):
    paid_on: dt.date
    amount: Decimal
    reference: str


@router.post("/enrolments/{pk}/payments", response={201: PaymentOut})
def pay_allowance(request: HttpRequest, pk: int, body: PaymentIn) -> Any:
    """Record a living-allowance payment: never above what is still owed."""
    e = selectors.enrolment_get(user=request.user, pk=pk)
    p = services.allowance_pay(actor=request.user, enrolment=e, **body.model_dump())
    return Status(201, {"id": p.pk, "paid_on": p.paid_on, "amount": p.amount, "reference": p.reference})


class RainDewIn(Schema):
    id_number: str
    school: str
    programme: str
    school_year: int


class RainDewOut(Schema):
    id: int
    person: int
    name: str
    village: int
    household: int
    school: str
    programme: str
    school_year: int
    grant: Decimal
    paid: Decimal
    rule: str
    rule_source: str


def _student(s: RainDewStudent, paid: Decimal | None = None) -> dict[str, Any]:
    if paid is None:
        paid = sum((p.amount for p in s.payments.all()), Decimal("0"))
    return {
        "id": s.pk, "person": s.person_id, "name": s.person.name, "village": s.village_id,
        "household": s.household_id, "school": s.school, "programme": s.programme,
        "school_year": s.school_year,
        "grant": s.grant, "paid": Decimal(paid).quantize(Decimal("0.01")), "rule": s.rule.name,
        "rule_source": s.rule.source,
    }  # fmt: skip


@router.get("/rain-dew", response=list[RainDewOut])
@paginate(LimitOffsetPagination)
def list_rain_dew(request: HttpRequest, year: int | None = None, q: str = "") -> Any:
    return [
        _student(s, getattr(s, "paid", None))
        for s in selectors.rain_dew_list(user=request.user, year=year, q=q)
    ]


@router.get("/rain-dew/{pk}", response=RainDewOut)
def get_rain_dew(request: HttpRequest, pk: int) -> Any:
    return _student(selectors.rain_dew_get(user=request.user, pk=pk))


@router.post("/rain-dew", response={201: RainDewOut})
def register_rain_dew(request: HttpRequest, body: RainDewIn) -> Any:
    """Register a 雨露计划 student for a school year; the grant is the rule's."""
    person = services.person_by_id_number(actor=request.user, id_number=body.id_number)
    s = services.rain_dew_register(
        actor=request.user, person=person, **body.model_dump(exclude={"id_number"})
    )
    return Status(201, _student(s))


@router.post("/rain-dew/{pk}/payments", response={201: PaymentOut})
def pay_rain_dew(request: HttpRequest, pk: int, body: PaymentIn) -> Any:
    s = selectors.rain_dew_get(user=request.user, pk=pk)
    p = services.rain_dew_pay(actor=request.user, student=s, **body.model_dump())
    return Status(201, {"id": p.pk, "paid_on": p.paid_on, "amount": p.amount, "reference": p.reference})


class OutcomesOut(Schema):
    areas: list[OutcomeOut]
    courses: list[OutcomeOut]


@router.get("/outcomes", response=OutcomesOut)
def outcomes(request: HttpRequest, area: int | None = None) -> Any:
    """Trainees, completions, certificates, and those in work 3 and 6 months after completing
    (from the ledger), per area and per course."""
    return selectors.outcomes(user=request.user, area=area)
