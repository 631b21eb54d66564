"""The channel over the API (/api/v1/employment/loans/): the limits in force, entrepreneurs and
businesses, loans with repayments, overdue and subsidy; 404 outside the caller's areas and 422
with {field, value, message} when a write is refused."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from lnob.core.models import ApiToken
from lnob.employment.loans.models import Loan
from tests.loans.helpers import head, valid_code
from tests.personas import ZX_V1

API = "/api/v1/employment/loans"


def client(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"})


def _loan(households, **extra):
    body = {
        "id_number": head(households["v1"]).id_number,
        "type": "micro_credit",
        "reference": "API-1",
        "lender": "镇雄农村商业银行",
        "amount": "50000",
        "term_months": 36,
        "interest_rate": "3.45",
        "subsidy_rate": "3.45",
        "issued": "2025-03-15",
        "purpose": "养牛",
    }
    return body | extra


def test_the_limits_in_force_with_their_rule_and_source(world) -> None:
    limits = client(world.zx_cadre1).get(f"{API}/limits", {"area": ZX_V1}).json()
    micro = next(row for row in limits if row["type"] == "micro_credit")
    assert Decimal(micro["amount_max"]) == 50000 and micro["term_months_max"] == 36
    assert micro["eligible_statuses"] == ["out_of_poverty", "monitored"] and "bypc.gov.cn" in micro["source"]
    assert client(world.wz_admin).get(f"{API}/limits", {"area": ZX_V1}).status_code == 404


def test_a_loan_is_recorded_repaid_and_read_back(world, households) -> None:
    api = client(world.zx_admin)
    created = api.post(f"{API}/loans", _loan(households), content_type="application/json")
    assert created.status_code == 201, created.content
    loan = created.json()
    assert (Decimal(loan["outstanding"]), Decimal(loan["subsidised_amount"]), loan["status"]) == (
        50000,
        50000,
        "current",
    )
    assert loan["rule"].startswith("脱贫人口小额信贷")
    paid = api.post(
        f"{API}/loans/{loan['id']}/repayments",
        {"date": "2026-03-15", "principal": "50000"},
        content_type="application/json",
    )
    assert paid.status_code == 201 and paid.json()["loan_status"] == "repaid"
    assert Decimal(api.get(f"{API}/loans/{loan['id']}").json()["outstanding"]) == 0
    assert api.get(f"{API}/loans").json()["count"] == 1


def test_a_loan_above_the_limit_answers_422_naming_the_rule(world, households) -> None:
    refused = client(world.zx_admin).post(
        f"{API}/loans", _loan(households, amount="60000"), content_type="application/json"
    )
    assert refused.status_code == 422
    (detail,) = refused.json()["detail"]
    assert (detail["field"], detail["value"]) == ("amount", "60000")
    assert "贷款金额超过上限 50,000 元" in detail["message"] and "bypc.gov.cn" in detail["message"]
    unknown = client(world.zx_admin).post(
        f"{API}/loans", _loan(households, id_number="110101199003077777"), content_type="application/json"
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "id_number"
    assert not Loan.objects.exists()


def test_another_county_gets_404_and_an_empty_list(world, households) -> None:
    loan = (
        client(world.zx_admin).post(f"{API}/loans", _loan(households), content_type="application/json").json()
    )
    wz = client(world.wz_admin)
    assert wz.get(f"{API}/loans/{loan['id']}").status_code == 404
    assert wz.get(f"{API}/loans").json()["count"] == 0
    assert (
        wz.post(
            f"{API}/loans/{loan['id']}/repayments",
            {"date": "2026-01-01", "principal": "1"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        wz.post(
            f"{API}/loans", _loan(households, reference="WZ-1"), content_type="application/json"
        ).status_code
        == 422
    )


def test_entrepreneurs_businesses_hires_overdue_and_subsidy(world, households) -> None:
    api = client(world.zx_admin)
    e = api.post(
        f"{API}/entrepreneurs",
        {
            "id_number": head(households["v2"]).id_number,
            "returned_from": "上海市",
            "returned_on": "2024-01-01",
        },
        content_type="application/json",
    )
    assert e.status_code == 201
    b = api.post(
        f"{API}/businesses",
        {
            "entrepreneur": e.json()["id"],
            "name": "海子村民宿",
            "village": 530627102202,
            "started": "2024-04-01",
            "credit_code": valid_code(),
        },
        content_type="application/json",
    )
    assert b.status_code == 201
    bad = api.post(
        f"{API}/businesses",
        {
            "entrepreneur": e.json()["id"],
            "name": "坏厂",
            "village": 530627102202,
            "started": "2024-04-01",
            "credit_code": "123",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "credit_code"
    hired = api.post(
        f"{API}/businesses/{b.json()['id']}/hires",
        {"id_number": head(households["v1"]).id_number, "start": "2024-05-01"},
        content_type="application/json",
    )
    assert hired.status_code == 201
    row = api.get(f"{API}/businesses/{b.json()['id']}").json()
    assert (row["jobs"], row["jobs_poor"], row["owner"]) == (1, 1, head(households["v2"]).name)
    assert api.get(f"{API}/entrepreneurs").json()["items"][0]["returned_from"] == "上海市"
    loan = api.post(f"{API}/loans", _loan(households), content_type="application/json").json()
    assert (
        api.post(
            f"{API}/loans/{loan['id']}/overdue", {"since": "2026-10-01"}, content_type="application/json"
        ).json()["status"]
        == "overdue"
    )
    assert [row["id"] for row in api.get(f"{API}/overdue").json()["items"]] == [loan["id"]]
    subsidy = api.post(
        f"{API}/loans/{loan['id']}/subsidies",
        {"period_start": "2025-03-15", "period_end": "2026-03-09", "amount": "1725", "paid_on": "2026-04-01"},
        content_type="application/json",
    )
    assert subsidy.status_code == 201 and Decimal(subsidy.json()["due"]) == Decimal("1725.00")
    township = client(world.zx_township).post(
        f"{API}/loans/{loan['id']}/subsidies",
        {"period_start": "2026-03-10", "period_end": "2026-06-30", "amount": "1", "paid_on": "2026-07-01"},
        content_type="application/json",
    )
    assert township.status_code == 404
