"""Writes to the employment ledger. Each refuses bad input with a DomainError naming the field,
the value and the reason, and writes nothing; a person or employer outside the actor's areas is
NotFound (the caller answers 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from lnob.areas.codes import Level, subtree_range
from lnob.areas.models import Area
from lnob.areas.roles import Capability
from lnob.areas.scoping import can
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.registry.choices import Sex
from lnob.registry.models import Person
from lnob.registry.selectors import person_area, today

from .models import IN_WORK, Channel, Employer, Location, Physical, RoundCheck, Spell, SpellStatus, Vacancy


def county_of(code: int) -> int:
    """The county an area code belongs to."""
    return subtree_range(code, Level.COUNTY)[0]


def check_editable_person(actor: Any, person: Person) -> None:
    """NotFound unless the actor may edit the registry where the person lives now (every write to
    a person's ledger, in any channel, checks this first)."""
    area = person_area(person.pk)
    if area is None or not can(actor, Capability.EDIT_REGISTRY, area):
        raise NotFound(person.pk)


def employer_create(
    *, actor: Any, county: Area, credit_code: str, name: str, sector: str = "", address: str = ""
) -> Employer:
    """A new employer on the county's list; the credit code is checked with stdnum.cn.uscc."""
    if county.level != Level.COUNTY or not can(actor, Capability.MANAGE_EMPLOYMENT, county.code):
        raise NotFound(county.code)
    code = employer_check(county_code=county.code, credit_code=credit_code, name=name)
    with set_actor(actor):
        return Employer.objects.create(
            county=county, credit_code=code, name=name.strip(), sector=sector.strip(), address=address.strip()
        )


def employer_check(*, county_code: int, credit_code: str, name: str) -> str:
    """The rules for a new employer on a county's list (every path that adds one calls this):
    a valid credit code, a name, once per county. Returns the code as stored."""
    try:
        code = str(uscc.validate(credit_code))
    except ValidationError:
        raise DomainError("credit_code", credit_code, Msg.CREDIT_CODE_INVALID) from None
    if not name.strip():
        raise DomainError("name", name, Msg.REQUIRED)
    if Employer.objects.filter(county_id=county_code, credit_code=code).exists():
        raise DomainError("credit_code", code, Msg.CREDIT_CODE_TAKEN)
    return code


def overlapping_spell(
    person: Person, start: dt.date, end: dt.date | None, exclude: int | None = None
) -> Spell | None:
    """The person's first full-time spell that shares a day with [start, end] (end None: open)."""
    spells = Spell.objects.filter(person=person, full_time=True)
    if exclude is not None:
        spells = spells.exclude(pk=exclude)
    if end is not None:
        spells = spells.filter(start__lte=end)
    return spells.exclude(end__lt=start).order_by("start").first()


def overlap_refusal(actor: Any, other: Spell) -> DomainError:
    """The refusal for a spell overlapping `other`: naming the other spell's status and dates to
    those who may see the person in the registry, in general words to anyone else (a workshop
    manager or a workstation officer must not learn someone's record by trying an ID number)."""
    if Person.objects.visible_to(actor).filter(pk=other.person_id).exists():
        return overlap_error(other)
    return DomainError("start", "", Msg.OVERLAP_HIDDEN)


def overlap_error(other: Spell) -> DomainError:
    """The refusal for a full-time spell overlapping `other`, naming its status and dates: for
    those who may see the person (overlap_refusal says when)."""
    until = other.end.isoformat() if other.end else _("至今")
    return DomainError(
        "start",
        other.start,
        _("与此人 {start} 至 {end} 的“{status}”记录时间重叠").format(
            start=other.start.isoformat(), end=until, status=other.get_status_display()
        ),
    )


@transaction.atomic
def spell_record(
    *,
    actor: Any,
    person: Person,
    status: str,
    start: dt.date,
    end: dt.date | None = None,
    channel: str = "",
    location: str = "",
    destination: str = "",
    employer: Employer | None = None,
    monthly_wage: Decimal | None = None,
    full_time: bool = True,
    note: str = "",
    close_open: bool = False,
) -> Spell:
    """A stretch of one status for a person. In work (employed, self-employed, public-welfare
    post) it says where; out of work it carries no channel, place, employer or wage. Two
    full-time spells of a person never overlap; a part-time one may run beside another.
    `close_open`: a change of status, so the person's open full-time spell that began earlier ends
    the day before this one begins."""
    check_editable_person(actor, person)
    # one writer per person at a time: two cadres recording at once cannot both slip in
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if status not in SpellStatus.values:
        raise DomainError("status", status, Msg.UNKNOWN_CODE)
    if channel and channel not in Channel.values:
        raise DomainError("channel", channel, Msg.UNKNOWN_CODE)
    if location and location not in Location.values:
        raise DomainError("location", location, Msg.UNKNOWN_CODE)
    if start > today():
        raise DomainError("start", start, Msg.IN_FUTURE)
    if end is not None and end < start:
        raise DomainError("end", end, _("结束日期不能早于开始日期"))
    if monthly_wage is not None and monthly_wage < 0:
        raise DomainError("monthly_wage", monthly_wage, Msg.NEGATIVE_WAGE)
    if status in IN_WORK:
        if not location:
            raise DomainError("location", location, _("在岗的记录须填写就业地域（县内、省内县外或省外）"))
    else:
        for field, value in (
            ("channel", channel),
            ("location", location),
            ("employer", employer),
            ("monthly_wage", monthly_wage),
        ):
            if value:
                raise DomainError(field, value, _("未就业或无法就业的记录不填写就业渠道、地域、单位和工资"))
        if not full_time:
            raise DomainError("full_time", full_time, _("只有在岗的记录可以是兼职"))
    if employer is not None and employer.county_id != county_of(person_area(person.pk) or 0):
        raise NotFound(employer.pk)  # an employer is on its county's list, for that county's people
    if close_open and full_time:
        current = Spell.objects.filter(
            person=person, full_time=True, end__isnull=True, start__lt=start
        ).first()
        if current is not None:
            current.end = start - dt.timedelta(days=1)
            with set_actor(actor):
                current.save(update_fields=["end"])
    if full_time and (other := overlapping_spell(person, start, end)) is not None:
        raise overlap_error(other)
    with set_actor(actor):
        return Spell.objects.create(
            person=person,
            status=status,
            start=start,
            end=end,
            channel=channel,
            location=location,
            destination=destination.strip(),
            employer=employer,
            monthly_wage=monthly_wage,
            full_time=full_time,
            note=note.strip(),
            created_by=actor,
        )


@transaction.atomic
def spell_close(*, actor: Any, spell: Spell, end: dt.date) -> Spell:
    """The spell ends on `end` (the last day of that status)."""
    check_editable_person(actor, spell.person)
    spell = Spell.objects.select_for_update().get(pk=spell.pk)
    if spell.end is not None:
        raise DomainError("end", spell.end, _("这条记录已经结束"))
    if end < spell.start:
        raise DomainError("end", end, _("结束日期不能早于开始日期"))
    if end > today():
        raise DomainError("end", end, Msg.IN_FUTURE)
    spell.end = end
    with set_actor(actor):
        spell.save(update_fields=["end"])
    return spell


@transaction.atomic
def round_confirm(*, actor: Any, person: Person, month: dt.date) -> RoundCheck:
    """Confirm, for the month's round, that the person's status is what the ledger shows (one tap).
    A person with nothing in the ledger has nothing to confirm: their status is recorded as a
    spell. Confirming twice in a month changes nothing."""
    from .selectors import current_spells, reference_day

    check_editable_person(actor, person)
    month = month.replace(day=1)
    if month > today():
        raise DomainError("month", month, Msg.IN_FUTURE)
    spell = (
        current_spells(Spell.objects.filter(person=person), reference_day(month)).order_by("-start").first()
    )
    if spell is None:
        raise DomainError("status", "", _("就业台账中此时没有此人的在续记录：请登记就业情况"))
    check, _created = RoundCheck.objects.get_or_create(
        person=person, month=month, defaults={"status": spell.status, "spell": spell, "checked_by": actor}
    )
    return check


@transaction.atomic
def vacancy_create(
    *,
    actor: Any,
    employer: Employer,
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
    sex_required: str = "",
    requirement_reason: str = "",
) -> Vacancy:
    """Places an employer of the actor's county offers. Refused with the reason: no places, a
    negative or reversed wage range, an age range with its minimum above its maximum."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, employer.county_id):
        raise NotFound(employer.pk)
    vacancy_check(
        title=title, headcount=headcount, location=location, wage_min=wage_min, wage_max=wage_max,
        age_min=age_min, age_max=age_max, physical=physical, sex_required=sex_required,
        requirement_reason=requirement_reason,
    )  # fmt: skip
    with set_actor(actor):
        return Vacancy.objects.create(
            employer=employer, title=title.strip(), headcount=headcount, location=location,
            destination=destination.strip(), wage_min=wage_min, wage_max=wage_max, age_min=age_min,
            age_max=age_max, skills=skills.strip(), certificates=certificates.strip(), physical=physical,
            home_based=home_based, housing=housing, start=start, created_by=actor,
            sex_required=sex_required, requirement_reason=requirement_reason.strip(),
        )  # fmt: skip


def vacancy_close(*, actor: Any, vacancy: Vacancy) -> Vacancy:
    """The places are filled or withdrawn: the vacancy is closed (closing twice changes nothing)."""
    if not can(actor, Capability.MANAGE_EMPLOYMENT, vacancy.employer.county_id):
        raise NotFound(vacancy.pk)
    with transaction.atomic():
        locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        if locked.status != Vacancy.Status.CLOSED:
            locked.status = Vacancy.Status.CLOSED
            with set_actor(actor):
                locked.save(update_fields=["status"])
    return locked


def vacancy_check(
    *,
    title: str,
    headcount: int,
    location: str,
    wage_min: Decimal,
    wage_max: Decimal,
    age_min: int,
    age_max: int,
    physical: str,
    sex_required: str = "",
    requirement_reason: str = "",
) -> None:
    """The rules for a vacancy, whoever posts it (the county, a job fair, a workstation). A
    requirement of sex is lawful only with its legal basis recorded (docs/matching.md)."""
    if not title.strip():
        raise DomainError("title", title, Msg.REQUIRED)
    if headcount <= 0:
        raise DomainError("headcount", headcount, Msg.HEADCOUNT)
    if location not in Location.values:
        raise DomainError("location", location, Msg.UNKNOWN_CODE)
    if physical not in Physical.values:
        raise DomainError("physical", physical, Msg.UNKNOWN_CODE)
    if wage_min < 0:
        raise DomainError("wage_min", wage_min, Msg.NEGATIVE_WAGE)
    if wage_max < wage_min:
        raise DomainError("wage_max", wage_max, str(Msg.WAGE_RANGE).format(low=wage_min))
    if age_min > age_max:
        raise DomainError("age_min", age_min, str(Msg.AGE_RANGE).format(high=age_max))
    if sex_required and sex_required not in Sex.values:
        raise DomainError("sex_required", sex_required, Msg.UNKNOWN_CODE)
    if sex_required and not requirement_reason.strip():
        raise DomainError(
            "requirement_reason", requirement_reason, _("性别要求须写明法律依据，否则不得限制性别")
        )
