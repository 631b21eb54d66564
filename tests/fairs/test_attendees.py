"""Attendees: registered persons of the organiser's area, registered by whoever keeps their
ledger, once per fair, with the vacancies they are interested in."""

from __future__ import annotations

import pytest

from lnob.core.errors import DomainError, NotFound
from lnob.employment.fairs import selectors, services
from lnob.employment.fairs.models import Application, Attendee
from lnob.employment.fairs.services import FairMsg
from lnob.registry import services as registry
from tests.personas import ZX_V1, ZX_V2, make_household, person

from .conftest import D, head


def test_a_cadre_registers_a_person_of_the_village_with_the_vacancies_they_want(world, attendee, vacancy):
    assert (attendee.village_id, attendee.registered_on, attendee.created_by) == (
        ZX_V1,
        D(2026, 3, 1),
        world.zx_cadre1,
    )
    application = Application.objects.get()
    assert (application.vacancy, application.state, application.source) == (vacancy, "applied", "job_fair")
    assert application.person == attendee.person and application.village_id == ZX_V1


def test_a_person_is_registered_once_per_fair(world, attendee, fair):
    with pytest.raises(DomainError) as err:
        services.attendee_register(actor=world.zx_township, fair=fair, person=attendee.person)
    assert err.value.message == FairMsg.ATTENDEE_TAKEN


def test_a_cadre_registers_only_their_own_villages_people(world, households, fair):
    with pytest.raises(NotFound):
        services.attendee_register(actor=world.zx_cadre1, fair=fair, person=head(households["v2"]))
    with pytest.raises(NotFound):
        services.attendee_register(actor=world.wz_cadre, fair=fair, person=head(households["v1"]))
    with pytest.raises(NotFound):  # a county's manager of fairs who does not keep the registry
        services.attendee_register(actor=world.zx_auditor, fair=fair, person=head(households["v1"]))


def test_a_township_fair_takes_only_the_townships_people(world, households, township_fair):
    mine = services.attendee_register(actor=world.zx_admin, fair=township_fair, person=head(households["v2"]))
    assert mine.village_id == ZX_V2
    from lnob.areas.models import Area

    Area.objects.create(code=530627103000, name="另一镇", level=4, parent_id=530627000000)
    Area.objects.create(code=530627103201, name="另一村", level=5, parent_id=530627103000)
    other = make_household(world.zx_admin, 530627103201, "5306271032010001")
    with pytest.raises(DomainError) as err:
        services.attendee_register(actor=world.zx_admin, fair=township_fair, person=head(other))
    assert err.value.message == FairMsg.PERSON_OUTSIDE


def test_a_person_no_longer_in_a_household_is_not_registered(world, households, fair):
    hh = households["v1"]
    membership = registry.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("20000101", name="外出"),
        relation="child",
        joined=D(2020, 1, 1),
    )
    registry.member_leave(
        actor=world.zx_cadre1, membership=membership, left=D(2025, 1, 1), leave_reason="moved"
    )
    child = membership.person
    with pytest.raises(DomainError) as err:
        services.attendee_register(actor=world.zx_cadre1, fair=fair, person=child)
    assert err.value.message == FairMsg.PERSON_NO_HOUSEHOLD


def test_an_interest_is_in_a_vacancy_of_that_fair_and_within_its_age_range(
    world, households, attendee, township_fair, factory
):
    from decimal import Decimal

    from lnob.employment import services as ledger

    elsewhere = ledger.vacancy_create(
        actor=world.zx_admin,
        employer=factory,
        title="司机",
        headcount=1,
        location="in_county",
        wage_min=Decimal("5000"),
        wage_max=Decimal("6000"),
        start=D(2026, 3, 20),
    )
    with pytest.raises(DomainError) as err:
        services.application_create(actor=world.zx_cadre1, attendee=attendee, vacancy=elsewhere)
    assert err.value.message == FairMsg.NOT_AT_FAIR
    young = services.recruiter_add(
        actor=world.zx_admin, fair=attendee.fair, credit_code="91500101MA5U12345B", employer_name="酒店"
    )
    from .conftest import add_vacancy

    waiter = add_vacancy(world.zx_admin, young, title="服务员", age_min=18, age_max=35)
    with pytest.raises(DomainError) as err:
        services.application_create(actor=world.zx_cadre1, attendee=attendee, vacancy=waiter)
    assert (
        err.value.field == "vacancy"
        and "46 岁" in str(err.value.message)
        and "18–35" in str(err.value.message)
    )
    with pytest.raises(DomainError) as err:
        services.application_create(
            actor=world.zx_cadre1, attendee=attendee, vacancy=attendee.applications.get().vacancy
        )
    assert err.value.message == FairMsg.APPLIED_ALREADY


def test_a_closed_fair_takes_no_more_attendees(world, households, fair):
    services.fair_hold(actor=world.zx_admin, fair=fair)
    services.fair_close(actor=world.zx_admin, fair=fair)
    with pytest.raises(DomainError) as err:
        services.attendee_register(actor=world.zx_cadre1, fair=fair, person=head(households["v1"]))
    assert err.value.message == FairMsg.CLOSED
    assert not Attendee.objects.exists()


def test_each_sees_only_the_attendees_of_their_villages(world, households, fair, attendee):
    services.attendee_register(actor=world.zx_cadre2, fair=fair, person=head(households["v2"]))
    assert [a.village_id for a in selectors.attendees_of(user=world.zx_cadre1, fair=fair)] == [ZX_V1]
    assert [a.village_id for a in selectors.attendees_of(user=world.zx_cadre2, fair=fair)] == [ZX_V2]
    assert selectors.attendees_of(user=world.zx_township, fair=fair).count() == 2
    assert not selectors.attendees_of(user=world.wz_admin, fair=fair).exists()
    with pytest.raises(NotFound):
        selectors.attendee_get(user=world.zx_cadre2, pk=attendee.pk)
