"""The web forms and the API refuse bad input with the field and value named; nothing is saved."""

import json

from django.test import Client

from lnob.registry.models import Household, IncomeRecord, Membership
from tests.personas import ZX_V1, ZX_V2, make_id


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def household_form(**overrides: str) -> dict[str, str]:
    data = {
        "number": "WEB-0001",
        "village": str(ZX_V1),
        "status": "ordinary",
        "effective": "2024-01-01",
        "id_number": make_id(),
        "name": "陈七",
        "ethnicity": "汉族",
        "education": "junior",
        "enrolment": "not_in_school",
        "health": "healthy",
    }
    return data | overrides


def test_web_form_registers_a_household_with_its_head(world):
    response = login(world.zx_cadre1).post("/households/new/", household_form())
    assert response.status_code == 302
    hh = Household.objects.get(number="WEB-0001")
    assert Membership.objects.get(household=hh).relation == "head"


def test_web_form_shows_the_bad_id_on_its_field_and_saves_nothing(world):
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # one ID, its check digit changed
    page = login(world.zx_cadre1).post("/households/new/", household_form(id_number=bad)).content.decode()
    assert 'data-testid="field-error"' in page and bad in page and "校验码" in page
    assert not Household.objects.filter(number="WEB-0001").exists()


def test_web_form_refuses_a_village_outside_the_cadres_scope(world):
    response = login(world.zx_cadre1).post("/households/new/", household_form(village=str(ZX_V2)))
    assert response.status_code == 200  # not offered, so refused by the form's choices
    assert not Household.objects.exists()


def test_web_income_form_refuses_a_negative_amount_and_a_reversed_period(world, households):
    c = login(world.zx_cadre1)
    url = f"/households/{households['v1'].number}/incomes/new/"
    form = {"source": "wages", "period_start": "2025-01-01", "period_end": "2025-12-31", "amount": "-1"}
    assert "金额不能为负数" in c.post(url, form).content.decode()
    page = c.post(url, form | {"amount": "100", "period_end": "2024-01-01"}).content.decode()
    assert "截止日期早于起始日期" in page and "2024-01-01" in page
    assert not IncomeRecord.objects.exists()
    assert c.post(url, form | {"amount": "36000"}).status_code == 302
    assert IncomeRecord.objects.get().amount == 36000


def test_web_member_form_refuses_a_second_head_by_not_offering_it(world, households):
    page = login(world.zx_cadre1).get(f"/households/{households['v1'].number}/members/new/").content.decode()
    assert 'value="head"' not in page


def test_api_creates_a_household_and_refuses_bad_input_with_field_and_value(world):
    c = login(world.zx_cadre1)
    body = {"number": "API-1", "village": ZX_V1, "head": {"id_number": make_id(), "name": "周八"}}
    ok = c.post("/api/v1/households", json.dumps(body), content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["members"][0]["relation"] == "head"

    again = c.post(
        "/api/v1/households", json.dumps(body | {"number": "API-2"}), content_type="application/json"
    )
    assert again.status_code == 422
    detail = again.json()["detail"][0]
    assert detail["field"] == "id_number" and detail["value"] == body["head"]["id_number"]
    assert not Household.objects.filter(number="API-2").exists()

    outside = c.post(
        "/api/v1/households",
        json.dumps(body | {"number": "API-3", "village": ZX_V2}),
        content_type="application/json",
    )
    assert outside.status_code == 404


def test_api_refuses_negative_income_and_reversed_period(world, households):
    c = login(world.zx_cadre1)
    url = f"/api/v1/households/{households['v1'].number}/incomes"
    base = {"period_start": "2025-01-01", "period_end": "2025-12-31", "source": "wages", "amount": "-3"}
    r = c.post(url, json.dumps(base), content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "amount"
    r = c.post(
        url, json.dumps(base | {"amount": "3", "period_end": "2024-12-31"}), content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["detail"][0] == {
        "field": "period_end",
        "value": "2024-12-31",
        "message": "截止日期早于起始日期",
    }
    assert not IncomeRecord.objects.exists()


def test_api_bearer_token_acts_as_its_user(world, households):
    from lnob.core.models import ApiToken

    _token, raw = ApiToken.issue(user=world.wz_cadre, name="test")
    c = Client()
    rows = c.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
    assert [r["number"] for r in rows] == [households["wz"].number]
    assert c.get("/api/v1/households", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
