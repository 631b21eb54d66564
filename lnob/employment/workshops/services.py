"""Writes for workshops: set one up, name its managers, record workers joining and leaving (as
spells of the ledger), recognise it, and check the county's workshops each quarter. Each write
refuses bad input with a DomainError (field, value, reason) and writes nothing; a workshop or
person outside the actor's reach is NotFound (answered 404). Subsidy claims: claims.py."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can, covers
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.core.sensitive import mask_id
from lnob.employment import services as ledger
from lnob.employment.models import Channel, Employer, Location, Spell, SpellStatus
from lnob.registry.models import Person
from lnob.registry.selectors import person_area, today

from .assess import assess
from .models import Assessment, Rating, Workshop, WorkshopEvent, WorkshopJob, WorkshopState, WorkshopType
from .roster import roster_spells
from .rules import MONITORING


class M:
    """Messages, constant so tests assert on them."""

    EMPLOYER_OTHER_COUNTY = _("经营主体须在车间所在县的用工单位名单中")
    NAME_TAKEN = _("该经营主体已有同名车间")
    NOT_A_MANAGER = _("该用户不是车间所在地的帮扶车间负责人")
    NOT_IN_COUNTY = _("此人未在本县登记：请核对身份证号")
    CLOSED = _("车间已清理，不能再登记工人")
    NOT_ON_ROSTER = _("此人不在该车间的工人名册上")
    SPELL_ENDED = _("这条记录已经结束")
    END_BEFORE_START = _("结束日期不能早于开始日期")
    ALREADY_RECOGNISED = _("车间当前为“{state}”，不能认定")
    NOT_RECOGNISED = _("车间尚未认定")
    CLOSE_REASON = _("请填写清理原因")
    RATING_YEAR = _("请同时填写考评等次和考评年度")
    MOVED_COUNTY = _("车间只能在本县内调整所在村")


def may_run(user: Any, workshop: Workshop) -> bool:
    """Sets up and runs workshops of the area (county administrator, township officer)."""
    return can(user, Capability.MANAGE_EMPLOYMENT, workshop.village_id)


def manages(user: Any, workshop: Workshop) -> bool:
    """Named manager of the workshop, holding the workshop-manager role where it is. Reads the
    managers through `workshop.managers.all()`, so a page that prefetched them asks nothing."""
    return (
        getattr(user, "pk", None) is not None
        and can(user, Capability.MANAGE_OWN_WORKSHOP, workshop.village_id)
        and any(m.pk == user.pk for m in workshop.managers.all())
    )


def may_act(user: Any, workshop: Workshop) -> bool:
    return may_run(user, workshop) or manages(user, workshop)


def county_of(code: int) -> int:
    return subtree_range(code, Level.COUNTY)[0]


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _event(
    workshop: Workshop,
    action: str,
    day: dt.date,
    actor: Any,
    *,
    before: str = "",
    comment: str = "",
    claim: Any = None,
) -> WorkshopEvent:
    return WorkshopEvent(
        workshop=workshop,
        claim=claim,
        action=action,
        from_state=before,
        to_state=claim.state if claim is not None else workshop.state,
        day=day,
        actor=actor if getattr(actor, "pk", None) else None,
        comment=comment[:500],
    )


def _check_managers(managers: Iterable[Any], village: int) -> list[Any]:
    users = list(managers)
    for user in users:
        if not can(user, Capability.MANAGE_OWN_WORKSHOP, village):
            raise DomainError("managers", user.get_username(), M.NOT_A_MANAGER)
    return users


def _check_fields(name: str, type: str, opened: dt.date | None, rating: str, rating_year: int | None) -> str:
    name = name.strip()
    if not name:
        raise DomainError("name", name, Msg.REQUIRED)
    if type not in WorkshopType.values:
        raise DomainError("type", type, Msg.UNKNOWN_CODE)
    if opened is not None and opened > today():
        raise DomainError("opened", opened, Msg.IN_FUTURE)
    if rating and rating not in Rating.values:
        raise DomainError("rating", rating, Msg.UNKNOWN_CODE)
    if bool(rating) != (rating_year is not None):
        raise DomainError("rating_year", rating_year, M.RATING_YEAR)
    if rating_year is not None and not 2013 <= rating_year <= today().year:
        raise DomainError("rating_year", rating_year, Msg.YEAR_RANGE)
    return name


@transaction.atomic
def workshop_create(
    *,
    actor: Any,
    employer: Employer,
    name: str,
    type: str,
    village: Area,
    address: str = "",
    opened: dt.date | None = None,
    managers: Iterable[Any] = (),
    rating: str = "",
    rating_year: int | None = None,
    note: str = "",
) -> Workshop:
    """A workshop of an employer on the county's list, in a village of the actor's area. It waits
    for recognition (待认定) until its roster meets the criteria."""
    if village.level != Level.VILLAGE or not can(actor, Capability.MANAGE_EMPLOYMENT, village.code):
        raise NotFound(village.code)
    if employer.county_id != county_of(village.code):
        raise DomainError("employer", employer.credit_code, M.EMPLOYER_OTHER_COUNTY)
    name = _check_fields(name, type, opened, rating, rating_year)
    if Workshop.objects.filter(employer=employer, name=name).exists():
        raise DomainError("name", name, M.NAME_TAKEN)
    users = _check_managers(managers, village.code)
    with set_actor(actor):
        workshop = Workshop.objects.create(
            employer=employer,
            name=name,
            type=type,
            village=village,
            address=address.strip(),
            opened=opened,
            rating=rating,
            rating_year=rating_year,
            note=note.strip(),
            created_by=actor,
        )
        workshop.managers.set(users)
        _event(workshop, "create", today(), actor).save()
    return workshop


@transaction.atomic
def workshop_update(
    *,
    actor: Any,
    workshop: Workshop,
    name: str,
    type: str,
    village: Area,
    address: str = "",
    opened: dt.date | None = None,
    managers: Iterable[Any] = (),
    rating: str = "",
    rating_year: int | None = None,
    note: str = "",
) -> Workshop:
    """Change a workshop's particulars and managers; it may move to another village of the county."""
    locked = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if locked is None or not may_run(actor, locked):
        raise NotFound(workshop.pk)
    if village.level != Level.VILLAGE or not can(actor, Capability.MANAGE_EMPLOYMENT, village.code):
        raise NotFound(village.code)
    if county_of(village.code) != county_of(locked.village_id):
        raise DomainError("village", village.code, M.MOVED_COUNTY)
    name = _check_fields(name, type, opened, rating, rating_year)
    if Workshop.objects.filter(employer_id=locked.employer_id, name=name).exclude(pk=locked.pk).exists():
        raise DomainError("name", name, M.NAME_TAKEN)
    users = _check_managers(managers, village.code)
    locked.name, locked.type, locked.village, locked.address = name, type, village, address.strip()
    locked.opened, locked.rating, locked.rating_year, locked.note = opened, rating, rating_year, note.strip()
    with set_actor(actor):
        locked.save(
            update_fields=["name", "type", "village", "address", "opened", "rating", "rating_year", "note"]
        )
        locked.managers.set(users)
        _event(locked, "update", today(), actor).save()
    return locked


