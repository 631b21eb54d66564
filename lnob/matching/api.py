"""Job matching over the API (mounted at /api/v1/matching/): start a run and follow it, read its
proposals and reasons and its fairness table, refer a proposal, record the outcome, and keep a
seeker's profile. Same conventions as the rest of /api/v1: 404 for anything missing or outside
the caller's areas, 422 with {field, value, message} when a write is refused (nothing is saved).
People are named by their registry id (GET /api/v1/persons/{id}); no resident ID appears here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lnob.core.errors import NotFound
from lnob.employment.fairs.models import JobFair
from lnob.employment.workstations.models import Workstation
from lnob.registry.selectors import person_get

from . import selectors, services
from .labels import reason
from .models import MatchLine, MatchRun, Referral

router = Router(tags=["matching"])


class RunIn(Schema):
    area: int
    as_of: dt.date | None = None
    wait: bool = False  # run it in this request rather than in the background


class RunOut(Schema):
    id: int
    area: int
    area_name: str
    as_of: dt.date
    status: str
    stage: str
    done: int
    total: int
    figures: dict[str, Any]
    problems: list[dict[str, Any]]
    error: str

    @staticmethod
    def resolve_area(obj: MatchRun) -> int:
        return obj.area_id

    @staticmethod
    def resolve_area_name(obj: MatchRun) -> str:
        return obj.area.name

    @staticmethod
    def resolve_stage(obj: MatchRun) -> str:
        return obj.task.stage if obj.task else ""

    @staticmethod
    def resolve_done(obj: MatchRun) -> int:
        return obj.task.done if obj.task else 0

    @staticmethod
    def resolve_total(obj: MatchRun) -> int:
        return obj.task.total if obj.task else 0


class FairnessOut(Schema):
    dimension: str
    group: str
    seekers: int
    matched: int
    referred: int
    hired: int


class LineOut(Schema):
    id: int
    person: int
    name: str
    household: int
    village: int
    priority: int
    vacancy: int | None
    post: int | None
    score: int | None
    wage_part: int | None
    distance_part: int | None
    skill_part: int | None
    preference_part: int | None
    reason: str
    reason_text: str
    state: str
    options: int  # jobs the seeker was a candidate for
    best_vacancy: int | None  # unmatched: the best of them, whose places went to others
    best_post: int | None

    @staticmethod
    def resolve_best_vacancy(obj: MatchLine) -> int | None:
        return obj.best_vacancy_id

    @staticmethod
    def resolve_best_post(obj: MatchLine) -> int | None:
        return obj.best_post_id

    @staticmethod
    def resolve_person(obj: MatchLine) -> int:
        return obj.person_id

    @staticmethod
    def resolve_name(obj: MatchLine) -> str:
        return obj.person.name

    @staticmethod
    def resolve_household(obj: MatchLine) -> int:
        return obj.household_id

    @staticmethod
    def resolve_village(obj: MatchLine) -> int:
        return obj.village_id

    @staticmethod
    def resolve_vacancy(obj: MatchLine) -> int | None:
        return obj.vacancy_id

    @staticmethod
    def resolve_post(obj: MatchLine) -> int | None:
        return obj.post_id

    @staticmethod
    def resolve_reason_text(obj: MatchLine) -> str:
        return reason(obj.reason)


class ReferIn(Schema):
    via: str
    fair: int | None = None
    station: int | None = None
    note: str = ""


class ReferralOut(Schema):
    id: int
    line: int
    person: int
    village: int
    via: str
    fair: int | None
    station: int | None
    application: int | None
    agreement: int | None
    state: str
    reason: str
    spell: int | None

    @staticmethod
    def resolve_line(obj: Referral) -> int:
        return obj.line_id

    @staticmethod
    def resolve_person(obj: Referral) -> int:
        return obj.person_id

    @staticmethod
    def resolve_village(obj: Referral) -> int:
        return obj.village_id

    @staticmethod
    def resolve_fair(obj: Referral) -> int | None:
        return obj.fair_id

    @staticmethod
    def resolve_station(obj: Referral) -> int | None:
        return obj.station_id

    @staticmethod
    def resolve_application(obj: Referral) -> int | None:
        return obj.application_id

    @staticmethod
    def resolve_agreement(obj: Referral) -> int | None:
        return obj.agreement_id

    @staticmethod
    def resolve_state(obj: Referral) -> str:
        return selectors.referral_state(obj)

    @staticmethod
    def resolve_reason(obj: Referral) -> str:
        if obj.application is not None:
            return str(obj.application.reason)
        return obj.declined_reason

    @staticmethod
    def resolve_spell(obj: Referral) -> int | None:
        if obj.application is not None:
            return obj.application.spell_id
        return obj.agreement.spell_id if obj.agreement is not None else None


class OutcomeIn(Schema):
    action: str  # interview | offer | hire | reject | decline | sign
    on: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    wage: Decimal | None = None
    reason: str = ""
    note: str = ""


class ProfileIn(Schema):
    willing: bool = True
    reach: str = ""
    physical_limit: str = ""
    min_wage: Decimal | None = None
    sectors: str = ""
    note: str = ""


class ProfileOut(ProfileIn):
    person: int

    @staticmethod
    def resolve_person(obj: Any) -> int:
        return int(obj.person_id)


@router.post("/runs", response={201: RunOut})
def run_create(request: HttpRequest, body: RunIn) -> Any:
    """Queue a run over a county, township or village you manage employment in (`wait`: run now)."""
    run = services.run_start(actor=request.user, area_code=body.area, as_of=body.as_of, inline=body.wait)
    return Status(201, selectors.run_get(user=request.user, pk=run.pk))


@router.get("/runs", response=list[RunOut])
@paginate(LimitOffsetPagination)
def run_list(request: HttpRequest) -> Any:
    return selectors.run_list(user=request.user)


@router.get("/runs/{pk}", response=RunOut)
def run_get(request: HttpRequest, pk: int) -> Any:
    return selectors.run_get(user=request.user, pk=pk)


@router.get("/runs/{pk}/fairness", response=list[FairnessOut])
def run_fairness(request: HttpRequest, pk: int) -> Any:
    run = selectors.run_get(user=request.user, pk=pk)
    return [
        {
            "dimension": dim,
            "group": r.group,
            "seekers": r.seekers,
            "matched": r.matched,
            "referred": r.referred,
            "hired": r.hired,
        }
        for dim, rows in selectors.fairness(run).items()
        for r in rows
    ]


@router.get("/runs/{pk}/lines", response=list[LineOut])
@paginate(LimitOffsetPagination)
def run_lines(
    request: HttpRequest, pk: int, reason: str = "", village: int | None = None, state: str = ""
) -> Any:
    """The run's lines in your areas: `reason=matched` the proposals, `reason=unmatched` the rest,
    or one reason code (docs/matching.md)."""
    run = selectors.run_get(user=request.user, pk=pk)
    return selectors.lines(user=request.user, run=run, reason=reason, village=village, state=state)


@router.post("/lines/{pk}/refer", response={201: ReferralOut})
def line_refer(request: HttpRequest, pk: int, body: ReferIn) -> Any:
    line = selectors.line_get(user=request.user, pk=pk)
    fair = JobFair.objects.filter(pk=body.fair).first() if body.fair else None
    station = Workstation.objects.filter(pk=body.station).first() if body.station else None
    if (body.fair and fair is None) or (body.station and station is None):
        raise NotFound(body.fair or body.station)
    referral = services.referral_create(
        actor=request.user, line=line, via=body.via, fair=fair, station=station, note=body.note
    )
    return Status(201, selectors.referral_get(user=request.user, pk=referral.pk))


@router.post("/lines/{pk}/dismiss", response=LineOut)
def line_dismiss(request: HttpRequest, pk: int) -> Any:
    line = selectors.line_get(user=request.user, pk=pk)
    services.line_dismiss(actor=request.user, line=line)
    return selectors.line_get(user=request.user, pk=pk)


@router.get("/referrals", response=list[ReferralOut])
@paginate(LimitOffsetPagination)
def referral_list(request: HttpRequest, state: str = "") -> Any:
    return selectors.referral_list(user=request.user, state=state)


@router.get("/referrals/{pk}", response=ReferralOut)
def referral_get(request: HttpRequest, pk: int) -> Any:
    return selectors.referral_get(user=request.user, pk=pk)


@router.post("/referrals/{pk}/outcome", response=ReferralOut)
def referral_outcome(request: HttpRequest, pk: int, body: OutcomeIn) -> Any:
    """Record how a referral went: interview, offer (wage), hire (start, wage: writes the ledger
    spell), reject or decline (reason), or, for a public-welfare post, sign (start, end)."""
    from lnob.core.errors import DomainError, Msg

    referral = selectors.referral_get(user=request.user, pk=pk)
    user = request.user
    if body.action == "interview":
        services.referral_interview(actor=user, referral=referral, on=body.on)
    elif body.action == "offer":
        services.referral_offer(actor=user, referral=referral, wage=body.wage, on=body.on, start=body.start)
    elif body.action == "hire":
        if body.start is None:
            raise DomainError("start", None, Msg.REQUIRED)
        services.referral_hire(actor=user, referral=referral, start=body.start, monthly_wage=body.wage)
    elif body.action == "reject":
        services.referral_reject(
            actor=user, referral=referral, reason=body.reason, on=body.on, note=body.note
        )
    elif body.action == "decline":
        services.referral_decline(
            actor=user, referral=referral, reason=body.reason, on=body.on, note=body.note
        )
    elif body.action == "sign":
        if body.start is None or body.end is None:
            raise DomainError("start" if body.start is None else "end", None, Msg.REQUIRED)
        services.referral_sign(actor=user, referral=referral, start=body.start, end=body.end)
    else:
        raise DomainError("action", body.action, Msg.UNKNOWN_CODE)
    return selectors.referral_get(user=request.user, pk=pk)


@router.put("/seekers/{person}/profile", response=ProfileOut)
def profile_put(request: HttpRequest, person: int, body: ProfileIn) -> Any:
    found = person_get(user=request.user, pk=person)
    return services.profile_save(actor=request.user, person=found, **body.model_dump())


@router.get("/seekers/{person}/profile", response=ProfileOut)
def profile_get(request: HttpRequest, person: int) -> Any:
    found = person_get(user=request.user, pk=person)
    profile = selectors.profile_for(user=request.user, person=found)
    if profile is None:
        raise NotFound(person)
    return profile
