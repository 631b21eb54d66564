"""Writes of the job fairs. Each refuses bad input with a DomainError naming the field, the value
and the reason (a constant of `FairMsg`), and writes nothing; anything outside the actor's areas
is NotFound (the caller answers 404).

Who may do what (docs/employment-fairs.md):
- the fair, its recruiters and vacancies: MANAGE_EMPLOYMENT in the organising area (the county's
  employment office for a county fair, the township for its own);
- attendees and their applications, interviews, offers and hires: EDIT_REGISTRY in the person's
  village (the village cadre, the township, the county), the same people who keep the person's
  employment ledger, since a hire writes a spell of it.
"""

from __future__ import annotations

from .applications import (
    application_create,
    application_decline,
    application_hire,
    application_interview,
    application_offer,
    application_open,
    application_reject,
)
from .common import person_home
from .fairs import (
    attendee_register,
    check_vacancy,
    fair_close,
    fair_create,
    fair_hold,
    fair_update,
    fair_vacancy_add,
    fair_vacancy_link,
    recruiter_add,
)
from .messages import ACTIONS, SOURCE_CHANNEL, FairMsg

__all__ = [
    "ACTIONS",
    "SOURCE_CHANNEL",
    "FairMsg",
    "application_create",
    "application_decline",
    "application_hire",
    "application_interview",
    "application_offer",
    "application_open",
    "application_reject",
    "attendee_register",
    "check_vacancy",
    "fair_close",
    "fair_create",
    "fair_hold",
    "fair_update",
    "fair_vacancy_add",
    "fair_vacancy_link",
    "person_home",
    "recruiter_add",
]