def _save_assessments(results: list[Any], day: dt.date, purpose: str) -> list[Assessment]:
    """One assessment per workshop, day and purpose: a second run the same day replaces the figures."""
    existing = {
        a.workshop_id: a
        for a in Assessment.objects.filter(
            workshop_id__in=[r.workshop.pk for r in results], day=day, purpose=purpose
        )
    }
    new, changed, out = [], [], []
    for r in results:
        found = existing.get(r.workshop.pk)
        if found is None:
            found = Assessment(workshop=r.workshop, day=day, purpose=purpose)
            new.append(found)
        else:
            changed.append(found)
        found.policy, found.monitoring, found.met, found.figures = r.policy, r.monitoring, r.met, r.figures
        out.append(found)
    Assessment.objects.bulk_create(new)
    Assessment.objects.bulk_update(changed, ["policy", "monitoring", "met", "figures", "created_at"])
    return out


@transaction.atomic
def workshop_recognise(*, actor: Any, workshop: Workshop, day: dt.date) -> Assessment:
    """认定: evaluate the criteria in force on `day` against the roster and record the figures;
    when they are met the workshop runs normally from that day, otherwise it stays as it was
    (the assessment says what is short)."""
    locked = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if locked is None or not may_run(actor, locked):
        raise NotFound(workshop.pk)
    if day > today():
        raise DomainError("day", day, Msg.IN_FUTURE)
    if locked.state not in (WorkshopState.APPLIED, WorkshopState.CLOSED):
        raise DomainError(
            "state", locked.state, str(M.ALREADY_RECOGNISED).format(state=locked.get_state_display())
        )
    result = assess([locked], day, Assessment.Purpose.RECOGNITION)[0]
    with set_actor(actor):
        assessment = _save_assessments([result], day, Assessment.Purpose.RECOGNITION)[0]
        if result.met:
            before = locked.state
            locked.recognise()
            locked.recognised_on, locked.pending_since, locked.closed_on = day, None, None
            locked.save(update_fields=["state", "recognised_on", "pending_since", "closed_on"])
            _event(locked, "recognise", day, actor, before=before, comment=result.policy.name).save()
    return assessment


