"""Setting a fair up: the fair and its status, its recruiters and their vacancies, and its attendees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django_fsm import can_proceed
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from lnob.areas.codes import Level, is_within
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.models import Employer, Vacancy
from lnob.employment.services import vacancy_check
from lnob.registry.models import Person
from lnob.registry.selectors import today

from ..models import (
    Attendee,
    FairVacancy,
    JobFair,
    Recruiter,
)
from .common import county_of, lock_fair, person_home, require_manager, require_open
from .messages import ACTIONS, FairMsg

# -- the fair -------------------------------------------------------------------------------------


def _check_fair_fields(
    *, area: Area, name: str, start: dt.date, end: dt.date, venue: str, village: Area
) -> None:
    if not name.strip():
        raise DomainError("name", name, Msg.REQUIRED)
    if not venue.strip():
        raise DomainError("venue", venue, Msg.REQUIRED)
    if end < start:
        raise DomainError("end", end, FairMsg.END_BEFORE_START)
    if village.level != Level.VILLAGE or not is_within(village.code, area.code, Level(area.level)):
        raise DomainError("village", village.code, FairMsg.VILLAGE_OUTSIDE)


def _next_code(county: int, start: dt.date) -> str:
    """ZP + the first day + a number, e.g. ZP20260305-1: short enough to write on a form."""
    stem = f"ZP{start:%Y%m%d}-"
    taken = set(
        JobFair.objects.filter(county_id=county, code__startswith=stem).values_list("code", flat=True)
    )
    n = 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


@transaction.atomic
def fair_create(
    *,
    actor: Any,
    area: Area,
    name: str,
    start: dt.date,
    venue: str,
    village: Area,
    end: dt.date | None = None,
    code: str = "",
    note: str = "",
) -> JobFair:
    """A fair organised by a county or a township the actor manages, held at `venue` in one of its
    villages (or communities). `code` is unique in the county; left blank, one is made."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, area.code):
        raise NotFound(area.code)
    if area.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise DomainError("area", area.code, FairMsg.NOT_COUNTY_OR_TOWNSHIP)
    end = end or start
    _check_fair_fields(area=area, name=name, start=start, end=end, venue=venue, village=village)
    county = county_of(area.code)
    code = code.strip() or _next_code(county, start)
    if JobFair.objects.filter(county_id=county, code=code).exists():
        raise DomainError("code", code, FairMsg.CODE_TAKEN)
    with set_actor(actor):
        return JobFair.objects.create(
            county_id=county,
            area=area,
            code=code,
            name=name.strip(),
            start=start,
            end=end,
            venue=venue.strip(),
            village=village,
            note=note.strip(),
            created_by=actor,
        )


@transaction.atomic
def fair_update(
    *,
    actor: Any,
    fair: JobFair,
    name: str,
    start: dt.date,
    end: dt.date,
    venue: str,
    village: Area,
    note: str = "",
) -> JobFair:
    """Change a fair's name, dates or venue; a closed fair is kept as it was."""
    require_manager(actor, fair)
    fair = lock_fair(fair)
    if not fair.open:
        raise DomainError("status", fair.status, FairMsg.CLOSED)
    area = Area.objects.get(code=fair.area_id)
    _check_fair_fields(area=area, name=name, start=start, end=end, venue=venue, village=village)
    fair.name, fair.start, fair.end, fair.venue = name.strip(), start, end, venue.strip()
    fair.village, fair.note = village, note.strip()
    with set_actor(actor):
        fair.save(update_fields=["name", "start", "end", "venue", "village", "note"])
    return fair


def _status_error(fair: JobFair, action: str) -> DomainError:
    return DomainError(
        "status",
        fair.status,
        str(FairMsg.STATUS).format(status=fair.get_status_display(), action=ACTIONS[action]),
    )


@transaction.atomic
def fair_hold(*, actor: Any, fair: JobFair) -> JobFair:
    """The fair took place: from its first day on, interviews and offers are recorded."""
    require_manager(actor, fair)
    fair = lock_fair(fair)
    if not can_proceed(fair.hold):
        raise _status_error(fair, "hold")
    if today() < fair.start:
        raise DomainError("status", fair.status, str(FairMsg.NOT_YET).format(start=fair.start))
    fair.hold()
    with set_actor(actor):
        fair.save(update_fields=["status"])
    return fair


