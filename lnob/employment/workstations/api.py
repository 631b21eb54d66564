"""Workstation endpoints (mounted at /api/v1/employment/workstations/): the stations, a station's
roster on a day, its vacancies, disputes and visits, and the writes of its daily work. Same
conventions as the rest of /api/v1: 404 for anything missing or outside the caller's reach,
422 with {field, value, message} when a write is refused (nothing is saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from lnob.areas.models import Area
from lnob.core.errors import DomainError, NotFound
from lnob.employment.models import Employer, Location, Physical
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors, services
from .models import Dispute, Visit, Workstation
from .selectors import Access

router = Router(tags=["workstations"])


class StationOut(Schema):
    id: int
    county: int
    name: str
    destination_city: str
    destination_province: str
    address: str
    contact_name: str
    contact_phone: str
    opened_on: dt.date
    closed_on: dt.date | None
    officers: list[str]
    access: str


class StationRow(Schema):
    id: int
    county: int
    name: str
    destination_city: str
    roster: int
    open_disputes: int
    open_vacancies: int


class StationIn(Schema):
    county: int
    name: str
    destination_city: str
    opened_on: dt.date
    destination_province: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    officers: list[str] = []
    note: str = ""


class RosterOut(Schema):
    person_id: int
    name: str
    village: int
    employer: str
    destination: str
    since: dt.date
    monthly_wage: Decimal | None  # null when none is known, or the caller may not see it
    placed: bool


class PlacementIn(Schema):
    employer_code: str
    start: dt.date
    person_id: int | None = None
    id_number: str = ""
    monthly_wage: Decimal | None = None
    location: str = Location.OUT_OF_PROVINCE
    destination: str = ""
    close_open: bool = True
    note: str = ""


class PlacementOut(Schema):
    id: int
    person_id: int
    spell_id: int
    employer: str
    start: dt.date


class VacancyIn(Schema):
    employer_code: str
    title: str
    headcount: int
    wage_min: Decimal
    wage_max: Decimal
    start: dt.date
    location: str = Location.OUT_OF_PROVINCE
    destination: str = ""
    age_min: int = 16
    age_max: int = 60
    skills: str = ""
    certificates: str = ""
    physical: str = Physical.MEDIUM
    home_based: bool = False
    housing: bool = False


class VacancyOut(Schema):
    id: int
    employer: str
    employer_code: str
    title: str
    headcount: int
    wage_min: Decimal
    wage_max: Decimal
    start: dt.date
    status: str


class DisputeIn(Schema):
    employer_code: str
    kind: str
    amount_claimed: Decimal
    opened_on: dt.date
    summary: str
    person_id: int | None = None
    id_number: str = ""


class StepIn(Schema):
    action: str
    on: dt.date
    note: str
    amount_recovered: Decimal | None = None
    escalated_to: str = ""
    expected_state: str | None = None


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    on: dt.date
    actor: str
    note: str


class DisputeOut(Schema):
    id: int
    station: int
    person_id: int
    person: str
    employer: str
    employer_code: str
    kind: str
    state: str
    opened_on: dt.date
    mediation_on: dt.date | None
    closed_on: dt.date | None
    amount_claimed: Decimal
    amount_recovered: Decimal
    escalated_to: str
    summary: str


class DisputeDetailOut(DisputeOut):
    events: list[EventOut]


class VisitIn(Schema):
    on: dt.date
    visitors: str
    employer_code: str = ""
    place: str = ""
    persons_met: int | None = None
    person_ids: list[int] = []
    notes: str = ""


class VisitOut(Schema):
    id: int
    on: dt.date
    visitors: str
    employer: str
    place: str
    persons_met: int
    persons: list[str]
    notes: str


def _station_out(station: Workstation, level: Access) -> dict[str, Any]:
    return {
        "id": station.pk,
        "county": station.county_id,
        "name": station.name,
        "destination_city": station.destination_city,
        "destination_province": station.destination_province,
        "address": station.address,
        "contact_name": station.contact_name,
        "contact_phone": station.contact_phone,
        "opened_on": station.opened_on,
        "closed_on": station.closed_on,
        "officers": list(station.officers.order_by("username").values_list("username", flat=True)),
        "access": str(level),
    }


def _dispute_out(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.pk,
        "station": d.station_id,
        "person_id": d.person_id,
        "person": d.person.name,
        "employer": d.employer.name,
        "employer_code": d.employer.credit_code,
        "kind": d.kind,
        "state": d.state,
        "opened_on": d.opened_on,
        "mediation_on": d.mediation_on,
        "closed_on": d.closed_on,
        "amount_claimed": d.amount_claimed,
        "amount_recovered": d.amount_recovered,
        "escalated_to": d.escalated_to,
        "summary": d.summary,
    }


def _employer(station: Workstation, code: str, field: str = "employer_code") -> Employer:
    employer = selectors.station_employers(station).filter(credit_code=code.strip().upper()).first()
    if employer is None:
        raise DomainError(field, code, services.WMsg.EMPLOYER_NOT_LISTED)
    return employer


def _person(station: Workstation, person_id: int | None, id_number: str) -> Person:
    """A person of the roster by id, or of the county by resident ID; refused otherwise."""
    if person_id is not None:
        roster = {r.person_id for r in selectors.rosters([station], today())[station.pk]}
        if person_id not in roster:
            raise DomainError("person_id", person_id, services.WMsg.NOT_ON_ROSTER)
        return Person.objects.get(pk=person_id)
    try:
        return selectors.county_person(station=station, id_number=id_number, day=today())
    except NotFound:
        raise DomainError("id_number", id_number, services.WMsg.NOT_IN_COUNTY) from None


@router.get("/stations", response=list[StationRow])
def list_stations(request: HttpRequest) -> Any:
    return [
        {
            "id": r.station.pk,
            "county": r.station.county_id,
            "name": r.station.name,
            "destination_city": r.station.destination_city,
            "roster": r.roster,
            "open_disputes": r.open_disputes,
            "open_vacancies": r.open_vacancies,
        }
        for r in selectors.station_summaries(user=request.user, day=today())
    ]


@router.post("/stations", response={201: StationOut})
def create_station(request: HttpRequest, body: StationIn) -> Any:
    """Set a station up (the county's employment staff)."""
    from django.contrib.auth import get_user_model

    county = Area.objects.filter(code=body.county).first()
    if county is None:
        raise NotFound(body.county)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=body.officers)}
    missing = next((name for name in body.officers if name not in users), None)
    if missing is not None:
        raise DomainError("officers", missing, services.WMsg.NOT_AN_OFFICER)
    station = services.station_create(
        actor=request.user,
        county=county,
        officers=list(users.values()),
        **body.model_dump(exclude={"county", "officers"}),
    )
    return Status(201, _station_out(station, Access.MANAGE))