@transaction.atomic
def workshop_close(*, actor: Any, workshop: Workshop, day: dt.date, reason: str) -> Workshop:
    """清理 by the county, with the reason (the workshop stopped, moved away, broke the rules)."""
    locked = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if locked is None or not may_run(actor, locked):
        raise NotFound(workshop.pk)
    if not reason.strip():
        raise DomainError("reason", reason, M.CLOSE_REASON)
    if day > today():
        raise DomainError("day", day, Msg.IN_FUTURE)
    if locked.state not in (WorkshopState.NORMAL, WorkshopState.PENDING):
        raise DomainError("state", locked.state, M.NOT_RECOGNISED)
    before = locked.state
    with set_actor(actor):
        locked.close()
        locked.closed_on = day
        locked.save(update_fields=["state", "closed_on"])
        _event(locked, "close", day, actor, before=before, comment=reason.strip()).save()
    return locked


@transaction.atomic
def workshop_check(*, actor: Any, area: Area, day: dt.date) -> dict[str, int]:
    """The quarterly check of the recognised workshops in an area (动态监测), in bulk: criteria
    unmet → pending action from `day`; still unmet once the rule's buffer has passed → closed; met
    again → normal. Figures are recorded per workshop. Run again for the same day, it changes
    nothing. `actor` None: the system (the command line)."""
    if actor is not None and not covers(actor, Capability.MANAGE_EMPLOYMENT, area.code, Level(area.level)):
        raise NotFound(area.code)
    if day > today():
        raise DomainError("day", day, Msg.IN_FUTURE)
    lo, hi = area.subtree
    workshops = list(
        Workshop.objects.select_for_update()
        .filter(village_id__gte=lo, village_id__lt=hi, recognised_on__lte=day)
        .filter(state__in=[WorkshopState.NORMAL, WorkshopState.PENDING])
        .order_by("pk")
    )
    results = assess(workshops, day, Assessment.Purpose.CHECK)
    counts = {"checked": len(results), "met": 0, "flagged": 0, "cleared": 0, "closed": 0}
    events: list[WorkshopEvent] = []
    changed: list[Workshop] = []
    with set_actor(actor):
        _save_assessments(results, day, Assessment.Purpose.CHECK)
        for r in results:
            counts["met"] += r.met
            step = _step(r, day, actor, events)
            if step:
                counts[step] += 1
                changed.append(r.workshop)
                # a buffer of 0 months closes at once
                if step == "flagged" and _step(r, day, actor, events):
                    counts["closed"] += 1
        Workshop.objects.bulk_update(changed, ["state", "pending_since", "closed_on"])
        WorkshopEvent.objects.bulk_create(events)
    return counts


def _step(r: Any, day: dt.date, actor: Any, events: list[WorkshopEvent]) -> str:
    """The transition the check's result calls for, applied in memory; "" for none."""
    w: Workshop = r.workshop
    if w.pending_since is not None and w.pending_since > day:
        return ""  # a check of an earlier day than the one that flagged it changes nothing
    before = w.state
    figures = r.figures
    summary = f"{figures['rule']}: {figures['workers']} / {figures['poor_workers']}"
    if w.state == WorkshopState.NORMAL and not r.met:
        w.flag()
        w.pending_since = day
        events.append(_event(w, "flag", day, actor, before=before, comment=summary))
        return "flagged"
    if w.state == WorkshopState.PENDING and r.met:
        w.clear()
        w.pending_since = None
        events.append(_event(w, "clear", day, actor, before=before, comment=summary))
        return "cleared"
    if w.state == WorkshopState.PENDING and not r.met:
        buffer = _buffer(r)
        if w.pending_since is not None and day >= add_months(w.pending_since, buffer):
            w.close()
            w.closed_on = day
            events.append(_event(w, "close", day, actor, before=before, comment=summary))
            return "closed"
    return ""


def _buffer(r: Any) -> int:
    from lnob.employment import policy

    if r.monitoring is None:
        return 6
    params: Any = policy.parse_params(MONITORING, r.monitoring.params)
    return int(params.buffer_months)


# -- workers: spells of the ledger through the workshop channel --------------------------------


def _find_person(workshop: Workshop, id_number: str) -> Person:
    """The person of a resident ID registered in the workshop's county; the same refusal for an
    unknown ID and one of another county, so a manager cannot probe the registry."""
    number = id_number.strip().upper()
    person = Person.objects.filter(id_number=number).first()
    if person is None or county_of(person_area(person.pk) or 0) != county_of(workshop.village_id):
        raise DomainError("id_number", mask_id(number), M.NOT_IN_COUNTY)
    return person


