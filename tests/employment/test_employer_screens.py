"""The employers and vacancies screens: a county officer registers an employer and posts its
places; a cadre of the county reads them; another county sees nothing."""

from __future__ import annotations

from lnob.employment.models import Employer, Vacancy
from tests.personas import ZX

FACTORY = "91441900MA4W123409"


def _register(client, user, code=FACTORY):
    client.force_login(user)
    return client.post(
        "/employment/employers/new/",
        {"credit_code": code, "name": "东莞市华宏电子有限公司", "sector": "电子"},
    )


def test_a_county_officer_registers_an_employer_and_posts_a_vacancy(world, client) -> None:
    page = _register(client, world.zx_admin)
    employer = Employer.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/employment/employers/{employer.pk}/"
    assert employer.county_id == ZX
    posted = client.post(
        f"/employment/employers/{employer.pk}/vacancies/new/",
        {
            "title": "电子装配工", "headcount": 30, "location": "out_of_province",
            "destination": "广东省东莞市",
            "wage_min": "4000", "wage_max": "6000", "age_min": 18, "age_max": 45, "physical": "light",
            "housing": "on", "start": "2026-12-01",
        },
    )  # fmt: skip
    assert posted.status_code == 302
    vacancy = Vacancy.objects.get()
    assert (vacancy.headcount, vacancy.housing, vacancy.created_by) == (30, True, world.zx_admin)
    client.force_login(world.zx_cadre1)  # a cadre of the county reads the list and the places
    listing = client.get("/employment/vacancies/").content.decode()
    assert "电子装配工" in listing and "东莞市华宏电子有限公司" in listing
    detail = client.get(f"/employment/employers/{employer.pk}/").content.decode()
    assert "电子装配工" in detail and "发布招聘岗位" not in detail  # may read, not post
    client.force_login(world.zx_admin)
    client.post(f"/employment/vacancies/{vacancy.pk}/close/")
    vacancy.refresh_from_db()
    assert vacancy.status == "closed"


def test_bad_employer_and_vacancy_input_is_shown_on_its_field(world, client) -> None:
    page = _register(client, world.zx_admin, code="91441900MA4W123400")
    assert page.status_code == 200 and "校验码" in page.content.decode()
    _register(client, world.zx_admin)
    employer = Employer.objects.get()
    page = client.post(
        f"/employment/employers/{employer.pk}/vacancies/new/",
        {"title": "装配工", "headcount": 0, "location": "in_county", "wage_min": "4000", "wage_max": "6000",
         "age_min": 18, "age_max": 45, "physical": "light", "start": "2026-12-01"},
    )  # fmt: skip
    assert "招聘人数必须大于 0" in page.content.decode()
    page = client.post(
        f"/employment/employers/{employer.pk}/vacancies/new/",
        {"title": "装配工", "headcount": 3, "location": "in_county", "wage_min": "4000", "wage_max": "3000",
         "age_min": 50, "age_max": 45, "physical": "light", "start": "2026-12-01"},
    )  # fmt: skip
    assert "工资上限不能低于下限" in page.content.decode()
    assert not Vacancy.objects.exists()


def test_another_county_sees_nothing_of_the_employer(world, client) -> None:
    _register(client, world.zx_admin)
    employer = Employer.objects.get()
    client.force_login(world.wz_admin)
    assert client.get(f"/employment/employers/{employer.pk}/").status_code == 404
    assert client.get(f"/employment/employers/{employer.pk}/vacancies/new/").status_code == 404
    assert "东莞市华宏电子有限公司" not in client.get("/employment/employers/").content.decode()
    client.force_login(world.wz_cadre)
    assert client.post(f"/employment/employers/{employer.pk}/vacancies/new/").status_code == 404


def test_a_village_cadre_may_not_register_employers(world, client) -> None:
    client.force_login(world.zx_cadre1)
    assert client.get("/employment/employers/new/").status_code == 404
    assert client.get("/employment/employers/").status_code == 200


def test_the_hub_lists_what_the_user_may_open(world, client) -> None:
    client.force_login(world.zx_cadre1)
    hub = client.get("/employment/").content.decode()
    assert "/employment/round/" in hub and "/employment/employers/" in hub
    client.force_login(world.zx_auditor)
    assert "/employment/round/" not in client.get("/employment/").content.decode()