@router.get("/stations/{pk}", response=StationOut)
def get_station(request: HttpRequest, pk: int) -> Any:
    station, level = selectors.station_get(user=request.user, pk=pk)
    return _station_out(station, level)


@router.get("/stations/{pk}/roster", response=list[RosterOut])
def station_roster(request: HttpRequest, pk: int, day: dt.date | None = None) -> Any:
    """The station's migrants on `day` (today by default), read from the ledger."""
    station, level = selectors.station_get(user=request.user, pk=pk)
    rows = selectors.roster_for(user=request.user, station=station, level=level, day=day or today())
    return [
        {
            "person_id": r.person_id,
            "name": r.name,
            "village": r.village,
            "employer": r.employer,
            "destination": r.destination,
            "since": r.since,
            "placed": r.placed,
            "monthly_wage": r.wage if selectors.wage_shown(request.user, r) else None,
        }
        for r in rows
    ]


@router.post("/stations/{pk}/placements", response={201: PlacementOut})
def create_placement(request: HttpRequest, pk: int, body: PlacementIn) -> Any:
    """The station placed a person in a job: a spell is written to the ledger (organised export)."""
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    placement = services.placement_record(
        actor=request.user,
        station=station,
        person=_person(station, body.person_id, body.id_number),
        employer=_employer(station, body.employer_code),
        start=body.start,
        monthly_wage=body.monthly_wage,
        location=body.location,
        destination=body.destination,
        close_open=body.close_open,
        note=body.note,
    )
    spell = placement.spell
    return Status(
        201,
        {
            "id": placement.pk,
            "person_id": placement.person_id,
            "spell_id": spell.pk,
            "employer": spell.employer.name if spell.employer else "",
            "start": spell.start,
        },
    )


def _vacancy_out(v: Any) -> dict[str, Any]:
    return {
        "id": v.pk,
        "employer": v.employer.name,
        "employer_code": v.employer.credit_code,
        "title": v.title,
        "headcount": v.headcount,
        "wage_min": v.wage_min,
        "wage_max": v.wage_max,
        "start": v.start,
        "status": v.status,
    }


