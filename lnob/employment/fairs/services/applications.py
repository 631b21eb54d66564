"""Applications and their outcomes (interview, offer, hire, decline, rejection): the general
model a fair uses and job matching's referrals will use too (docs/employment-fairs.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django_fsm import can_proceed

from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.models import SpellStatus, Vacancy
from lnob.registry.models import Person
from lnob.registry.rules import age_on
from lnob.registry.selectors import today

from ..models import (
    DECLINE_REASONS,
    REJECT_REASONS,
    Application,
    Attendee,
    FairStatus,
    FairVacancy,
    Reason,
    Source,
    State,
)
from .common import county_of, lock_fair, person_home, require_open
from .messages import ACTIONS, SOURCE_CHANNEL, FairMsg

# -- applications ---------------------------------------------------------------------------------


@transaction.atomic
def application_open(
    *,
    actor: Any,
    person: Person,
    vacancy: Vacancy,
    source: str = Source.REFERRAL,
    attendee: Attendee | None = None,
    note: str = "",
) -> Application:
    """A person applies for a vacancy (the general start, shared with referrals of job matching):
    the vacancy is open, of the person's county, and the person's age is within its range."""
    village = person_home(person)
    if village is None or not can(actor, Capability.EDIT_REGISTRY, village):
        raise NotFound(person.pk)
    if source not in Source.values:
        raise DomainError("source", source, Msg.UNKNOWN_CODE)
    if vacancy.employer.county_id != county_of(village):
        raise NotFound(vacancy.pk)
    if vacancy.status != Vacancy.Status.OPEN:
        raise DomainError("vacancy", vacancy.title, FairMsg.VACANCY_CLOSED)
    # the age on the fair's first day (a referral: today)
    age = age_on(person.birth_date, attendee.fair.start if attendee is not None else today())
    if not vacancy.age_min <= age <= vacancy.age_max:
        raise DomainError(
            "vacancy",
            vacancy.title,
            str(FairMsg.AGE).format(age=age, low=vacancy.age_min, high=vacancy.age_max),
        )
    with set_actor(actor):
        return Application.objects.create(
            person=person,
            vacancy=vacancy,
            village_id=village,
            source=source,
            attendee=attendee,
            note=note.strip(),
            created_by=actor,
        )


def application_create(*, actor: Any, attendee: Attendee, vacancy: Vacancy, note: str = "") -> Application:
    """An attendee is interested in a vacancy of the fair: an application waiting for its interview."""
    if not can(actor, Capability.EDIT_REGISTRY, attendee.village_id):
        raise NotFound(attendee.pk)
    fair = attendee.fair
    require_open(fair)
    if not FairVacancy.objects.filter(recruiter__fair=fair, vacancy=vacancy).exists():
        raise DomainError("vacancy", vacancy.pk, FairMsg.NOT_AT_FAIR)
    if Application.objects.filter(attendee=attendee, vacancy=vacancy).exists():
        raise DomainError("vacancy", vacancy.title, FairMsg.APPLIED_ALREADY)
    return application_open(
        actor=actor,
        person=attendee.person,
        vacancy=vacancy,
        source=Source.JOB_FAIR,
        attendee=attendee,
        note=note,
    )


def _step(actor: Any, application: Application, action: str) -> Application:
    """The application locked for `action`, which must be its next step; the actor must keep the
    person's ledger."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .filter(pk=application.pk)
        .select_related("vacancy__employer", "attendee__fair", "person")
        .first()
    )
    if locked is None or not can(actor, Capability.EDIT_REGISTRY, locked.village_id):
        raise NotFound(application.pk)
    if not can_proceed(getattr(locked, action)):
        raise DomainError(
            "state",
            locked.state,
            str(FairMsg.STEP).format(state=locked.get_state_display(), action=ACTIONS[action]),
        )
    return locked


def _fair_day(actor: Any, application: Application, field: str, day: dt.date) -> None:
    """At a fair, an interview or an offer happens once the fair has begun, and not in the future.
    Recording the first interview of a fair still planned marks it held."""
    if day > today():
        raise DomainError(field, day, Msg.IN_FUTURE)
    if application.attendee is None:
        return
    fair = application.attendee.fair
    if day < fair.start:
        raise DomainError(field, day, str(FairMsg.BEFORE_FAIR).format(start=fair.start))
    require_open(fair)
    if fair.status == FairStatus.PLANNED:
        locked = lock_fair(fair)
        if locked.status == FairStatus.PLANNED:
            locked.hold()
            with set_actor(actor):
                locked.save(update_fields=["status"])


def _save(actor: Any, application: Application, fields: list[str]) -> Application:
    with set_actor(actor):
        application.save(update_fields=[*fields, "state", "updated_at"])
    return application


@transaction.atomic
def application_interview(*, actor: Any, application: Application, on: dt.date | None = None) -> Application:
    """面试: the employer met the person on `on` (today by default)."""
    locked = _step(actor, application, "interview")
    on = on or today()
    _fair_day(actor, locked, "interviewed_on", on)
    locked.interview()
    locked.interviewed_on = on
    return _save(actor, locked, ["interviewed_on"])


