"""Writes of the workstations. Each refuses bad input with a DomainError naming the field, the
value and the reason, and writes nothing; a station, person or employer the actor may not act on
is NotFound (the caller answers 404).

Setting a station up is the county's (MANAGE_EMPLOYMENT over the county). Its daily work
(placements, vacancies, employers, disputes, visits) is its officers' and the county's. An
officer holds no registry rights, so the ledger writes they cause (a placement's spell, a
collected vacancy, an employer added to the county's list) go through functions here that make
the same checks as the ledger's services, with the station as the authority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lnob.areas.codes import Level
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.models import Channel, Employer, Location, Physical, Spell, SpellStatus, Vacancy
from lnob.registry.models import Person
from lnob.registry.selectors import person_area, today

from . import selectors
from .models import (
    Dispute,
    DisputeEvent,
    DisputeKind,
    DisputeState,
    Placement,
    StationVacancy,
    Visit,
    Workstation,
)


class WMsg:
    """Messages of the workstations, constants so tests can assert on them."""

    NAME_TAKEN = _("本县已有同名的劳务工作站")
    NOT_AN_OFFICER = _("此用户不是本县的劳务工作站专员（须先分配“劳务工作站专员”角色）")
    CLOSED_BEFORE_OPENED = _("撤销日期不能早于设立日期")
    STATION_CLOSED = _("工作站在这一天不在运行（设立 {opened}，撤销 {closed}）")
    NOT_IN_COUNTY = _("此人不是本县人员")
    EMPLOYER_NOT_LISTED = _("不在本县用工单位名单中")
    CREDIT_CODE_TAKEN = _("本县已登记这个统一社会信用代码的单位")
    CLAIM_NEGATIVE = _("诉求金额不能为负数")
    CLAIM_ZERO_ARREARS = _("欠薪案件须填写拖欠的金额")
    RECOVERED_NEGATIVE = _("追回金额不能为负数")
    RECOVERED_ABOVE_CLAIM = _("追回金额不能超过诉求金额（{claimed} 元）")
    BEFORE_STEP = _("日期不能早于上一环节（{day}）")
    OUT_OF_ORDER = _("案件当前为“{state}”，不能“{action}”")
    MOVED_ON = _("该案件已办理到“{state}”，请刷新后再操作")
    NOTE_REQUIRED = _("请填写说明")
    ESCALATED_TO_REQUIRED = _("请写明移交的机构（如劳动人事争议仲裁委员会、劳动保障监察大队、人民法院）")
    WHERE_REQUIRED = _("请选择走访的用工单位或填写地点")
    MET_FEWER_THAN_NAMED = _("见到的人数不能少于点名的人数（{named}）")
    NOT_ON_ROSTER = _("此人当天不在本站务工人员名单中")
    END_BEFORE_START = _("结束日期不能早于开始日期")


ACTIONS = {
    "mediate": _("开始调解"),
    "resolve": _("调解解决"),
    "escalate": _("移交处理"),
}
ACTION_LABELS = {"open": _("受理"), **ACTIONS}


def _station_for_work(actor: Any, station: Workstation) -> Workstation:
    if not selectors.may_run(actor, station):
        raise NotFound(station.pk)
    return station


def _not_future(field: str, day: dt.date) -> None:
    if day > today():
        raise DomainError(field, day, Msg.IN_FUTURE)


def _running(station: Workstation, field: str, day: dt.date) -> None:
    if day < station.opened_on or (station.closed_on is not None and day > station.closed_on):
        raise DomainError(
            field,
            day,
            str(WMsg.STATION_CLOSED).format(opened=station.opened_on, closed=station.closed_on or "—"),
        )


def _employer_of(station: Workstation, employer: Employer | None) -> Employer | None:
    if employer is not None and employer.county_id != station.county_id:
        raise DomainError("employer", employer.pk, WMsg.EMPLOYER_NOT_LISTED)
    return employer


# -- stations ----------------------------------------------------------------------------------

STATION_TEXT_FIELDS = (
    "name",
    "destination_city",
    "destination_province",
    "address",
    "contact_name",
    "contact_phone",
    "note",
)


def _officers(county: Area, officers: Iterable[Any]) -> list[Any]:
    people = list(officers)
    allowed = {u.pk for u in officer_candidates(county.code)}
    for user in people:
        if user.pk not in allowed:
            raise DomainError("officers", user.username, WMsg.NOT_AN_OFFICER)
    return people


def _station_checks(county: Area, values: dict[str, Any], exclude: int | None = None) -> None:
    for field in ("name", "destination_city"):
        if not values[field]:
            raise DomainError(field, values[field], Msg.REQUIRED)
    taken = Workstation.objects.filter(county=county, name=values["name"])
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError("name", values["name"], WMsg.NAME_TAKEN)
    _not_future("opened_on", values["opened_on"])
    closed = values.get("closed_on")
    if closed is not None and closed < values["opened_on"]:
        raise DomainError("closed_on", closed, WMsg.CLOSED_BEFORE_OPENED)


@transaction.atomic
def station_create(
    *,
    actor: Any,
    county: Area,
    name: str,
    destination_city: str,
    opened_on: dt.date,
    destination_province: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    officers: Iterable[Any] = (),
    note: str = "",
) -> Workstation:
    """A new workstation of the county in a destination city, with its officers (users holding
    the workstation officer's role in the county)."""
    if county.level != Level.COUNTY or not can(actor, Capability.MANAGE_EMPLOYMENT, county.code):
        raise NotFound(county.code)
    values = {
        "name": name.strip(),
        "destination_city": destination_city.strip(),
        "destination_province": destination_province.strip(),
        "address": address.strip(),
        "contact_name": contact_name.strip(),
        "contact_phone": contact_phone.strip(),
        "note": note.strip(),
        "opened_on": opened_on,
    }
    _station_checks(county, values)
    people = _officers(county, officers)
    with set_actor(actor):
        station = Workstation.objects.create(county=county, created_by=actor, **values)
        station.officers.set(people)
    return station


@transaction.atomic
def station_update(
    *, actor: Any, station: Workstation, officers: Iterable[Any] | None = None, **changes: Any
) -> Workstation:
    """Change a station's particulars, its officers, or close it (`closed_on`)."""
    locked = (
        Workstation.objects.select_for_update(of=("self",))
        .select_related("county")
        .filter(pk=station.pk)
        .first()
    )
    if locked is None or not can(actor, Capability.MANAGE_EMPLOYMENT, locked.county_id):
        raise NotFound(station.pk)
    allowed = {*STATION_TEXT_FIELDS, "opened_on", "closed_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(sorted(unknown)[0], "", Msg.UNKNOWN_FIELD)
    for field, value in changes.items():
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    values = {f: getattr(locked, f) for f in allowed}
    _station_checks(locked.county, values, exclude=locked.pk)
    people = _officers(locked.county, officers) if officers is not None else None
    with set_actor(actor):
        locked.save(update_fields=sorted(allowed))
        if people is not None:
            locked.officers.set(people)
    return locked


def officer_candidates(county: int) -> list[Any]:
    """The users who may be named officers of a station of the county: active users holding the
    workstation officer's role (劳务工作站专员) in an area covering the county."""
    from lnob.areas.codes import subtree_range
    from lnob.areas.models import RoleAssignment
    from lnob.areas.roles import Role

    assignments = RoleAssignment.objects.filter(role=Role.WORKSTATION_OFFICER).values_list(
        "user_id", "area__code", "area__level"
    )
    ids = set()
    for user_id, code, level in assignments:
        lo, hi = subtree_range(code, Level(level))
        if lo <= county < hi:
            ids.add(user_id)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))


