"""The fairs' screens: the list and a fair, the forms that set it up, the phone list where cadres
record outcomes, and a person's fairs; each refuses bad input on its field and shows another
county nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from lnob.employment.fairs.models import Application, Attendee, JobFair, Recruiter
from lnob.employment.models import Spell, Vacancy
from tests.personas import ZX, ZX_V1

from .conftest import HOTEL, head


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_the_list_shows_the_users_fairs_and_another_county_sees_none(world, fair):
    page = login(world.zx_cadre1).get("/employment/fairs/")
    assert page.status_code == 200 and "春风行动" in page.content.decode()
    assert "新建招聘会" not in page.content.decode()  # a cadre does not organise fairs
    other = login(world.wz_admin).get("/employment/fairs/")
    assert other.status_code == 200 and "春风行动" not in other.content.decode()


@pytest.mark.parametrize("path", ["/", "/edit/", "/attendees/", "/attendees/new/", "/recruiters/new/"])
def test_another_countys_user_finds_no_fair_page(world, fair, path):
    assert login(world.wz_admin).get(f"/employment/fairs/{fair.pk}{path}").status_code == 404
    assert login(world.wz_admin).post(f"/employment/fairs/{fair.pk}/hold/").status_code == 404


def test_an_official_creates_a_fair_and_a_wrong_one_comes_back_with_the_reason(world):
    c = login(world.zx_admin)
    assert c.get("/employment/fairs/new/").status_code == 200
    form = {
        "name": "秋季招聘会",
        "area": ZX,
        "start": "2026-09-10",
        "end": "2026-09-09",
        "venue": "县体育馆",
        "village": ZX_V1,
    }
    bad = c.post("/employment/fairs/new/", form)
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    assert not JobFair.objects.exists()
    good = c.post("/employment/fairs/new/", form | {"end": ""})
    fair = JobFair.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/employment/fairs/{fair.pk}/"
    assert login(world.zx_cadre1).get("/employment/fairs/new/").status_code == 404


def test_the_organiser_adds_a_recruiter_from_elsewhere_and_its_vacancy(world, fair):
    c = login(world.zx_admin)
    bad = c.post(f"/employment/fairs/{fair.pk}/recruiters/new/", {"credit_code": "123", "employer_name": "x"})
    assert "统一社会信用代码无效" in bad.content.decode()
    done = c.post(
        f"/employment/fairs/{fair.pk}/recruiters/new/",
        {"credit_code": HOTEL, "employer_name": "万州大酒店", "booth": "B2"},
    )
    recruiter = Recruiter.objects.get()
    assert done["Location"] == f"/employment/fairs/recruiters/{recruiter.pk}/vacancies/new/"
    vacancy = {
        "title": "厨师",
        "headcount": "0",
        "location": "in_county",
        "wage_min": "3500",
        "wage_max": "5000",
        "age_min": "18",
        "age_max": "55",
        "physical": "medium",
        "start": "2026-04-01",
    }
    bad = c.post(done["Location"], vacancy)
    assert "招聘人数必须大于 0" in bad.content.decode() and not Vacancy.objects.exists()
    assert c.post(done["Location"], vacancy | {"headcount": "2"}).status_code == 302
    page = c.get(f"/employment/fairs/{fair.pk}/").content.decode()
    assert "万州大酒店" in page and "厨师" in page
    # a township officer sees the county's fair but does not set it up
    assert login(world.zx_township).get(f"/employment/fairs/{fair.pk}/recruiters/new/").status_code == 404


def test_a_cadre_registers_an_attendee_by_resident_id(world, households, fair, vacancy):
    c = login(world.zx_cadre1)
    url = f"/employment/fairs/{fair.pk}/attendees/new/"
    unknown = c.post(url, {"id_number": head(households["wz"]).id_number})
    assert "此人未登记或不在您的管辖范围内" in unknown.content.decode()
    done = c.post(url, {"id_number": head(households["v1"]).id_number, "vacancies": [vacancy.pk]})
    attendee = Attendee.objects.get()
    assert done["Location"] == f"/employment/fairs/{fair.pk}/attendees/#a{attendee.pk}"
    assert Application.objects.get().vacancy == vacancy
    again = c.post(url, {"id_number": head(households["v1"]).id_number})
    assert "此人已登记参加本场招聘会" in again.content.decode()


def test_on_the_phone_list_a_cadre_taps_interviewed_then_records_the_hire(world, application, vacancy):
    c = login(world.zx_cadre1)
    page = c.get(f"/employment/fairs/{application.attendee.fair_id}/attendees/")
    assert page.status_code == 200 and application.person.name in page.content.decode()
    assert (
        login(world.zx_cadre2)
        .get(f"/employment/fairs/{application.attendee.fair_id}/attendees/")
        .content.decode()
        .count('data-testid="attendee"')
        == 0
    )
    tapped = c.post(f"/employment/fairs/applications/{application.pk}/interviewed/")
    assert tapped.status_code == 200 and "已面试" in tapped.content.decode()
    url = f"/employment/fairs/applications/{application.pk}/outcome/"
    no_start = c.post(url, {"outcome": "hire", "wage": "4800", "on": "2026-03-05"})
    assert "请填写上岗日期" in no_start.content.decode()
    assert Application.objects.get().state == "interviewed"  # the offer of an on-the-spot hire is undone too
    done = c.post(url, {"outcome": "hire", "wage": "4800", "on": "2026-03-05", "start": "2026-03-20"})
    assert done.status_code == 302
    spell = Spell.objects.get()
    assert (spell.channel, spell.monthly_wage, spell.employer_id) == (
        "job_fair",
        Decimal("4800"),
        vacancy.employer_id,
    )
    assert login(world.zx_cadre2).get(url).status_code == 404


def test_a_decline_without_a_reason_is_refused_on_its_field(world, application):
    c = login(world.zx_cadre1)
    url = f"/employment/fairs/applications/{application.pk}/outcome/"
    bad = c.post(url, {"outcome": "decline", "on": "2026-03-05"})
    assert bad.status_code == 200 and "请选择原因" in bad.content.decode()
    assert c.post(url, {"outcome": "decline", "on": "2026-03-05", "reason": "family"}).status_code == 302
    assert Application.objects.get().reason == "family"


def test_from_a_persons_page_a_cadre_registers_them_for_a_fair(world, households, fair):
    person = head(households["v1"])
    c = login(world.zx_cadre1)
    page = c.get(f"/employment/fairs/persons/{person.pk}/")
    assert page.status_code == 200 and "春风行动" in page.content.decode()
    done = c.post(f"/employment/fairs/persons/{person.pk}/", {"fair": fair.pk})
    attendee = Attendee.objects.get()
    assert done["Location"] == f"/employment/fairs/attendees/{attendee.pk}/interest/"
    assert login(world.wz_admin).get(f"/employment/fairs/persons/{person.pk}/").status_code == 404
    assert (
        login(world.wz_admin).get(f"/employment/fairs/attendees/{attendee.pk}/interest/").status_code == 404
    )


def test_the_organiser_marks_the_fair_held_then_closed(world, fair):
    c = login(world.zx_admin)
    assert c.post(f"/employment/fairs/{fair.pk}/hold/").status_code == 302
    assert c.post(f"/employment/fairs/{fair.pk}/close/").status_code == 302
    assert JobFair.objects.get().status == "closed"
    assert login(world.zx_cadre1).post(f"/employment/fairs/{fair.pk}/close/").status_code == 404


def test_the_organiser_changes_a_fairs_venue_and_a_wrong_village_is_refused(world, fair):
    c = login(world.zx_admin)
    url = f"/employment/fairs/{fair.pk}/edit/"
    form = {
        "name": fair.name,
        "start": "2026-03-05",
        "end": "2026-03-06",
        "venue": "海子村广场",
        "village": ZX_V1,
    }
    assert c.post(url, form).status_code == 302
    assert (JobFair.objects.get().venue, JobFair.objects.get().end.isoformat()) == (
        "海子村广场",
        "2026-03-06",
    )
    assert c.post(url, form | {"village": "999"}).status_code == 200  # not a choice: the form says so
    assert login(world.zx_cadre1).get(url).status_code == 404


def test_the_registers_screen_offers_the_fairs_registers_to_whom_may_use_them(world):
    admin = login(world.zx_admin).get("/employment/registers/").content.decode()
    assert all(
        f'data-register="{n}"' in admin
        for n in ("fairs", "fair_vacancies", "fair_attendees", "fair_outcomes")
    )
    cadre = login(world.zx_cadre1)
    listed = cadre.get("/employment/registers/").content.decode()
    assert 'href="/employment/registers/fair_outcomes/"' in listed
    assert cadre.get("/employment/registers/fair_outcomes/").status_code == 200
    assert cadre.get("/employment/registers/fairs/").status_code == 404  # a cadre does not set fairs up