@transaction.atomic
def fair_close(*, actor: Any, fair: JobFair) -> JobFair:
    """Follow-up over: no new recruiters, vacancies, attendees, interviews or offers. Offers already
    made may still be taken up (hired) or declined: people start work weeks after a fair."""
    require_manager(actor, fair)
    fair = lock_fair(fair)
    if not can_proceed(fair.close):
        raise _status_error(fair, "close")
    fair.close()
    with set_actor(actor):
        fair.save(update_fields=["status"])
    return fair


# -- recruiters and their vacancies -----------------------------------------------------------------


def _valid_code(credit_code: str) -> str:
    try:
        return str(uscc.validate(credit_code))
    except ValidationError:
        raise DomainError("credit_code", credit_code, Msg.CREDIT_CODE_INVALID) from None


def _employer_for(
    *,
    actor: Any,
    fair: JobFair,
    employer: Employer | None,
    credit_code: str,
    name: str,
    sector: str,
    address: str,
) -> Employer:
    """The employer of the county's list; one from elsewhere is added to the list (the same checks
    as the ledger's employer_create: a valid credit code and a name). A township organiser may add
    to the county's list for its fair."""
    if employer is not None:
        if employer.county_id != fair.county_id:
            raise DomainError("employer", employer.pk, FairMsg.EMPLOYER_NOT_LISTED)
        return employer
    if not credit_code.strip():
        raise DomainError("credit_code", credit_code, FairMsg.EMPLOYER_REQUIRED)
    code = _valid_code(credit_code)
    found = Employer.objects.filter(county_id=fair.county_id, credit_code=code).first()
    if found is not None:
        return found
    if not name.strip():
        raise DomainError("employer_name", name, FairMsg.NAME_FOR_NEW_EMPLOYER)
    with set_actor(actor):
        return Employer.objects.create(
            county_id=fair.county_id,
            credit_code=code,
            name=name.strip(),
            sector=sector.strip(),
            address=address.strip(),
        )


@transaction.atomic
def recruiter_add(
    *,
    actor: Any,
    fair: JobFair,
    employer: Employer | None = None,
    credit_code: str = "",
    employer_name: str = "",
    sector: str = "",
    address: str = "",
    booth: str = "",
    contact: str = "",
) -> Recruiter:
    """An employer recruiting at the fair: one of the county's list, or one from elsewhere by its
    unified social credit code (added to the county's list with `employer_name`)."""
    require_manager(actor, fair)
    fair = lock_fair(fair)
    require_open(fair)
    chosen = _employer_for(
        actor=actor,
        fair=fair,
        employer=employer,
        credit_code=credit_code,
        name=employer_name,
        sector=sector,
        address=address,
    )
    if Recruiter.objects.filter(fair=fair, employer=chosen).exists():
        raise DomainError("employer", chosen.name, FairMsg.RECRUITER_TAKEN)
    with set_actor(actor):
        return Recruiter.objects.create(
            fair=fair, employer=chosen, booth=booth.strip(), contact=contact.strip(), created_by=actor
        )


def check_vacancy(
    *,
    title: str,
    headcount: int,
    location: str,
    wage_min: Decimal,
    wage_max: Decimal,
    age_min: int,
    age_max: int,
    physical: str,
) -> None:
    """The ledger's rules for a vacancy (lnob.employment.services.vacancy_check): the county's
    vacancy service is for the county's managers only, and a township organises fairs too."""
    vacancy_check(
        title=title, headcount=headcount, location=location, wage_min=wage_min, wage_max=wage_max,
        age_min=age_min, age_max=age_max, physical=physical,
    )  # fmt: skip


def _recruiter(actor: Any, recruiter: Recruiter) -> tuple[Recruiter, JobFair]:
    recruiter = Recruiter.objects.select_related("fair", "employer").get(pk=recruiter.pk)
    require_manager(actor, recruiter.fair)
    fair = lock_fair(recruiter.fair)
    require_open(fair)
    return recruiter, fair