# -- placements: the ledger spell a station writes ----------------------------------------------


@transaction.atomic
def placement_record(
    *,
    actor: Any,
    station: Workstation,
    person: Person,
    employer: Employer,
    start: dt.date,
    monthly_wage: Decimal | None = None,
    location: str = Location.OUT_OF_PROVINCE,
    destination: str = "",
    end: dt.date | None = None,
    note: str = "",
    close_open: bool = True,
) -> Placement:
    """The station placed a person of its county in a job at an employer of the county's list
    (有组织劳务输出): a spell in work is written to the ledger with the channel organised export,
    after the same checks the ledger's `spell_record` makes (the officer needs no registry
    rights for it), and linked to the station, so it is on the station's roster while it runs.
    `close_open`: the person's running full-time spell ends the day before (a change of job)."""
    _station_for_work(actor, station)
    if not selectors.in_county(person.pk, station.county_id, min(start, today())):
        raise NotFound(person.pk)
    # one writer per person at a time, as in the ledger
    Person.objects.select_for_update().filter(pk=person.pk).first()
    _employer_of(station, employer)
    if location not in Location.values:
        raise DomainError("location", location, Msg.UNKNOWN_CODE)
    _not_future("start", start)
    _running(station, "start", start)
    if end is not None and end < start:
        raise DomainError("end", end, WMsg.END_BEFORE_START)
    if monthly_wage is not None and monthly_wage < 0:
        raise DomainError("monthly_wage", monthly_wage, Msg.NEGATIVE_WAGE)
    if employer.county_id != ledger.county_of(person_area(person.pk) or 0):
        raise NotFound(employer.pk)
    # a migrant on the station's roster is the station's to follow, and a refusal may name their
    # record; anyone else's is described in general words only. A placement ends a running job
    # or spell out of work, never a public-welfare post or a business (the county's to end).
    on_roster = person.pk in {r.person_id for r in selectors.rosters([station], start)[station.pk]}
    if close_open:
        current = (
            Spell.objects.filter(person=person, full_time=True, end__isnull=True, start__lt=start)
            .exclude(status__in=[SpellStatus.PUBLIC_WELFARE, SpellStatus.SELF_EMPLOYED])
            .first()
        )
        if current is not None:
            current.end = start - dt.timedelta(days=1)
            with set_actor(actor):
                current.save(update_fields=["end"])
    if (other := ledger.overlapping_spell(person, start, end)) is not None:
        raise ledger.overlap_error(other) if on_roster else ledger.overlap_refusal(actor, other)
    where = destination.strip() or f"{station.destination_province}{station.destination_city}"
    with set_actor(actor):
        spell = Spell.objects.create(
            person=person,
            status=SpellStatus.EMPLOYED,
            channel=Channel.ORGANISED_EXPORT,
            location=location,
            destination=where,
            employer=employer,
            start=start,
            end=end,
            monthly_wage=monthly_wage,
            note=note.strip(),
            created_by=actor,
        )
        return Placement.objects.create(station=station, spell=spell, person=person, created_by=actor)


