"""Job fairs over the API (mounted at /api/v1/employment/fairs/): the fairs of the caller's areas
with their figures, vacancies and applications; setting a fair up (create, hold, close, recruiters
and vacancies); registering attendees; recording outcomes. 404 outside the caller's areas; 422
with {field, value, message} when a write is refused (nothing is saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, scope_ranges
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.models import Employer, Vacancy
from lnob.registry.models import Person

from . import selectors, services
from .models import FairVacancy, JobFair, Recruiter

router = Router(tags=["fairs"])


class FairOut(Schema):
    id: int
    code: str
    name: str
    area: int = Field(alias="area_id")
    county: int = Field(alias="county_id")
    start: dt.date
    end: dt.date
    venue: str
    village: int = Field(alias="village_id")
    status: str
    note: str


class FiguresOut(Schema):
    recruiters: int
    vacancies: int
    places: int
    attendees: int
    applications: int
    interviews: int
    offers: int
    hires: int
    poor_hires: int
    declined: int
    rejected: int


class FairDetailOut(FairOut):
    figures: FiguresOut


class FairIn(Schema):
    area: int
    name: str
    start: dt.date
    end: dt.date | None = None
    venue: str
    village: int
    code: str = ""
    note: str = ""


class VacancyOut(Schema):
    id: int
    recruiter: int
    employer: str
    credit_code: str
    booth: str
    title: str
    headcount: int
    location: str
    destination: str
    wage_min: Decimal
    wage_max: Decimal
    age_min: int
    age_max: int
    start: dt.date
    status: str


class RecruiterIn(Schema):
    employer: int | None = None  # an employer of the county's list
    credit_code: str = ""  # or one from elsewhere, added to the list
    employer_name: str = ""
    sector: str = ""
    address: str = ""
    booth: str = ""
    contact: str = ""


class RecruiterOut(Schema):
    id: int
    employer: int
    employer_name: str
    credit_code: str
    booth: str


class VacancyIn(Schema):
    title: str
    headcount: int
    location: str
    wage_min: Decimal
    wage_max: Decimal
    start: dt.date
    age_min: int = 16
    age_max: int = 60
    destination: str = ""
    skills: str = ""
    certificates: str = ""
    physical: str = "medium"
    home_based: bool = False
    housing: bool = False


class AttendeeIn(Schema):
    person: int | None = None  # the person's id, or
    id_number: str = ""  # their resident ID
    vacancies: list[int] = []
    note: str = ""


class ApplicationOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    person_name: str = Field(alias="person.name")
    village: int = Field(alias="village_id")
    vacancy: int = Field(alias="vacancy_id")
    employer: str = Field(alias="vacancy.employer.name")
    title: str = Field(alias="vacancy.title")
    source: str
    state: str
    interviewed_on: dt.date | None
    offered_on: dt.date | None
    offered_wage: Decimal | None
    offered_start: dt.date | None
    decided_on: dt.date | None
    reason: str
    note: str
    spell: int | None = Field(alias="spell_id")


class AttendeeOut(Schema):
    id: int
    fair: int = Field(alias="fair_id")
    person: int = Field(alias="person_id")
    village: int = Field(alias="village_id")
    registered_on: dt.date
    applications: list[ApplicationOut]

    @staticmethod
    def resolve_applications(attendee: Any) -> Any:
        return attendee.applications.select_related("person", "vacancy__employer").order_by("pk")


class OutcomeIn(Schema):
    outcome: str  # interview, offer, hire, decline, reject
    on: dt.date | None = None
    wage: Decimal | None = None
    start: dt.date | None = None
    reason: str = ""
    note: str = ""


def _managed(request: HttpRequest, pk: int) -> JobFair:
    fair = selectors.fair_get(user=request.user, pk=pk)
    if not selectors.may_manage(request.user, fair):
        raise NotFound(pk)
    return fair


@router.get("/", response=list[FairOut])
@paginate(LimitOffsetPagination)
def list_fairs(request: HttpRequest, status: str = "") -> Any:
    return selectors.fair_list(user=request.user, status=status)


@router.get("/{pk}", response=FairDetailOut)
def get_fair(request: HttpRequest, pk: int) -> Any:
    fair = selectors.fair_get(user=request.user, pk=pk)
    figures = FiguresOut(**selectors.fair_figures(fair).__dict__)
    return FairDetailOut(**FairOut.from_orm(fair).model_dump(by_alias=True), figures=figures)


@router.post("/", response={201: FairOut})
def create_fair(request: HttpRequest, body: FairIn) -> Any:
    area = Area.objects.filter(code=body.area).first()
    village = Area.objects.filter(code=body.village).first()
    if area is None:
        raise NotFound(body.area)
    if village is None:
        raise DomainError("village", body.village, services.FairMsg.VILLAGE_OUTSIDE)
    fair = services.fair_create(
        actor=request.user, area=area, village=village, **body.model_dump(exclude={"area", "village"})
    )
    return Status(201, fair)


@router.post("/{pk}/hold", response=FairOut)
def hold_fair(request: HttpRequest, pk: int) -> Any:
    return services.fair_hold(actor=request.user, fair=_managed(request, pk))


@router.post("/{pk}/close", response=FairOut)
def close_fair(request: HttpRequest, pk: int) -> Any:
    return services.fair_close(actor=request.user, fair=_managed(request, pk))


@router.get("/{pk}/vacancies", response=list[VacancyOut])
def fair_vacancies(request: HttpRequest, pk: int) -> Any:
    fair = selectors.fair_get(user=request.user, pk=pk)
    return [
        {
            "id": link.vacancy.pk,
            "recruiter": r.pk,
            "employer": r.employer.name,
            "credit_code": r.employer.credit_code,
            "booth": r.booth,
            "title": link.vacancy.title,
            "headcount": link.vacancy.headcount,
            "location": link.vacancy.location,
            "destination": link.vacancy.destination,
            "wage_min": link.vacancy.wage_min,
            "wage_max": link.vacancy.wage_max,
            "age_min": link.vacancy.age_min,
            "age_max": link.vacancy.age_max,
            "start": link.vacancy.start,
            "status": link.vacancy.status,
        }
        for r in selectors.recruiters_of(fair)
        for link in r.links.all()
    ]


@router.post("/{pk}/recruiters", response={201: RecruiterOut})
def add_recruiter(request: HttpRequest, pk: int, body: RecruiterIn) -> Any:
    fair = _managed(request, pk)
    employer = None
    if body.employer is not None:
        employer = Employer.objects.filter(pk=body.employer, county_id=fair.county_id).first()
        if employer is None:
            raise DomainError("employer", body.employer, services.FairMsg.EMPLOYER_NOT_LISTED)
    r = services.recruiter_add(
        actor=request.user, fair=fair, employer=employer, **body.model_dump(exclude={"employer"})
    )
    return Status(
        201,
        {
            "id": r.pk,
            "employer": r.employer_id,
            "employer_name": r.employer.name,
            "credit_code": r.employer.credit_code,
            "booth": r.booth,
        },
    )


@router.post("/recruiters/{pk}/vacancies", response={201: VacancyOut})
def add_vacancy(request: HttpRequest, pk: int, body: VacancyIn) -> Any:
    recruiter = Recruiter.objects.select_related("employer").filter(pk=pk).first()
    if recruiter is None:
        raise NotFound(pk)
    _managed(request, recruiter.fair_id)
    v = services.fair_vacancy_add(actor=request.user, recruiter=recruiter, **body.model_dump()).vacancy
    return Status(
        201,
        {
            "id": v.pk,
            "recruiter": recruiter.pk,
            "employer": recruiter.employer.name,
            "credit_code": recruiter.employer.credit_code,
            "booth": recruiter.booth,
            "title": v.title,
            "headcount": v.headcount,
            "location": v.location,
            "destination": v.destination,
            "wage_min": v.wage_min,
            "wage_max": v.wage_max,
            "age_min": v.age_min,
            "age_max": v.age_max,
            "start": v.start,
            "status": v.status,
        },
    )


@router.get("/{pk}/applications", response=list[ApplicationOut])
@paginate(LimitOffsetPagination)
def fair_applications(request: HttpRequest, pk: int, state: str = "", village: int | None = None) -> Any:
    """The fair's applications of the caller's villages (names, not resident IDs)."""
    fair = selectors.fair_get(user=request.user, pk=pk)
    return selectors.applications_of(user=request.user, fair=fair, state=state, village=village)


@router.post("/{pk}/attendees", response={201: AttendeeOut})
def register_attendee(request: HttpRequest, pk: int, body: AttendeeIn) -> Any:
    fair = selectors.fair_get(user=request.user, pk=pk)
    if not scope_ranges(request.user, Capability.EDIT_REGISTRY):
        raise NotFound(pk)
    people = Person.objects.visible_to(request.user)
    if body.person is not None:
        person = people.filter(pk=body.person).first()
    else:
        person = people.filter(id_number=body.id_number.strip().upper()).first() if body.id_number else None
    if person is None:
        raise NotFound(body.person or "id_number")
    # only the fair's own vacancies: another county's is "not at the fair", title unsaid
    at_fair = FairVacancy.objects.filter(recruiter__fair=fair, vacancy_id__in=body.vacancies)
    vacancies = list(Vacancy.objects.filter(pk__in=at_fair.values("vacancy_id")).select_related("employer"))
    if len(vacancies) != len(set(body.vacancies)):
        missing = sorted(set(body.vacancies) - {v.pk for v in vacancies})
        raise DomainError("vacancies", missing[0], services.FairMsg.NOT_AT_FAIR)
    attendee = services.attendee_register(
        actor=request.user, fair=fair, person=person, note=body.note, vacancies=vacancies
    )
    return Status(201, attendee)


@router.post("/applications/{pk}/outcome", response=ApplicationOut)
def record_outcome(request: HttpRequest, pk: int, body: OutcomeIn) -> Any:
    """One step of an application: `interview`, `offer` (wage, start), `hire` (start: the first
    day of work; writes the ledger's spell), `decline` or `reject` (reason, note)."""
    app = selectors.application_get(user=request.user, pk=pk)
    if not can(request.user, Capability.EDIT_REGISTRY, app.village_id):
        raise NotFound(pk)
    user, on = request.user, body.on
    if body.outcome == "interview":
        services.application_interview(actor=user, application=app, on=on)
    elif body.outcome == "offer":
        services.application_offer(
            actor=user, application=app, wage=body.wage, on=on, start=body.start, note=body.note
        )
    elif body.outcome == "hire":
        if body.start is None:
            raise DomainError("start", None, Msg.REQUIRED)
        services.application_hire(actor=user, application=app, start=body.start, monthly_wage=body.wage)
    elif body.outcome in ("decline", "reject"):
        step = services.application_decline if body.outcome == "decline" else services.application_reject
        step(actor=user, application=app, reason=body.reason, on=on, note=body.note)
    else:
        raise DomainError("outcome", body.outcome, Msg.UNKNOWN_CODE)
    return selectors.application_get(user=request.user, pk=pk)
