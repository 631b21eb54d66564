"""The channel's screens: lists and details for whoever sees the village, nothing (404 for a
detail) for another county, the loan form with the limits shown and a refusal on its field, and
list pages whose queries do not grow with their rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.employment.loans import services
from lnob.employment.loans.models import Loan
from tests.loans.helpers import D, business, head, micro, returnee, valid_code

BASE = "/employment/loans"


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def data(world, households):
    owner = head(households["v1"])
    e = returnee(world.zx_admin, owner)
    b = business(world.zx_admin, e, credit_code=valid_code())
    services.business_hire(
        actor=world.zx_admin, business=b, person=head(households["v2"]), start=D(2024, 6, 1)
    )
    loan = micro(world.zx_admin, owner, business=b)
    return {"e": e, "b": b, "loan": loan}


def test_every_screen_shows_the_channel_to_the_county(world, data) -> None:
    c = login(world.zx_admin)
    index = c.get(f"{BASE}/").content.decode()
    assert "脱贫人口小额信贷（5 万元以下" in index and "bypc.gov.cn" in index  # the rule and its source
    assert 'data-testid="jobs-created">1<' in index and 'data-testid="jobs-poor">0<' in index
    assert data["e"].person.name in c.get(f"{BASE}/entrepreneurs/").content.decode()
    assert "春梅养殖场" in c.get(f"{BASE}/entrepreneurs/{data['e'].pk}/").content.decode()
    assert "春梅养殖场" in c.get(f"{BASE}/businesses/").content.decode()
    detail = c.get(f"{BASE}/businesses/{data['b'].pk}/").content.decode()
    assert "共 1 人，其中脱贫户或监测对象 0 人" in detail
    assert "ZXNS-2025-0001" in c.get(f"{BASE}/loans/").content.decode()
    loan = c.get(f"{BASE}/loans/{data['loan'].pk}/").content.decode()
    assert "50,000.00" in loan and "bypc.gov.cn" in loan
    assert c.get(f"{BASE}/overdue/").status_code == 200


def test_another_county_sees_nothing_and_details_are_not_found(world, data) -> None:
    c = login(world.wz_admin)
    assert data["e"].person.name not in c.get(f"{BASE}/entrepreneurs/").content.decode()
    assert "春梅养殖场" not in c.get(f"{BASE}/businesses/").content.decode()
    assert "ZXNS-2025-0001" not in c.get(f"{BASE}/loans/").content.decode()
    for url in (
        f"/entrepreneurs/{data['e'].pk}/",
        f"/businesses/{data['b'].pk}/",
        f"/loans/{data['loan'].pk}/",
        f"/loans/{data['loan'].pk}/repayments/new/",
        f"/businesses/{data['b'].pk}/hire/",
        f"/loans/{data['loan'].pk}/subsidies/new/",
    ):
        assert c.get(BASE + url).status_code == 404, url
    assert login(world.nobody).get(f"{BASE}/").status_code == 404


def test_the_loan_form_shows_the_limits_and_refuses_a_loan_above_them(world, households) -> None:
    c = login(world.zx_admin)
    page = c.get(f"{BASE}/loans/new/").content.decode()
    assert 'data-testid="limit-amount">200,000 元' in page and "50,000 元" in page
    owner = head(households["v1"])
    form = {
        "id_number": owner.id_number,
        "type": "micro_credit",
        "reference": "F-1",
        "lender": "镇雄农村商业银行",
        "amount": "60000",
        "term_months": "36",
        "interest_rate": "3.45",
        "subsidy_rate": "3.45",
        "issued": "2025-03-15",
        "purpose": "养牛",
    }
    refused = c.post(f"{BASE}/loans/new/", form)
    text = refused.content.decode()
    assert refused.status_code == 200 and "贷款金额超过上限 50,000 元" in text and "bypc.gov.cn" in text
    assert not Loan.objects.exists()
    unknown = c.post(f"{BASE}/loans/new/", {**form, "id_number": "110101199003077777"})
    assert "此人未登记或不在您的管辖范围内" in unknown.content.decode()
    saved = c.post(f"{BASE}/loans/new/", {**form, "amount": "50000"})
    loan = Loan.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"{BASE}/loans/{loan.pk}/"


def test_repayments_overdue_and_subsidy_from_the_loan_page(world, data) -> None:
    c = login(world.zx_admin)
    pk = data["loan"].pk
    bad = c.post(
        f"{BASE}/loans/{pk}/repayments/new/", {"date": "2025-06-15", "principal": "90000", "interest": "0"}
    )
    assert "归还本金超过未还本金" in bad.content.decode()
    ok = c.post(
        f"{BASE}/loans/{pk}/repayments/new/", {"date": "2025-06-15", "principal": "0", "interest": "431.25"}
    )
    assert ok.status_code == 302
    assert c.post(f"{BASE}/loans/{pk}/overdue/", {"since": "2026-10-01"}).status_code == 302
    assert "银行报告 2026-10-01 起逾期" in c.get(f"{BASE}/overdue/").content.decode()
    assert c.post(f"{BASE}/loans/{pk}/cure/").status_code == 302
    paid = c.post(
        f"{BASE}/loans/{pk}/subsidies/new/",
        {"period_start": "2025-03-15", "period_end": "2025-06-14", "amount": "5000", "paid_on": "2025-07-01"},
    )
    assert "贴息金额超过按规则应贴息" in paid.content.decode()
    data["loan"].refresh_from_db()
    assert data["loan"].status == "current"


def test_a_cadre_reads_the_village_but_gets_no_forms(world, data) -> None:
    c = login(world.zx_cadre1)
    assert c.get(f"{BASE}/loans/{data['loan'].pk}/").status_code == 200
    assert c.get(f"{BASE}/loans/new/").status_code == 404
    assert c.get(f"{BASE}/loans/{data['loan'].pk}/repayments/new/").status_code == 404


def test_the_business_form_registers_and_the_hire_form_refuses_an_unknown_person(world, households) -> None:
    c = login(world.zx_admin)
    owner = head(households["v1"])
    r = c.post(
        f"{BASE}/entrepreneurs/new/",
        {
            "id_number": owner.id_number,
            "returning": "on",
            "returned_from": "浙江省宁波市",
            "returned_on": "2024-02-01",
        },
    )
    assert r.status_code == 302
    e = owner.entrepreneur
    bad = c.post(
        f"{BASE}/entrepreneurs/{e.pk}/businesses/new/",
        {"name": "养殖场", "village": str(e.village_id), "credit_code": "123", "started": "2024-05-01"},
    )
    assert "统一社会信用代码无效" in bad.content.decode()
    ok = c.post(
        f"{BASE}/entrepreneurs/{e.pk}/businesses/new/",
        {
            "name": "养殖场",
            "village": str(e.village_id),
            "credit_code": valid_code(),
            "started": "2024-05-01",
        },
    )
    assert ok.status_code == 302
    b = e.businesses.get()
    hire = c.post(
        f"{BASE}/businesses/{b.pk}/hire/", {"id_number": "110101199003077777", "start": "2024-06-01"}
    )
    assert "此人未登记" in hire.content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/loans/", "/businesses/", "/entrepreneurs/", "/overdue/", "/"])
def test_list_queries_do_not_grow_with_rows(world, households, url) -> None:
    from tests.personas import ZX_V1, make_household, person

    c = login(world.zx_admin)
    counts = []
    for round_ in range(2):
        for i in range(4):
            h = make_household(
                world.zx_cadre1,
                ZX_V1,
                f"53062710220191{round_}{i}",
                head=person("19850101", name=f"借{round_}{i}"),
                status="out_of_poverty",
                left_poverty_year=2019,
            )
            p = head(h)
            b = business(
                world.zx_admin,
                returnee(world.zx_admin, p),
                credit_code=valid_code(f"92530627MA6N0X{round_}{i}1"),
            )
            services.business_hire(
                actor=world.zx_admin,
                business=b,
                person=head(
                    make_household(
                        world.zx_cadre1,
                        ZX_V1,
                        f"53062710220192{round_}{i}",
                        head=person("19900101", name=f"工{round_}{i}"),
                    )
                ),
                start=D(2024, 6, 1),
            )
            loan = micro(world.zx_admin, p, reference=f"Q-{round_}-{i}", amount=Decimal("20000"))
            services.loan_mark_overdue(actor=world.zx_admin, loan=loan, since=D(2026, 1, 1))
        counts.append(_queries(c, BASE + url))
    assert counts[0] == counts[1], counts
