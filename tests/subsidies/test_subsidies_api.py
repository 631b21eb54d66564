"""The API (/api/v1/employment/subsidies/): claims read and decided, a run started, a claim by
hand, the quarter's differences and a person's evidence; 404 outside the caller's areas, 422
with field, value and message when a write is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from lnob.core.models import ApiToken
from lnob.employment.subsidies.models import SocialInsuranceRecord, TransportSubsidyClaim
from lnob.registry.selectors import today
from tests.personas import ZX, ZX_V2
from tests.subsidies.conftest import YEAR, work

D = dt.date
API = "/api/v1/employment/subsidies"


def api(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=user, name='test')[1]}"})


@pytest.fixture
def computed(world, people):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    county = api(world.zx_admin)
    run = county.post(f"{API}/transport/runs", {"area": ZX, "year": YEAR}, content_type="application/json")
    assert run.status_code == 201, run.content
    return run.json()


def test_a_run_reports_its_rule_and_counts_and_the_claims_are_listed(world, computed):
    assert computed["rule"] == "镇雄县一次性交通补助（测试）" and computed["counts"]["claims"] == 1
    body = api(world.zx_admin).get(f"{API}/transport/claims", {"year": YEAR}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["tier"], item["amount"], item["rule_source"]) == (
        "李明",
        "out_of_province",
        "500.00",
        "https://example.test/zx-transport",
    )
    assert api(world.zx_admin).get(f"{API}/transport/claims/{item['id']}").json()["status"] == "computed"


def test_another_area_sees_no_claim_and_gets_404_for_one(world, computed):
    pk = TransportSubsidyClaim.objects.get().pk
    for user in (world.wz_admin, world.zx_cadre1):
        assert api(user).get(f"{API}/transport/claims", {"year": YEAR}).json()["count"] == 0
        assert api(user).get(f"{API}/transport/claims/{pk}").status_code == 404
        assert api(user).post(f"{API}/transport/claims/{pk}/approve").status_code == 404


def test_approve_then_pay_and_a_payment_above_the_amount_is_422(world, computed):
    county = api(world.zx_admin)
    pk = TransportSubsidyClaim.objects.get().pk
    assert county.post(f"{API}/transport/claims/{pk}/approve").json()["status"] == "approved"
    payment = {"paid_on": today().isoformat(), "amount": "600", "reference": "ICBC-1"}
    refused = county.post(f"{API}/transport/claims/{pk}/payment", payment, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {"field": "paid_amount", "value": "600", "message": "发放金额不能高于核定金额（500.00 元）"}
    ]
    paid = county.post(
        f"{API}/transport/claims/{pk}/payment", payment | {"amount": "500"}, content_type="application/json"
    )
    assert paid.status_code == 200 and paid.json()["paid_amount"] == "500.00"
    twice = county.post(
        f"{API}/transport/claims/{pk}/payment", payment | {"amount": "1"}, content_type="application/json"
    )
    assert twice.status_code == 422 and "不能再次发放" in twice.json()["detail"][0]["message"]


def test_a_run_for_a_county_without_a_rule_and_a_claim_for_too_few_months_are_422(world, people):
    refused = api(world.wz_admin).post(
        f"{API}/transport/runs", {"area": 500101000000, "year": YEAR}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "policy"
    work(world.zx_cadre2, people["zhao"], D(YEAR, 1, 1), D(YEAR, 2, 28))
    short = api(world.zx_admin).post(
        f"{API}/transport/claims",
        {"id_number": people["zhao"].id_number, "year": YEAR},
        content_type="application/json",
    )
    assert short.status_code == 422 and short.json()["detail"][0]["field"] == "months"
    outside = api(world.wz_admin).post(
        f"{API}/transport/claims",
        {"id_number": people["zhao"].id_number, "year": YEAR},
        content_type="application/json",
    )
    assert outside.status_code == 404


def test_the_differences_and_a_persons_evidence(world, people):
    SocialInsuranceRecord.objects.create(
        person=people["zhao"],
        quarter=D(YEAR, 4, 1),
        credit_code="91441900MA4W123409",
        kind="pension",
        months=3,
        base=Decimal(3900),
        region=441900000000,
    )
    cadre = api(world.zx_cadre2)
    body = cadre.get(f"{API}/insurance/differences", {"area": ZX_V2, "quarter": f"{YEAR}Q2"}).json()
    assert [(r["name"], r["ledger"], r["records"][0]["base"]) for r in body["not_in_ledger"]] == [
        ("赵芳", "", "3900.00")
    ]
    bad = cadre.get(f"{API}/insurance/differences", {"area": ZX_V2, "quarter": f"{YEAR}-13"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "quarter"
    assert (
        api(world.wz_cadre)
        .get(f"{API}/insurance/differences", {"area": ZX_V2, "quarter": f"{YEAR}Q2"})
        .status_code
        == 404
    )
    assert [r["quarter"] for r in cadre.get(f"{API}/insurance/persons/{people['zhao'].pk}").json()] == [
        f"{YEAR}Q2"
    ]
    assert api(world.zx_auditor).get(f"{API}/insurance/persons/{people['zhao'].pk}").status_code == 404