@transaction.atomic
def application_offer(
    *,
    actor: Any,
    application: Application,
    wage: Decimal | None,
    on: dt.date | None = None,
    start: dt.date | None = None,
    note: str = "",
) -> Application:
    """拟录用: the employer offers the place at a monthly wage, to start on `start` (if agreed).
    An offer on the spot counts as the interview too."""
    locked = _step(actor, application, "offer")
    on = on or today()
    if wage is None:
        raise DomainError("wage", wage, FairMsg.WAGE_REQUIRED)
    if wage < 0:
        raise DomainError("wage", wage, Msg.NEGATIVE_WAGE)
    if locked.vacancy.status != Vacancy.Status.OPEN:
        raise DomainError("vacancy", locked.vacancy.title, FairMsg.VACANCY_CLOSED)
    _fair_day(actor, locked, "offered_on", on)
    if start is not None and start < on:
        raise DomainError("start", start, str(FairMsg.BEFORE_OFFER).format(date=on))
    locked.offer()
    locked.offered_on, locked.offered_wage, locked.offered_start = on, wage, start
    locked.interviewed_on = locked.interviewed_on or on
    locked.note = note.strip() or locked.note
    return _save(actor, locked, ["offered_on", "offered_wage", "offered_start", "interviewed_on", "note"])


@transaction.atomic
def application_hire(
    *,
    actor: Any,
    application: Application,
    start: dt.date,
    monthly_wage: Decimal | None = None,
    channel: str | None = None,
) -> Application:
    """已上岗: the person started work on `start`. Writes the ledger's spell (the fair's channel,
    the vacancy's place and employer, the offered wage unless another is given) as a change of
    status, so the person's running full-time spell ends the day before; a full-time spell that
    would overlap is refused with the ledger's reason. Refused when the vacancy's places are all
    taken."""
    locked = _step(actor, application, "hire")
    vacancy = locked.vacancy
    if locked.offered_on is not None and start < locked.offered_on:
        raise DomainError("start", start, str(FairMsg.BEFORE_OFFER).format(date=locked.offered_on))
    Vacancy.objects.select_for_update().filter(pk=vacancy.pk).first()  # one hire at a time per vacancy
    hired = Application.objects.filter(vacancy=vacancy, state=State.HIRED).count()
    if hired >= vacancy.headcount:
        raise DomainError("vacancy", vacancy.title, str(FairMsg.FULL).format(n=vacancy.headcount))
    channel = channel or SOURCE_CHANNEL.get(Source(locked.source), "")
    if not channel:
        raise DomainError("channel", channel, FairMsg.CHANNEL_REQUIRED)
    wage = monthly_wage if monthly_wage is not None else locked.offered_wage
    where = locked.attendee.fair.name if locked.attendee is not None else locked.get_source_display()
    spell = ledger.spell_record(
        actor=actor,
        person=locked.person,
        status=SpellStatus.EMPLOYED,
        start=start,
        channel=channel,
        location=vacancy.location,
        destination=vacancy.destination,
        employer=vacancy.employer,
        monthly_wage=wage,
        note=str(where)[:200],
        close_open=True,
    )
    locked.hire()
    locked.decided_on, locked.spell, locked.offered_wage = start, spell, wage
    return _save(actor, locked, ["decided_on", "spell", "offered_wage"])


def _end(
    actor: Any, application: Application, action: str, reason: str, on: dt.date | None, note: str
) -> Application:
    locked = _step(actor, application, action)
    allowed = DECLINE_REASONS if action == "decline" else REJECT_REASONS
    if not reason:
        raise DomainError("reason", reason, FairMsg.REASON_REQUIRED)
    if reason not in allowed:
        raise DomainError("reason", reason, str(FairMsg.REASON_NOT_FOR).format(action=ACTIONS[action]))
    if reason == Reason.OTHER and not note.strip():
        raise DomainError("note", note, FairMsg.NOTE_FOR_OTHER)
    on = on or today()
    if on > today():
        raise DomainError("on", on, Msg.IN_FUTURE)
    getattr(locked, action)()
    locked.reason, locked.decided_on = reason, on
    locked.note = note.strip() or locked.note
    return _save(actor, locked, ["reason", "decided_on", "note"])


@transaction.atomic
def application_decline(
    *, actor: Any, application: Application, reason: str, on: dt.date | None = None, note: str = ""
) -> Application:
    """本人放弃: the person does not take the place, with the reason."""
    return _end(actor, application, "decline", reason, on, note)


@transaction.atomic
def application_reject(
    *, actor: Any, application: Application, reason: str, on: dt.date | None = None, note: str = ""
) -> Application:
    """未录用: the employer does not take the person, with the reason."""
    return _end(actor, application, "reject", reason, on, note)
