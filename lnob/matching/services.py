"""Job matching's writes: start a run, record a seeker's profile, review a proposal, refer it on,
and record how the referral went. Every write checks the actor's areas first (an object outside
them answers 404) and is one transaction.

The referral loop reuses the fairs app's applications (source "referral"): the interview, the
offer, the hire that writes the ledger spell, and the decline or rejection with its reason are
those of lnob.employment.fairs.services.applications, so a hire through matching and a hire at a
job fair are one record and one rule. A public-welfare post is taken up by its agreement
(lnob.employment.posts.services.agreement_sign), which checks the post rule and writes the spell.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lnob.areas import selectors as area_selectors
from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.core.models import Task
from lnob.core.tasks import task_enqueue, task_run_now
from lnob.employment import services as ledger
from lnob.employment.fairs.models import Application, Attendee, FairVacancy, JobFair, Reason, Source
from lnob.employment.fairs.services import applications as fair_apps
from lnob.employment.fairs.services.fairs import attendee_register
from lnob.employment.fairs.services.messages import FairMsg
from lnob.employment.models import Channel, Location, Physical
from lnob.employment.posts.models import Agreement
from lnob.employment.posts.services import agreement_sign
from lnob.employment.workshops.models import Workshop
from lnob.employment.workstations.models import Workstation
from lnob.registry.models import Person
from lnob.registry.selectors import today

from . import selectors
from .models import LineState, MatchLine, MatchRun, Reach, Referral, SeekerProfile, Via


class MatchMsg:
    LEVEL = _("岗位匹配按县、乡镇或村运行")
    NOT_PROPOSED = _("这条匹配结果不是待审核的推荐：已推荐、已放弃，或本人没有匹配到岗位")
    VIA_POST = _("公益性岗位只能按公益性岗位安置")
    VIA_VACANCY = _("招聘岗位须推荐给用工单位、招聘会或劳务工作站")
    FAIR_REQUIRED = _("请选择招聘会")
    STATION_REQUIRED = _("请选择劳务工作站")
    NOT_AT_FAIR = _("该招聘会没有这个岗位")
    FAIR_OVER = _("该招聘会已结束（{end}）：请推荐给用工单位，或选择尚未结束的招聘会")
    FAIR_NOTE = _("岗位匹配推荐")
    NOT_A_POST = _("这条推荐不是公益性岗位")
    NOT_A_VACANCY = _("这条推荐是公益性岗位，请签订岗位协议")
    ENDED = _("这条推荐已有结果")
    REASON_REQUIRED = _("请填写原因")


def run_start(*, actor: Any, area_code: int, as_of: dt.date | None = None, inline: bool = False) -> MatchRun:
    """A run over an area the actor manages employment in (404 otherwise), queued as a background
    task; `inline` runs it at once (the command line and the tests)."""
    if actor is None:  # the operator, from the command line
        area = Area.objects.filter(code=area_code).first()
        if area is None:
            raise NotFound(area_code)
    else:
        area = area_selectors.area_get(user=actor, code=area_code, capability=Capability.MANAGE_EMPLOYMENT)
    if area.level < Level.COUNTY:
        raise DomainError("area", area_code, MatchMsg.LEVEL)
    as_of = as_of or today()
    if as_of > today():
        raise DomainError("as_of", as_of, Msg.IN_FUTURE)
    with transaction.atomic():
        run = MatchRun.objects.create(area=area, as_of=as_of, created_by=actor)
        if not inline:
            run.task = task_enqueue(actor=actor, kind="match_run", args={"run": run.pk})
            run.save(update_fields=["task"])
    if inline:
        finished = task_run_now(actor=actor, kind="match_run", args={"run": run.pk})
        MatchRun.objects.filter(pk=run.pk).update(task=finished)
        run.refresh_from_db()
    return run


def run_resume(*, actor: Any, run: MatchRun) -> MatchRun:
    """Run a failed or interrupted run again (a finished one is left as it is)."""
    if actor is not None and not can(actor, Capability.MANAGE_EMPLOYMENT, run.area_id):
        raise NotFound(run.pk)
    finished: Task = task_run_now(actor=actor, kind="match_run", args={"run": run.pk})
    MatchRun.objects.filter(pk=run.pk).update(task=finished)
    run.refresh_from_db()
    return run


@transaction.atomic
def profile_save(
    *,
    actor: Any,
    person: Person,
    willing: bool,
    reach: str = "",
    physical_limit: str = "",
    min_wage: Decimal | None = None,
    sectors: str = "",
    note: str = "",
) -> SeekerProfile:
    """What the seeker told the cadre. Constraints that contradict the registry are kept as said
    and reported by the next run (docs/matching.md)."""
    ledger.check_editable_person(actor, person)
    if reach and reach not in Reach.values:
        raise DomainError("reach", reach, Msg.UNKNOWN_CODE)
    if physical_limit and physical_limit not in Physical.values:
        raise DomainError("physical_limit", physical_limit, Msg.UNKNOWN_CODE)
    if min_wage is not None and min_wage < 0:
        raise DomainError("min_wage", min_wage, Msg.NEGATIVE_WAGE)
    with set_actor(actor):
        profile, _created = SeekerProfile.objects.update_or_create(
            person=person,
            defaults={
                "willing": willing,
                "reach": reach,
                "physical_limit": physical_limit,
                "min_wage": min_wage,
                "sectors": sectors.strip(),
                "note": note.strip(),
                "updated_by": actor,
            },
        )
    return profile


def _line_for_edit(actor: Any, line: MatchLine) -> MatchLine:
    if not can(actor, Capability.EDIT_REGISTRY, line.village_id):
        raise NotFound(line.pk)
    locked = MatchLine.objects.select_for_update(of=("self",)).select_related("vacancy").get(pk=line.pk)
    if locked.state != LineState.PROPOSED:
        raise DomainError("line", line.pk, MatchMsg.NOT_PROPOSED)
    return locked


@transaction.atomic
def line_dismiss(*, actor: Any, line: MatchLine) -> MatchLine:
    """The cadre does not pass the proposal on (the seeker is not interested, say)."""
    locked = _line_for_edit(actor, line)
    locked.state = LineState.DISMISSED
    with set_actor(actor):
        locked.save(update_fields=["state"])
    return locked


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    line: MatchLine,
    via: str,
    fair: JobFair | None = None,
    station: Workstation | None = None,
    note: str = "",
) -> Referral:
    """Send a proposal on: a vacancy to its employer, through a job fair that offers it and has
    not ended (the person is put on its attendees), or through a labour-export workstation; a
    public-welfare post to the village, to sign its agreement. A vacancy's referral opens an
    application (source "referral")."""
    locked = _line_for_edit(actor, line)
    if via not in Via.values:
        raise DomainError("via", via, Msg.UNKNOWN_CODE)
    if locked.post_id is not None and via != Via.POST:
        raise DomainError("via", via, MatchMsg.VIA_POST)
    if locked.vacancy_id is not None and via == Via.POST:
        raise DomainError("via", via, MatchMsg.VIA_VACANCY)
    application = None
    if via == Via.JOB_FAIR:
        if fair is None:
            raise DomainError("fair", None, MatchMsg.FAIR_REQUIRED)
        if fair.county_id != ledger.county_of(locked.village_id):
            raise NotFound(fair.pk)
        if not FairVacancy.objects.filter(recruiter__fair=fair, vacancy=locked.vacancy).exists():
            raise DomainError("fair", fair.name, MatchMsg.NOT_AT_FAIR)
        if not selectors.referral_fairs(user=actor, line=locked).filter(pk=fair.pk).exists():
            why = MatchMsg.FAIR_OVER if not fair.open or fair.end < today() else FairMsg.PERSON_OUTSIDE
            raise DomainError("fair", fair.name, str(why).format(end=fair.end.isoformat()))
    if via == Via.WORKSTATION:
        if station is None:
            raise DomainError("station", None, MatchMsg.STATION_REQUIRED)
        if station.county_id != ledger.county_of(locked.village_id):
            raise NotFound(station.pk)
    if via != Via.POST:
        assert locked.vacancy is not None
        attendee = None
        if fair is not None and via == Via.JOB_FAIR:
            # the person goes to the fair: on its list of attendees, as if registered there
            attendee = Attendee.objects.filter(fair=fair, person=locked.person).first() or (
                attendee_register(actor=actor, fair=fair, person=locked.person, note=str(MatchMsg.FAIR_NOTE))
            )
            if Application.objects.filter(attendee=attendee, vacancy=locked.vacancy).exists():
                raise DomainError("fair", fair.name, FairMsg.APPLIED_ALREADY)  # at the fair already
        application = fair_apps.application_open(
            actor=actor, person=locked.person, vacancy=locked.vacancy, source=Source.REFERRAL,
            attendee=attendee, note=note,
        )  # fmt: skip
    with set_actor(actor):
        referral = Referral.objects.create(
            line=locked,
            person_id=locked.person_id,
            village_id=locked.village_id,
            via=via,
            fair=fair if via == Via.JOB_FAIR else None,
            station=station if via == Via.WORKSTATION else None,
            application=application,
            created_by=actor,
        )
        locked.state = LineState.REFERRED
        locked.save(update_fields=["state"])
    return referral


def _referral(actor: Any, referral: Referral) -> Referral:
    if not can(actor, Capability.EDIT_REGISTRY, referral.village_id):
        raise NotFound(referral.pk)
    return referral


def _application(actor: Any, referral: Referral) -> Application:
    _referral(actor, referral)
    if referral.application is None:
        raise DomainError("referral", referral.pk, MatchMsg.NOT_A_VACANCY)
    return referral.application


def hire_channel(referral: Referral) -> str:
    """The ledger channel of a referral's hire: a job fair's is the fair's; a workstation's and an
    employer's out of the county are organised labour export; a workshop's employer's is the
    workshop channel; any other referral by the county counts as organised too."""
    if referral.via == Via.JOB_FAIR:
        return Channel.JOB_FAIR
    application = referral.application
    assert application is not None
    vacancy = application.vacancy
    workshop = Workshop.objects.filter(employer_id=vacancy.employer_id).exists()
    if referral.via == Via.EMPLOYER and vacancy.location == Location.IN_COUNTY and workshop:
        return Channel.WORKSHOP
    return Channel.ORGANISED_EXPORT


def referral_interview(*, actor: Any, referral: Referral, on: dt.date | None = None) -> Application:
    return fair_apps.application_interview(actor=actor, application=_application(actor, referral), on=on)


def referral_offer(
    *,
    actor: Any,
    referral: Referral,
    wage: Decimal | None,
    on: dt.date | None = None,
    start: dt.date | None = None,
) -> Application:
    return fair_apps.application_offer(
        actor=actor, application=_application(actor, referral), wage=wage, on=on, start=start
    )


def referral_hire(
    *, actor: Any, referral: Referral, start: dt.date, monthly_wage: Decimal | None = None
) -> Application:
    """Hired: the ledger gets the spell (fairs' application_hire), in the referral's channel."""
    application = _application(actor, referral)
    return fair_apps.application_hire(
        actor=actor,
        application=application,
        start=start,
        monthly_wage=monthly_wage,
        channel=hire_channel(referral),
    )


def referral_reject(
    *, actor: Any, referral: Referral, reason: str, on: dt.date | None = None, note: str = ""
) -> Application:
    """Not hired by the employer, with the reason (fairs' REJECT_REASONS)."""
    return fair_apps.application_reject(
        actor=actor, application=_application(actor, referral), reason=reason, on=on, note=note
    )


def referral_decline(
    *, actor: Any, referral: Referral, reason: str, on: dt.date | None = None, note: str = ""
) -> Referral:
    """The person does not take it up, with the reason: a vacancy's through its application
    (fairs' DECLINE_REASONS), a post's on the referral itself."""
    if referral.via != Via.POST:
        fair_apps.application_decline(
            actor=actor, application=_application(actor, referral), reason=reason, on=on, note=note
        )
        return referral
    _referral(actor, referral)
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
        if locked.agreement_id is not None or locked.declined_on is not None:
            raise DomainError("referral", referral.pk, MatchMsg.ENDED)
        label = dict(Reason.choices).get(reason, "") if reason in Reason.values else ""
        text = " ".join(x for x in (str(label), note.strip()) if x)
        if not text:
            raise DomainError("reason", reason, MatchMsg.REASON_REQUIRED)
        on = on or today()
        if on > today():
            raise DomainError("on", on, Msg.IN_FUTURE)
        locked.declined_on, locked.declined_reason = on, text[:200]
        with set_actor(actor):
            locked.save(update_fields=["declined_on", "declined_reason"])
    return locked


@transaction.atomic
def referral_sign(*, actor: Any, referral: Referral, start: dt.date, end: dt.date) -> Agreement:
    """A public-welfare post taken up: the post's agreement (the post rule's checks, the spell)."""
    _referral(actor, referral)
    locked = Referral.objects.select_for_update(of=("self",)).select_related("line__post").get(pk=referral.pk)
    if locked.via != Via.POST or locked.line.post is None:
        raise DomainError("referral", referral.pk, MatchMsg.NOT_A_POST)
    if locked.agreement_id is not None or locked.declined_on is not None:
        raise DomainError("referral", referral.pk, MatchMsg.ENDED)
    person = Person.objects.get(pk=locked.person_id)
    agreement = agreement_sign(actor=actor, post=locked.line.post, person=person, start=start, end=end)
    locked.agreement = agreement
    with set_actor(actor):
        locked.save(update_fields=["agreement"])
    return agreement