@router.get("/stations/{pk}/vacancies", response=list[VacancyOut])
def station_vacancies(request: HttpRequest, pk: int) -> Any:
    station, _level = selectors.station_get(user=request.user, pk=pk)
    return [_vacancy_out(v) for v in selectors.station_vacancies(station)]


@router.post("/stations/{pk}/vacancies", response={201: VacancyOut})
def create_vacancy(request: HttpRequest, pk: int, body: VacancyIn) -> Any:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    vacancy = services.station_vacancy_create(
        actor=request.user,
        station=station,
        employer=_employer(station, body.employer_code),
        **body.model_dump(exclude={"employer_code"}),
    )
    return Status(201, _vacancy_out(vacancy))


@router.get("/stations/{pk}/disputes", response=list[DisputeOut])
def station_disputes(request: HttpRequest, pk: int, state: str = "") -> Any:
    """The station's cases (`state`: open, or one state; all by default)."""
    station, level = selectors.station_get(user=request.user, pk=pk)
    return [
        _dispute_out(d)
        for d in selectors.station_disputes(user=request.user, station=station, level=level, state=state)
    ]


@router.post("/stations/{pk}/disputes", response={201: DisputeDetailOut})
def create_dispute(request: HttpRequest, pk: int, body: DisputeIn) -> Any:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    dispute = services.dispute_open(
        actor=request.user,
        station=station,
        person=_person(station, body.person_id, body.id_number),
        employer=_employer(station, body.employer_code),
        kind=body.kind,
        amount_claimed=body.amount_claimed,
        opened_on=body.opened_on,
        summary=body.summary,
    )
    return Status(201, _dispute_detail(dispute))


def _dispute_detail(dispute: Dispute) -> dict[str, Any]:
    events = [
        {
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "on": e.on,
            "actor": e.actor.username,
            "note": e.note,
        }
        for e in dispute.events.select_related("actor")
    ]
    return _dispute_out(dispute) | {"events": events}


@router.get("/disputes/{pk}", response=DisputeDetailOut)
def get_dispute(request: HttpRequest, pk: int) -> Any:
    dispute, _level = selectors.dispute_get(user=request.user, pk=pk)
    return _dispute_detail(dispute)


@router.post("/disputes/{pk}/steps", response=DisputeDetailOut)
def dispute_step(request: HttpRequest, pk: int, body: StepIn) -> Any:
    """mediate (intake → mediation), resolve (with `amount_recovered`), escalate (with
    `escalated_to`); `expected_state` guards against a step taken twice."""
    dispute, _level = selectors.dispute_get(user=request.user, pk=pk, run=True)
    updated = services.dispute_step(actor=request.user, dispute=dispute, **body.model_dump())
    found, _level = selectors.dispute_get(user=request.user, pk=updated.pk)
    return _dispute_detail(found)


def _visit_out(v: Visit, names: list[str]) -> dict[str, Any]:
    return {
        "id": v.pk,
        "on": v.on,
        "visitors": v.visitors,
        "employer": v.employer.name if v.employer else "",
        "place": v.place,
        "persons_met": v.persons_met,
        "persons": names,
        "notes": v.notes,
    }


@router.get("/stations/{pk}/visits", response=list[VisitOut])
def station_visits(request: HttpRequest, pk: int) -> Any:
    station, level = selectors.station_get(user=request.user, pk=pk)
    return [
        _visit_out(v, names)
        for v, names in selectors.station_visits(user=request.user, station=station, level=level)
    ]


@router.post("/stations/{pk}/visits", response={201: VisitOut})
def create_visit(request: HttpRequest, pk: int, body: VisitIn) -> Any:
    station, _level = selectors.station_get(user=request.user, pk=pk, run=True)
    employer = _employer(station, body.employer_code) if body.employer_code.strip() else None
    # only people of the station's roster on the day can be named: anyone else is "not on the
    # roster", whether they exist or not
    roster = {r.person_id for r in selectors.rosters([station], body.on)[station.pk]}
    persons = list(Person.objects.filter(pk__in=set(body.person_ids) & roster))
    if len(persons) != len(set(body.person_ids)):
        missing = sorted(set(body.person_ids) - {p.pk for p in persons})[0]
        raise DomainError("persons", missing, services.WMsg.NOT_ON_ROSTER)
    visit = services.visit_record(
        actor=request.user,
        station=station,
        on=body.on,
        visitors=body.visitors,
        employer=employer,
        place=body.place,
        persons_met=body.persons_met,
        persons=persons,
        notes=body.notes,
    )
    return Status(201, _visit_out(visit, sorted(p.name for p in persons)))
