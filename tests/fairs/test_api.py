"""The fairs' API (/api/v1/employment/fairs/): reads of the caller's fairs, the writes other
systems call, 404 outside the caller's areas and 422 with field, value and message when refused."""

from __future__ import annotations

from typing import Any

from django.test import Client

from lnob.core.models import ApiToken
from lnob.employment.fairs.models import Application, JobFair
from lnob.employment.models import Spell
from tests.personas import ZX, ZX_V1

from .conftest import HOTEL, head

BASE = "/api/v1/employment/fairs"


def _api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"})


def test_an_official_sets_up_a_fair_through_the_api(world):
    api = _api(world.zx_admin)
    made = api.post(
        f"{BASE}/",
        {"area": ZX, "name": "春季招聘会", "start": "2026-03-05", "venue": "县体育馆", "village": ZX_V1},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    fair = made.json()
    assert (fair["area"], fair["village"], fair["status"], fair["code"]) == (
        ZX,
        ZX_V1,
        "planned",
        "ZP20260305-1",
    )
    recruiter = api.post(
        f"{BASE}/{fair['id']}/recruiters",
        {"credit_code": HOTEL, "employer_name": "万州大酒店", "booth": "B2"},
        content_type="application/json",
    )
    assert recruiter.status_code == 201
    vacancy = {
        "title": "厨师",
        "headcount": 2,
        "location": "in_province",
        "wage_min": "3500",
        "wage_max": "5000",
        "start": "2026-04-01",
    }
    refused = api.post(
        f"{BASE}/recruiters/{recruiter.json()['id']}/vacancies",
        vacancy | {"headcount": 0},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == [{"field": "headcount", "value": "0", "message": "招聘人数必须大于 0"}]
    added = api.post(
        f"{BASE}/recruiters/{recruiter.json()['id']}/vacancies", vacancy, content_type="application/json"
    )
    assert added.status_code == 201 and added.json()["employer"] == "万州大酒店"
    assert api.post(f"{BASE}/{fair['id']}/hold").json()["status"] == "held"
    listed = api.get(f"{BASE}/{fair['id']}/vacancies").json()
    assert [(v["title"], v["headcount"]) for v in listed] == [("厨师", 2)]


def test_a_wrong_fair_is_refused_with_its_field(world):
    bad = _api(world.zx_admin).post(
        f"{BASE}/",
        {"area": ZX, "name": "x", "start": "2026-03-05", "end": "2026-03-01", "venue": "y", "village": ZX_V1},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "end"
    assert not JobFair.objects.exists()


def test_a_cadre_registers_an_attendee_and_records_the_hire(world, households, fair, vacancy):
    api = _api(world.zx_cadre1)
    me = head(households["v1"])
    made = api.post(
        f"{BASE}/{fair.pk}/attendees",
        {"id_number": me.id_number, "vacancies": [vacancy.pk]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    app = made.json()["applications"][0]
    assert (app["state"], app["person_name"], app["title"]) == ("applied", me.name, "电子装配工")
    url = f"{BASE}/applications/{app['id']}/outcome"
    offer = api.post(
        url, {"outcome": "offer", "wage": "4800", "on": "2026-03-05"}, content_type="application/json"
    )
    assert offer.json()["state"] == "offered"
    bad = api.post(url, {"outcome": "hire", "start": "2026-03-01"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "start"
    hired = api.post(url, {"outcome": "hire", "start": "2026-03-20"}, content_type="application/json").json()
    assert hired["state"] == "hired" and Spell.objects.get(pk=hired["spell"]).channel == "job_fair"
    listed = api.get(f"{BASE}/{fair.pk}/applications?state=hired").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == app["id"]
    detail = api.get(f"{BASE}/{fair.pk}").json()
    assert (detail["figures"]["hires"], detail["figures"]["poor_hires"]) == (1, 1)


def test_another_county_finds_nothing(world, households, fair, application):
    api = _api(world.wz_admin)
    assert api.get(f"{BASE}/").json()["count"] == 0
    assert api.get(f"{BASE}/{fair.pk}").status_code == 404
    assert api.get(f"{BASE}/{fair.pk}/vacancies").status_code == 404
    assert api.get(f"{BASE}/{fair.pk}/applications").status_code == 404
    assert api.post(f"{BASE}/{fair.pk}/hold").status_code == 404
    outcome = {"outcome": "interview", "on": "2026-03-05"}
    assert (
        api.post(
            f"{BASE}/applications/{application.pk}/outcome", outcome, content_type="application/json"
        ).status_code
        == 404
    )
    cadre2 = _api(world.zx_cadre2)  # same fair, another village's person
    assert cadre2.get(f"{BASE}/{fair.pk}/applications").json()["count"] == 0
    assert (
        cadre2.post(
            f"{BASE}/applications/{application.pk}/outcome", outcome, content_type="application/json"
        ).status_code
        == 404
    )
    assert Application.objects.get().state == "applied"
