"""A station collects recruitment information as vacancies of employers on the county's list; it
may add a destination employer to the list with a valid credit code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lnob.core.errors import DomainError, Msg, NotFound
from lnob.employment.models import Employer, Vacancy
from lnob.employment.workstations import selectors, services
from lnob.employment.workstations.services import WMsg
from tests.personas import WZ
from tests.workstations.conftest import FACTORY, login

D = dt.date


def collect(actor, station, employer, **changes):
    values = {
        "title": "电子装配工",
        "headcount": 30,
        "wage_min": Decimal("4500"),
        "wage_max": Decimal("6500"),
        "start": D(2026, 12, 1),
    } | changes
    return services.station_vacancy_create(actor=actor, station=station, employer=employer, **values)


def test_an_officer_collects_a_vacancy_and_closes_it(officers, station, factory):
    vacancy = collect(officers["zx_officer"], station, factory, housing=True)
    assert vacancy.destination == "广东省东莞市" and vacancy.created_by == officers["zx_officer"]
    assert list(selectors.station_vacancies(station)) == [vacancy]
    services.station_vacancy_close(actor=officers["zx_officer"], station=station, vacancy=vacancy)
    assert Vacancy.objects.get(pk=vacancy.pk).status == "closed"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"headcount": 0}, "headcount", Msg.HEADCOUNT),
        ({"wage_min": Decimal("-1")}, "wage_min", Msg.NEGATIVE_WAGE),
        ({"wage_max": Decimal("4000")}, "wage_max", "工资上限不能低于下限（4500）"),
        ({"age_min": 50, "age_max": 40}, "age_min", "最低年龄不能高于最高年龄（40）"),
        ({"title": " "}, "title", Msg.REQUIRED),
    ],
)
def test_bad_recruitment_information_is_refused(officers, station, factory, changes, field, message):
    with pytest.raises(DomainError) as err:
        collect(officers["zx_officer"], station, factory, **changes)
    assert err.value.field == field and str(err.value.message) == str(message)
    assert not Vacancy.objects.exists()


def test_an_employer_of_another_countys_list_is_refused(world, officers, station):
    from lnob.areas.models import Area
    from lnob.employment import services as ledger

    theirs = ledger.employer_create(
        actor=world.wz_admin, county=Area.objects.get(code=WZ), credit_code=FACTORY, name="东莞华宏电子厂"
    )
    with pytest.raises(DomainError) as err:
        collect(officers["zx_officer"], station, theirs)
    assert err.value.message == WMsg.EMPLOYER_NOT_LISTED


def test_an_officer_adds_a_destination_employer_to_the_countys_list(officers, station, factory):
    from stdnum.cn import uscc

    body = "91441900MA4W55555"
    code = body + uscc.calc_check_digit(body)
    wrong = body + ("1" if code[-1] == "0" else "0")
    officer = officers["zx_officer"]
    employer = services.station_employer_add(
        actor=officer, station=station, credit_code=code.lower(), name="东莞新厂"
    )
    assert employer.county_id == station.county_id and employer.credit_code == code
    with pytest.raises(DomainError) as err:
        services.station_employer_add(actor=officer, station=station, credit_code=code, name="再来")
    assert err.value.message == WMsg.CREDIT_CODE_TAKEN
    with pytest.raises(DomainError) as err:
        services.station_employer_add(actor=officer, station=station, credit_code=wrong, name="错码")
    assert err.value.message == Msg.CREDIT_CODE_INVALID
    assert Employer.objects.filter(county_id=station.county_id).count() == 2


def test_another_officer_cannot_collect_for_the_station(officers, station, factory):
    with pytest.raises(NotFound):
        collect(officers["zx_officer2"], station, factory)


def test_the_vacancy_form_shows_a_reversed_wage_range_on_its_field(officers, station, factory):
    c = login(officers["zx_officer"])
    form = {
        "employer": factory.pk,
        "title": "缝纫工",
        "headcount": "10",
        "wage_min": "5000",
        "wage_max": "4000",
        "start": "2026-12-01",
        "location": "out_of_province",
        "age_min": "18",
        "age_max": "50",
        "physical": "medium",
    }
    page = c.post(f"/employment/workstations/{station.pk}/vacancies/new/", form).content.decode()
    assert "工资上限不能低于下限（5000" in page and 'data-testid="field-error"' in page
    assert (
        c.post(
            f"/employment/workstations/{station.pk}/vacancies/new/", form | {"wage_max": "6000"}
        ).status_code
        == 302
    )
    assert "缝纫工" in c.get(f"/employment/workstations/{station.pk}/?tab=vacancies").content.decode()


def test_the_employer_form_refuses_a_bad_credit_code_on_its_field(officers, station):
    c = login(officers["zx_officer"])
    url = f"/employment/workstations/{station.pk}/employers/new/"
    page = c.post(url, {"credit_code": "91441900MA4W123408", "name": "东莞新厂"}).content.decode()
    assert "统一社会信用代码无效" in page and "91441900MA4W123408" in page
    assert not Employer.objects.exists()
    back = f"/employment/workstations/{station.pk}/vacancies/new/"
    done = c.post(f"{url}?next={back}", {"credit_code": FACTORY, "name": "东莞华宏电子厂"})
    assert done.status_code == 302 and done["Location"] == back
    assert "东莞华宏电子厂" in c.get(back).content.decode()  # now on the list to pick from