@transaction.atomic
def fair_vacancy_add(
    *,
    actor: Any,
    recruiter: Recruiter,
    title: str,
    headcount: int,
    location: str,
    wage_min: Decimal,
    wage_max: Decimal,
    start: dt.date,
    age_min: int = 16,
    age_max: int = 60,
    destination: str = "",
    skills: str = "",
    certificates: str = "",
    physical: str = "medium",
    home_based: bool = False,
    housing: bool = False,
) -> FairVacancy:
    """A new vacancy of the recruiter's employer (an employment.Vacancy, on the county's list like
    any other), offered at the fair."""
    recruiter, _fair = _recruiter(actor, recruiter)
    check_vacancy(
        title=title,
        headcount=headcount,
        location=location,
        wage_min=wage_min,
        wage_max=wage_max,
        age_min=age_min,
        age_max=age_max,
        physical=physical,
    )
    with set_actor(actor):
        vacancy = Vacancy.objects.create(
            employer=recruiter.employer,
            title=title.strip(),
            headcount=headcount,
            location=location,
            destination=destination.strip(),
            wage_min=wage_min,
            wage_max=wage_max,
            age_min=age_min,
            age_max=age_max,
            skills=skills.strip(),
            certificates=certificates.strip(),
            physical=physical,
            home_based=home_based,
            housing=housing,
            start=start,
            created_by=actor,
        )
        return FairVacancy.objects.create(recruiter=recruiter, vacancy=vacancy)


@transaction.atomic
def fair_vacancy_link(*, actor: Any, recruiter: Recruiter, vacancy: Vacancy) -> FairVacancy:
    """An open vacancy the employer already posted, offered at the fair too."""
    recruiter, _fair = _recruiter(actor, recruiter)
    if vacancy.employer_id != recruiter.employer_id:
        raise DomainError("vacancy", vacancy.pk, FairMsg.VACANCY_OTHER_EMPLOYER)
    if vacancy.status != Vacancy.Status.OPEN:
        raise DomainError("vacancy", vacancy.title, FairMsg.VACANCY_CLOSED)
    if FairVacancy.objects.filter(recruiter=recruiter, vacancy=vacancy).exists():
        raise DomainError("vacancy", vacancy.title, FairMsg.VACANCY_LINKED)
    with set_actor(actor):
        return FairVacancy.objects.create(recruiter=recruiter, vacancy=vacancy)


# -- attendees ------------------------------------------------------------------------------------


@transaction.atomic
def attendee_register(
    *,
    actor: Any,
    fair: JobFair,
    person: Person,
    registered_on: dt.date | None = None,
    note: str = "",
    vacancies: Sequence[Vacancy] = (),
) -> Attendee:
    """A registered person of the organiser's area comes to the fair to find work, with the
    vacancies they are interested in (each an application waiting for its interview)."""
    village = person_home(person)
    if village is None:
        if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
            raise NotFound(person.pk)
        raise DomainError("person", person.name, FairMsg.PERSON_NO_HOUSEHOLD)
    if not can(actor, Capability.EDIT_REGISTRY, village):
        raise NotFound(person.pk)
    fair = lock_fair(fair)
    require_open(fair)
    area_level = Level(Area.objects.values_list("level", flat=True).get(code=fair.area_id))
    if not is_within(village, fair.area_id, area_level):
        raise DomainError("person", person.name, FairMsg.PERSON_OUTSIDE)
    registered_on = registered_on or today()
    if registered_on > today():
        raise DomainError("registered_on", registered_on, Msg.IN_FUTURE)
    if Attendee.objects.filter(fair=fair, person=person).exists():
        raise DomainError("person", person.name, FairMsg.ATTENDEE_TAKEN)
    with set_actor(actor):
        attendee = Attendee.objects.create(
            fair=fair,
            person=person,
            village_id=village,
            registered_on=registered_on,
            note=note.strip(),
            created_by=actor,
        )
    from .applications import application_create

    for vacancy in vacancies:
        application_create(actor=actor, attendee=attendee, vacancy=vacancy)
    return attendee
