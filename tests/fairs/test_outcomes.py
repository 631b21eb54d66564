"""Interviews, offers and their outcomes: a hire writes the ledger's spell (channel job fair, the
vacancy's place and employer, the offered wage) and ends the person's running not-employed spell;
a decline or a rejection says why; each step in its order, by whoever keeps the person's ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.fairs import services
from lnob.employment.fairs.models import Application, JobFair, Source
from lnob.employment.fairs.services import FairMsg
from lnob.employment.models import Spell
from lnob.registry.selectors import today

from .conftest import FAIR_DAY, D, add_vacancy, head


def _offer(world, application, wage="4800", on=FAIR_DAY, **extra):
    return services.application_offer(
        actor=world.zx_cadre1, application=application, wage=Decimal(wage), on=on, **extra
    )


def test_a_hire_writes_the_spell_and_ends_the_running_not_employed_one(world, application, vacancy, factory):
    person = application.person
    ledger.spell_record(actor=world.zx_cadre1, person=person, status="not_employed", start=D(2025, 6, 1))
    services.application_interview(actor=world.zx_cadre1, application=application, on=D(2026, 3, 5))
    _offer(world, application, start=D(2026, 3, 20))
    hired = services.application_hire(actor=world.zx_cadre1, application=application, start=D(2026, 3, 20))
    assert (hired.state, hired.decided_on, hired.interviewed_on, hired.offered_on) == (
        "hired",
        D(2026, 3, 20),
        D(2026, 3, 5),
        D(2026, 3, 5),
    )
    spell = hired.spell
    assert (spell.status, spell.channel, spell.location, spell.destination, spell.employer) == (
        "employed",
        "job_fair",
        "out_of_province",
        "广东省东莞市",
        factory,
    )
    assert (spell.start, spell.end, spell.monthly_wage, spell.created_by) == (
        D(2026, 3, 20),
        None,
        Decimal("4800"),
        world.zx_cadre1,
    )
    assert "春风行动" in spell.note
    idle = Spell.objects.get(person=person, status="not_employed")
    assert idle.end == D(2026, 3, 19)


def test_a_hire_overlapping_a_full_time_spell_is_refused_with_the_ledgers_reason(world, application):
    person = application.person
    ledger.spell_record(
        actor=world.zx_cadre1,
        person=person,
        status="employed",
        location="in_county",
        start=D(2026, 3, 1),
        end=D(2026, 4, 30),
    )
    _offer(world, application)
    with pytest.raises(DomainError) as err:
        services.application_hire(actor=world.zx_cadre1, application=application, start=D(2026, 3, 20))
    assert err.value.field == "start" and "2026-03-01 至 2026-04-30" in str(err.value.message)
    assert Application.objects.get().state == "offered"  # nothing written
    assert Spell.objects.filter(person=person).count() == 1


def test_a_hire_may_not_start_in_the_future_nor_before_the_offer(world, application):
    _offer(world, application)
    with pytest.raises(DomainError) as err:
        services.application_hire(
            actor=world.zx_cadre1, application=application, start=today() + dt.timedelta(days=1)
        )
    assert err.value.message == Msg.IN_FUTURE
    with pytest.raises(DomainError) as err:
        services.application_hire(actor=world.zx_cadre1, application=application, start=D(2026, 3, 1))
    assert err.value.field == "start" and "2026-03-05" in str(err.value.message)


def test_the_places_of_a_vacancy_are_not_hired_twice(world, households, fair, vacancy, application):
    from lnob.employment.fairs.models import FairVacancy

    small = add_vacancy(world.zx_admin, FairVacancy.objects.get().recruiter, title="组长", headcount=1)
    mine = services.application_create(actor=world.zx_cadre1, attendee=application.attendee, vacancy=small)
    other = services.attendee_register(
        actor=world.zx_cadre2, fair=fair, person=head(households["v2"]), vacancies=[small]
    )
    theirs = other.applications.get()
    _offer(world, mine)
    services.application_offer(
        actor=world.zx_cadre2, application=theirs, wage=Decimal("5000"), on=D(2026, 3, 5)
    )
    services.application_hire(actor=world.zx_cadre1, application=mine, start=D(2026, 3, 20))
    with pytest.raises(DomainError) as err:
        services.application_hire(actor=world.zx_cadre2, application=theirs, start=D(2026, 3, 20))
    assert err.value.message == str(FairMsg.FULL).format(n=1)


@pytest.mark.parametrize(
    ("action", "reason", "note", "field", "message"),
    [
        ("decline", "", "", "reason", FairMsg.REASON_REQUIRED),
        ("decline", "no_show", "", "reason", None),  # the employer's reason, not the person's
        ("reject", "wage", "", "reason", None),
        ("reject", "other", " ", "note", FairMsg.NOTE_FOR_OTHER),
    ],
)
def test_a_decline_or_a_rejection_needs_its_own_kind_of_reason(
    world, application, action, reason, note, field, message
):
    step = services.application_decline if action == "decline" else services.application_reject
    with pytest.raises(DomainError) as err:
        step(actor=world.zx_cadre1, application=application, reason=reason, note=note, on=D(2026, 3, 5))
    assert err.value.field == field
    if message is not None:
        assert err.value.message == message
    assert Application.objects.get().state == "applied"


def test_declined_and_rejected_applications_keep_their_reason(world, application, households, fair, vacancy):
    declined = services.application_decline(
        actor=world.zx_cadre1, application=application, reason="distance", on=D(2026, 3, 6)
    )
    assert (declined.state, declined.reason, declined.decided_on) == ("declined", "distance", D(2026, 3, 6))
    other = services.attendee_register(
        actor=world.zx_cadre2, fair=fair, person=head(households["v2"]), vacancies=[vacancy]
    )
    rejected = services.application_reject(
        actor=world.zx_cadre2,
        application=other.applications.get(),
        reason="other",
        note="未带证件",
        on=D(2026, 3, 5),
    )
    assert (rejected.state, rejected.reason, rejected.note) == ("rejected", "other", "未带证件")


def test_each_step_comes_in_its_order(world, application):
    with pytest.raises(DomainError) as err:
        services.application_hire(actor=world.zx_cadre1, application=application, start=D(2026, 3, 20))
    assert err.value.field == "state" and "待面试" in str(err.value.message)
    services.application_reject(
        actor=world.zx_cadre1, application=application, reason="no_show", on=D(2026, 3, 5)
    )
    with pytest.raises(DomainError):
        services.application_interview(actor=world.zx_cadre1, application=application, on=D(2026, 3, 5))
    with pytest.raises(DomainError):
        _offer(world, application)


def test_an_interview_is_on_or_after_the_fairs_first_day_and_marks_the_fair_held(world, application, fair):
    with pytest.raises(DomainError) as err:
        services.application_interview(actor=world.zx_cadre1, application=application, on=D(2026, 3, 4))
    assert err.value.field == "interviewed_on" and "2026-03-05" in str(err.value.message)
    assert JobFair.objects.get().status == "planned"
    services.application_interview(actor=world.zx_cadre1, application=application, on=D(2026, 3, 5))
    assert JobFair.objects.get().status == "held"


def test_an_offer_needs_a_wage_that_is_not_negative(world, application):
    with pytest.raises(DomainError) as err:
        services.application_offer(
            actor=world.zx_cadre1, application=application, wage=None, on=D(2026, 3, 5)
        )
    assert err.value.message == FairMsg.WAGE_REQUIRED
    with pytest.raises(DomainError) as err:
        _offer(world, application, wage="-1")
    assert err.value.message == Msg.NEGATIVE_WAGE


def test_after_the_fair_closes_an_offer_is_still_taken_up_but_nothing_new_is_recorded(
    world, households, fair, vacancy, application
):
    other = services.attendee_register(
        actor=world.zx_cadre2, fair=fair, person=head(households["v2"]), vacancies=[vacancy]
    )
    _offer(world, application)
    services.fair_close(actor=world.zx_admin, fair=JobFair.objects.get())
    with pytest.raises(DomainError) as err:
        services.application_interview(
            actor=world.zx_cadre2, application=other.applications.get(), on=D(2026, 3, 5)
        )
    assert err.value.message == FairMsg.CLOSED
    hired = services.application_hire(actor=world.zx_cadre1, application=application, start=D(2026, 3, 20))
    assert hired.state == "hired"
    declined = services.application_decline(
        actor=world.zx_cadre2, application=other.applications.get(), reason="family", on=D(2026, 3, 21)
    )
    assert declined.state == "declined"


def test_only_those_who_keep_the_persons_ledger_record_outcomes(world, application):
    for outsider in (world.zx_cadre2, world.wz_admin, world.zx_auditor):
        with pytest.raises(NotFound):
            services.application_interview(actor=outsider, application=application, on=D(2026, 3, 5))
    assert (
        services.application_interview(
            actor=world.zx_township, application=application, on=D(2026, 3, 5)
        ).state
        == "interviewed"
    )


def test_outcomes_are_audited_with_the_wage_masked(world, application):
    _offer(world, application)
    entry = LogEntry.objects.get_for_object(application).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.zx_cadre1 and entry.changes_dict["state"] == ["applied", "offered"]
    assert entry.changes_dict["offered_wage"][1] != "4800.00"


def test_a_referral_uses_the_same_outcomes_and_names_its_own_channel(world, households, factory):
    from decimal import Decimal as Dec

    posted = ledger.vacancy_create(
        actor=world.zx_admin,
        employer=factory,
        title="普工",
        headcount=5,
        location="out_of_province",
        wage_min=Dec("4000"),
        wage_max=Dec("5000"),
        start=D(2026, 3, 20),
    )
    referral = services.application_open(actor=world.zx_cadre1, person=head(households["v1"]), vacancy=posted)
    assert (referral.source, referral.attendee) == (Source.REFERRAL, None)
    services.application_offer(
        actor=world.zx_cadre1, application=referral, wage=Dec("4500"), on=D(2026, 3, 10)
    )
    with pytest.raises(DomainError) as err:
        services.application_hire(actor=world.zx_cadre1, application=referral, start=D(2026, 3, 20))
    assert err.value.message == FairMsg.CHANNEL_REQUIRED
    hired = services.application_hire(
        actor=world.zx_cadre1, application=referral, start=D(2026, 3, 20), channel="organised_export"
    )
    assert hired.spell.channel == "organised_export"
    assert str(hired) == "岗位推荐应聘：东莞华宏电子厂 · 普工（已上岗）"  # what an assistance plan shows