# -- employers and vacancies the station collects ---------------------------------------------


@transaction.atomic
def station_employer_add(
    *, actor: Any, station: Workstation, credit_code: str, name: str, sector: str = "", address: str = ""
) -> Employer:
    """An employer at the destination added to the county's list by the station (the same
    checks as the ledger's `employer_create`: a valid credit code, once per county)."""
    _station_for_work(actor, station)
    code = ledger.employer_check(county_code=station.county_id, credit_code=credit_code, name=name)
    with set_actor(actor):
        return Employer.objects.create(
            county_id=station.county_id,
            credit_code=code,
            name=name.strip(),
            sector=sector.strip(),
            address=address.strip(),
        )


@transaction.atomic
def station_vacancy_create(
    *,
    actor: Any,
    station: Workstation,
    employer: Employer,
    title: str,
    headcount: int,
    wage_min: Decimal,
    wage_max: Decimal,
    start: dt.date,
    location: str = Location.OUT_OF_PROVINCE,
    destination: str = "",
    age_min: int = 16,
    age_max: int = 60,
    skills: str = "",
    certificates: str = "",
    physical: str = Physical.MEDIUM,
    home_based: bool = False,
    housing: bool = False,
) -> Vacancy:
    """Recruitment information the station collected from an employer of the county's list,
    recorded as a ledger vacancy (the same checks as `vacancy_create`) linked to the station."""
    _station_for_work(actor, station)
    _employer_of(station, employer)
    ledger.vacancy_check(
        title=title, headcount=headcount, location=location, wage_min=wage_min, wage_max=wage_max,
        age_min=age_min, age_max=age_max, physical=physical,
    )  # fmt: skip
    where = destination.strip() or f"{station.destination_province}{station.destination_city}"
    with set_actor(actor):
        vacancy = Vacancy.objects.create(
            employer=employer,
            title=title.strip(),
            headcount=headcount,
            location=location,
            destination=where,
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
        StationVacancy.objects.create(station=station, vacancy=vacancy)
    return vacancy


@transaction.atomic
def station_vacancy_close(*, actor: Any, station: Workstation, vacancy: Vacancy) -> Vacancy:
    """The places are filled or withdrawn: the vacancy the station collected is closed."""
    _station_for_work(actor, station)
    locked = (
        Vacancy.objects.select_for_update().filter(pk=vacancy.pk, workstation_link__station=station).first()
    )
    if locked is None:
        raise NotFound(vacancy.pk)
    if locked.status != Vacancy.Status.CLOSED:
        locked.status = Vacancy.Status.CLOSED
        with set_actor(actor):
            locked.save(update_fields=["status"])
    return locked


# -- disputes -----------------------------------------------------------------------------------


def _money(field: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise DomainError(field, value, Msg.UNKNOWN_CODE) from None


@transaction.atomic
def dispute_open(
    *,
    actor: Any,
    station: Workstation,
    person: Person,
    employer: Employer,
    kind: str,
    amount_claimed: Decimal,
    opened_on: dt.date,
    summary: str,
) -> Dispute:
    """A labour dispute or wage-arrears case taken in (受理) for a person of the county, against
    an employer of the county's list. Wage arrears must claim an amount; none is negative."""
    _station_for_work(actor, station)
    if not selectors.in_county(person.pk, station.county_id, min(opened_on, today())):
        raise DomainError("person", person.pk, WMsg.NOT_IN_COUNTY)
    _employer_of(station, employer)
    if kind not in DisputeKind.values:
        raise DomainError("kind", kind, Msg.UNKNOWN_CODE)
    claimed = _money("amount_claimed", amount_claimed)
    if claimed < 0:
        raise DomainError("amount_claimed", claimed, WMsg.CLAIM_NEGATIVE)
    if kind == DisputeKind.WAGE_ARREARS and claimed == 0:
        raise DomainError("amount_claimed", claimed, WMsg.CLAIM_ZERO_ARREARS)
    _not_future("opened_on", opened_on)
    _running(station, "opened_on", opened_on)
    text = summary.strip()
    if not text:
        raise DomainError("summary", summary, Msg.REQUIRED)
    with set_actor(actor):
        dispute = Dispute.objects.create(
            station=station,
            person=person,
            employer=employer,
            kind=kind,
            amount_claimed=claimed,
            opened_on=opened_on,
            summary=text[:500],
            created_by=actor,
        )
        DisputeEvent.objects.create(
            dispute=dispute,
            action="open",
            from_state="",
            to_state=dispute.state,
            on=opened_on,
            actor=actor,
            note=text[:500],
            data={"amount_claimed": str(claimed)},
        )
    return dispute


@transaction.atomic
def dispute_step(
    *,
    actor: Any,
    dispute: Dispute,
    action: str,
    on: dt.date,
    note: str,
    amount_recovered: Decimal | None = None,
    escalated_to: str = "",
    expected_state: str | None = None,
) -> Dispute:
    """Move a dispute one step: `mediate` (intake → mediation), `resolve` (mediation → resolved,
    with the amount recovered) or `escalate` (mediation → escalated, to the body named in
    `escalated_to`, with what was recovered so far). The amount recovered is never negative nor
    above the claim; a step is never dated before the one before it. `expected_state`: the state
    the user saw; if the case moved on since, the step is refused, never taken twice."""
    from django_fsm import can_proceed

    locked = Dispute.objects.select_for_update().filter(pk=dispute.pk).first()
    if locked is None:
        raise NotFound(dispute.pk)
    _station_for_work(actor, Workstation.objects.get(pk=locked.station_id))
    if expected_state is not None and expected_state != locked.state:
        raise DomainError(
            "state", expected_state, str(WMsg.MOVED_ON).format(state=locked.get_state_display())
        )
    if action not in ACTIONS:
        raise DomainError("action", action, Msg.UNKNOWN_CODE)
    method = getattr(locked, action)
    if not can_proceed(method):
        raise DomainError(
            "action",
            action,
            str(WMsg.OUT_OF_ORDER).format(state=locked.get_state_display(), action=ACTIONS[action]),
        )
    _not_future("on", on)
    previous = locked.mediation_on or locked.opened_on
    if on < previous:
        raise DomainError("on", on, str(WMsg.BEFORE_STEP).format(day=previous))
    text = note.strip()
    if not text:
        raise DomainError("note", note, WMsg.NOTE_REQUIRED)
    data = _step_data(locked, action, amount_recovered, escalated_to)
    before = locked.state
    with set_actor(actor):
        method()
        if action == "mediate":
            locked.mediation_on = on
        else:
            locked.closed_on = on
        locked.save()
        DisputeEvent.objects.create(
            dispute=locked,
            action=action,
            from_state=before,
            to_state=locked.state,
            on=on,
            actor=actor,
            note=text[:500],
            data=data,
        )
    return locked


def _step_data(dispute: Dispute, action: str, recovered: Decimal | None, escalated_to: str) -> dict[str, str]:
    if action == "mediate":
        return {}
    if recovered is None:
        if action == "resolve":
            raise DomainError("amount_recovered", "", Msg.REQUIRED)
        recovered = dispute.amount_recovered
    amount = _money("amount_recovered", recovered)
    if amount < 0:
        raise DomainError("amount_recovered", amount, WMsg.RECOVERED_NEGATIVE)
    if amount > dispute.amount_claimed:
        raise DomainError(
            "amount_recovered", amount, str(WMsg.RECOVERED_ABOVE_CLAIM).format(claimed=dispute.amount_claimed)
        )
    dispute.amount_recovered = amount
    data = {"amount_recovered": str(amount)}
    if action == "escalate":
        body = escalated_to.strip()
        if not body:
            raise DomainError("escalated_to", escalated_to, WMsg.ESCALATED_TO_REQUIRED)
        dispute.escalated_to = body[:100]
        data["escalated_to"] = dispute.escalated_to
    return data


# -- visits -------------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    station: Workstation,
    on: dt.date,
    visitors: str,
    employer: Employer | None = None,
    place: str = "",
    persons_met: int | None = None,
    persons: Iterable[Person] = (),
    notes: str = "",
) -> Visit:
    """A visit of the station's staff: when, who went, where (an employer of the county's list or
    a place), how many migrants they met and whom of the roster by name. The count is at least
    the names given (the names' count when left out)."""
    _station_for_work(actor, station)
    _not_future("on", on)
    _running(station, "on", on)
    if not visitors.strip():
        raise DomainError("visitors", visitors, Msg.REQUIRED)
    _employer_of(station, employer)
    if employer is None and not place.strip():
        raise DomainError("place", place, WMsg.WHERE_REQUIRED)
    named = list({p.pk: p for p in persons}.values())
    if named:
        roster = {r.person_id for r in selectors.rosters([station], on)[station.pk]}
        stranger = next((p for p in named if p.pk not in roster), None)
        if stranger is not None:
            raise DomainError("persons", stranger.pk, WMsg.NOT_ON_ROSTER)  # never the name of a stranger
    count = len(named) if persons_met is None else persons_met
    if count < 0:
        raise DomainError("persons_met", count, Msg.NEGATIVE_AMOUNT)
    if count < len(named):
        raise DomainError("persons_met", count, str(WMsg.MET_FEWER_THAN_NAMED).format(named=len(named)))
    with set_actor(actor):
        visit = Visit.objects.create(
            station=station,
            on=on,
            visitors=visitors.strip()[:100],
            employer=employer,
            place=place.strip(),
            persons_met=count,
            notes=notes.strip()[:1000],
            created_by=actor,
        )
        visit.persons.set(named)
    return visit


__all__ = [
    "ACTIONS",
    "DisputeState",
    "WMsg",
    "dispute_open",
    "dispute_step",
    "officer_candidates",
    "placement_record",
    "station_create",
    "station_employer_add",
    "station_update",
    "station_vacancy_close",
    "station_vacancy_create",
    "visit_record",
]
