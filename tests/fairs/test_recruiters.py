"""Recruiters and their vacancies: employers of the county's list, or from elsewhere added to it
with a valid credit code; a fair's vacancies are the ledger's own, refused for the ledger's reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lnob.areas.models import Area
from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment import services as ledger
from lnob.employment.fairs import services
from lnob.employment.fairs.models import FairVacancy, Recruiter
from lnob.employment.fairs.services import FairMsg
from lnob.employment.models import Employer, Vacancy
from tests.personas import WZ, ZX

from .conftest import FACTORY, HOTEL, D, add_vacancy


def test_an_employer_of_the_list_recruits_and_posts_a_vacancy_of_the_ledger(world, fair, factory):
    recruiter = services.recruiter_add(actor=world.zx_admin, fair=fair, employer=factory, booth="A01")
    vacancy = add_vacancy(world.zx_admin, recruiter)
    assert (vacancy.employer, vacancy.headcount, vacancy.status) == (factory, 30, "open")
    assert FairVacancy.objects.get().recruiter == recruiter
    with pytest.raises(DomainError) as err:
        services.recruiter_add(actor=world.zx_admin, fair=fair, employer=factory)
    assert err.value.message == FairMsg.RECRUITER_TAKEN


def test_an_employer_from_elsewhere_joins_the_countys_list_by_its_credit_code(world, township_fair):
    recruiter = services.recruiter_add(
        actor=world.zx_township, fair=township_fair, credit_code=HOTEL.lower(), employer_name="万州大酒店"
    )
    assert Employer.objects.get(county_id=ZX).credit_code == HOTEL
    assert recruiter.employer.name == "万州大酒店"
    # a township organiser posts its vacancies too, though the ledger's own form is the county's
    assert add_vacancy(world.zx_township, recruiter).employer_id == recruiter.employer_id


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"credit_code": "91441900MA4W123400", "employer_name": "坏代码厂"},
            "credit_code",
            Msg.CREDIT_CODE_INVALID,
        ),
        ({"credit_code": HOTEL}, "employer_name", FairMsg.NAME_FOR_NEW_EMPLOYER),
        ({}, "credit_code", FairMsg.EMPLOYER_REQUIRED),
    ],
)
def test_a_recruiter_without_a_valid_employer_is_refused(world, fair, fields, field, message):
    with pytest.raises(DomainError) as err:
        services.recruiter_add(actor=world.zx_admin, fair=fair, **fields)
    assert (err.value.field, err.value.message) == (field, message)
    assert not Employer.objects.exists() and not Recruiter.objects.exists()


def test_an_employer_of_another_countys_list_is_not_this_countys(world, fair):
    other = ledger.employer_create(
        actor=world.wz_admin, county=Area.objects.get(code=WZ), credit_code=FACTORY, name="东莞厂"
    )
    with pytest.raises(DomainError) as err:
        services.recruiter_add(actor=world.zx_admin, fair=fair, employer=other)
    assert err.value.message == FairMsg.EMPLOYER_NOT_LISTED


def test_only_the_organiser_adds_recruiters_and_not_to_a_closed_fair(world, fair, factory):
    with pytest.raises(NotFound):
        services.recruiter_add(actor=world.zx_township, fair=fair, employer=factory)
    with pytest.raises(NotFound):
        services.recruiter_add(actor=world.wz_admin, fair=fair, credit_code=HOTEL, employer_name="x")
    services.fair_hold(actor=world.zx_admin, fair=fair)
    services.fair_close(actor=world.zx_admin, fair=fair)
    with pytest.raises(DomainError) as err:
        services.recruiter_add(actor=world.zx_admin, fair=fair, employer=factory)
    assert err.value.message == FairMsg.CLOSED


BAD_VACANCIES = [
    {"title": " "},
    {"headcount": 0},
    {"location": "abroad"},
    {"physical": "extreme"},
    {"wage_min": Decimal("-1")},
    {"wage_max": Decimal("3000")},
    {"age_min": 55},
]


@pytest.mark.parametrize("bad", BAD_VACANCIES)
def test_a_fair_vacancy_is_refused_exactly_as_the_ledgers_vacancy_is(world, fair, factory, bad):
    fields = {
        "title": "装配工",
        "headcount": 5,
        "location": "in_county",
        "wage_min": Decimal("4000"),
        "wage_max": Decimal("6000"),
        "start": D(2026, 3, 20),
        "age_min": 18,
        "age_max": 50,
        "physical": "medium",
    } | bad
    with pytest.raises(DomainError) as theirs:
        ledger.vacancy_create(actor=world.zx_admin, employer=factory, **fields)
    recruiter = services.recruiter_add(actor=world.zx_admin, fair=fair, employer=factory)
    with pytest.raises(DomainError) as ours:
        services.fair_vacancy_add(actor=world.zx_admin, recruiter=recruiter, **fields)
    assert (ours.value.field, str(ours.value.message)) == (theirs.value.field, str(theirs.value.message))
    assert not Vacancy.objects.exists()


def test_a_vacancy_already_posted_is_offered_at_the_fair_once(world, fair, factory):
    posted = ledger.vacancy_create(
        actor=world.zx_admin,
        employer=factory,
        title="质检员",
        headcount=3,
        location="out_of_province",
        wage_min=Decimal("4500"),
        wage_max=Decimal("5000"),
        start=D(2026, 3, 20),
    )
    recruiter = services.recruiter_add(actor=world.zx_admin, fair=fair, employer=factory)
    services.fair_vacancy_link(actor=world.zx_admin, recruiter=recruiter, vacancy=posted)
    with pytest.raises(DomainError) as err:
        services.fair_vacancy_link(actor=world.zx_admin, recruiter=recruiter, vacancy=posted)
    assert err.value.message == FairMsg.VACANCY_LINKED
    Vacancy.objects.filter(pk=posted.pk).update(status="closed")
    other = ledger.vacancy_create(
        actor=world.zx_admin,
        employer=factory,
        title="仓管",
        headcount=1,
        location="in_county",
        wage_min=Decimal("3000"),
        wage_max=Decimal("3500"),
        start=D(2026, 3, 20),
    )
    Vacancy.objects.filter(pk=other.pk).update(status="closed")
    with pytest.raises(DomainError) as err:
        services.fair_vacancy_link(
            actor=world.zx_admin, recruiter=recruiter, vacancy=Vacancy.objects.get(pk=other.pk)
        )
    assert err.value.message == FairMsg.VACANCY_CLOSED