def _record_spell(
    *,
    actor: Any,
    workshop: Workshop,
    person: Person,
    start: dt.date,
    monthly_wage: Decimal | None,
    full_time: bool,
    note: str,
) -> Spell:
    """spell_record's checks for a workshop job, on behalf of an actor who may lack EDIT_REGISTRY
    (a workshop manager): the workshop stands for the person's consent to be recorded there. An
    open spell out of work that began earlier ends the day before; one in work is an overlap."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if start > today():
        raise DomainError("start", start, Msg.IN_FUTURE)
    if monthly_wage is not None and monthly_wage < 0:
        raise DomainError("monthly_wage", monthly_wage, Msg.NEGATIVE_WAGE)
    if full_time:
        idle = Spell.objects.filter(
            person=person,
            full_time=True,
            end__isnull=True,
            start__lt=start,
            status__in=[SpellStatus.NOT_EMPLOYED, SpellStatus.UNABLE],
        ).first()
        if idle is not None:
            idle.end = start - dt.timedelta(days=1)
            with set_actor(actor):
                idle.save(update_fields=["end"])
        other = ledger.overlapping_spell(person, start, None)
        if other is not None:
            raise ledger.overlap_refusal(actor, other)
    with set_actor(actor):
        return Spell.objects.create(
            person=person,
            status=SpellStatus.EMPLOYED,
            channel=Channel.WORKSHOP,
            location=Location.IN_COUNTY,
            destination=workshop.name[:100],
            employer_id=workshop.employer_id,
            monthly_wage=monthly_wage,
            full_time=full_time,
            start=start,
            note=note.strip(),
            created_by=actor,
        )


@transaction.atomic
def worker_join(
    *,
    actor: Any,
    workshop: Workshop,
    id_number: str,
    start: dt.date,
    monthly_wage: Decimal | None = None,
    full_time: bool = True,
    note: str = "",
) -> WorkshopJob:
    """A worker joins the workshop: a spell in work (channel workshop, in the county, with the
    workshop's employer) from `start`, found by resident ID among the county's registered persons."""
    workshop = Workshop.objects.select_for_update().filter(pk=workshop.pk).first() or workshop
    if not may_act(actor, workshop):
        raise NotFound(workshop.pk)
    if workshop.state == WorkshopState.CLOSED:
        raise DomainError("workshop", workshop.get_state_display(), M.CLOSED)
    person = _find_person(workshop, id_number)
    spell = _record_spell(
        actor=actor,
        workshop=workshop,
        person=person,
        start=start,
        monthly_wage=monthly_wage,
        full_time=full_time,
        note=note,
    )
    with set_actor(actor):
        job = WorkshopJob.objects.create(workshop=workshop, spell=spell, person=person, created_by=actor)
        _event(workshop, "join", start, actor, comment=person.name).save()
    return job


def roster_spell(workshop: Workshop, spell_id: int) -> Spell:
    """A spell of the workshop's roster, or NotFound."""
    ids = {r.spell_id for r in roster_spells([workshop], dt.date.min, dt.date.max)}
    spell = Spell.objects.filter(pk=spell_id).select_related("person").first() if spell_id in ids else None
    if spell is None:
        raise NotFound(spell_id)
    return spell


@transaction.atomic
def worker_leave(*, actor: Any, workshop: Workshop, spell_id: int, end: dt.date) -> Spell:
    """A worker leaves: their roster spell ends on `end` (the last day worked)."""
    if not may_act(actor, workshop):
        raise NotFound(workshop.pk)
    spell = roster_spell(workshop, spell_id)
    spell = Spell.objects.select_for_update(of=("self",)).select_related("person").get(pk=spell.pk)
    if spell.end is not None:
        raise DomainError("end", spell.end, M.SPELL_ENDED)
    if end < spell.start:
        raise DomainError("end", end, M.END_BEFORE_START)
    if end > today():
        raise DomainError("end", end, Msg.IN_FUTURE)
    spell.end = end
    with set_actor(actor):
        spell.save(update_fields=["end"])
        _event(workshop, "leave", end, actor, comment=spell.person.name).save()
    return spell


def managers_by_name(usernames: Iterable[str]) -> list[Any]:
    """Users by login name; DomainError naming the first unknown one."""
    names = [u.strip() for u in usernames if u.strip()]
    found = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names, is_active=True)}
    for name in names:
        if name not in found:
            raise DomainError("managers", name, _("没有这个用户"))
    return [found[n] for n in names]
