"""The transport-subsidy screens: the year's list by village with the rule and its source,
computing from the screen, approving a village, a claim's page (pay, refuse; bad input on its
field), a claim by hand, the list for the bank; other areas see nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lnob.areas.models import Area
from lnob.employment.subsidies import services
from lnob.employment.subsidies.models import TransportSubsidyClaim
from lnob.registry.selectors import today
from tests.personas import ZX, ZX_V1, make_household, person
from tests.subsidies.conftest import YEAR, work

D = dt.date
LIST = f"/employment/subsidies/transport/?year={YEAR}"


@pytest.fixture
def claim(world, people):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    return TransportSubsidyClaim.objects.get(person=people["li"])


def test_the_county_computes_from_the_screen_and_sees_the_list_by_village_with_the_rule(
    world, people, client
):
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))
    client.force_login(world.zx_admin)
    done = client.post("/employment/subsidies/transport/compute/", {"area": ZX, "year": YEAR}, follow=True)
    text = done.content.decode()
    assert "已核算 镇雄县" in text and "李明" in text and "泼机村" in text
    assert "镇雄县一次性交通补助（测试）" in text and "https://example.test/zx-transport" in text
    assert [(s.name, s.claims, s.amount) for s in done.context["sums"]] == [("泼机村", 1, Decimal("500.00"))]


def test_computing_for_a_county_without_a_rule_shows_the_reason(world, people, client):
    client.force_login(world.wz_admin)
    page = client.get(LIST)
    assert "请县级管理员在配置中添加" in page.content.decode()
    done = client.post(
        "/employment/subsidies/transport/compute/", {"area": 500101000000, "year": YEAR}, follow=True
    )
    assert "请县级管理员在配置中添加" in done.content.decode()


def test_another_county_sees_no_claim_and_a_claims_page_is_404(world, claim, client):
    for user in (world.wz_admin, world.zx_cadre1, world.zx_auditor):
        client.force_login(user)
        page = client.get(LIST)
        assert page.status_code == 404 or "李明" not in page.content.decode()
        assert client.get(f"/employment/subsidies/transport/{claim.pk}/").status_code == 404
    client.force_login(world.zx_township)  # runs employment in the township: sees, cannot decide
    page = client.get(f"/employment/subsidies/transport/{claim.pk}/")
    assert page.status_code == 200 and 'data-testid="approve"' not in page.content.decode()
    assert client.post(f"/employment/subsidies/transport/{claim.pk}/", {"do": "approve"}).status_code == 404


def test_the_county_approves_a_village_then_pays_and_a_payment_above_the_amount_is_refused(
    world, claim, client
):
    client.force_login(world.zx_admin)
    client.post("/employment/subsidies/transport/approve/", {"village": ZX_V1, "year": YEAR, "all": "1"})
    assert TransportSubsidyClaim.objects.get(pk=claim.pk).status == "approved"
    url = f"/employment/subsidies/transport/{claim.pk}/"
    too_much = {
        "do": "pay",
        "paid_on": today().isoformat(),
        "paid_amount": "500.50",
        "payment_reference": "B-1",
    }
    refused = client.post(url, too_much)
    assert refused.status_code == 422 and "发放金额不能高于核定金额（500.00 元）" in refused.content.decode()
    paid = client.post(url, too_much | {"paid_amount": "480"}, follow=True)
    assert (
        "480.00" in paid.content.decode() and TransportSubsidyClaim.objects.get(pk=claim.pk).status == "paid"
    )


def test_refusing_without_a_reason_is_refused_on_the_field(world, claim, client):
    client.force_login(world.zx_admin)
    refused = client.post(f"/employment/subsidies/transport/{claim.pk}/", {"do": "reject", "reason": ""})
    assert refused.status_code == 422 and TransportSubsidyClaim.objects.get(pk=claim.pk).status == "computed"
    client.post(f"/employment/subsidies/transport/{claim.pk}/", {"do": "reject", "reason": "未核实到务工"})
    assert TransportSubsidyClaim.objects.get(pk=claim.pk).status == "rejected"


def test_a_claim_by_hand_for_too_few_months_is_refused_on_the_form(world, people, client):
    work(world.zx_cadre2, people["zhao"], D(YEAR, 1, 1), D(YEAR, 2, 28))
    client.force_login(world.zx_township)
    refused = client.post(
        "/employment/subsidies/transport/new/", {"id_number": people["zhao"].id_number, "year": YEAR}
    )
    assert refused.status_code == 422 and "不足规则要求的 3 个月" in refused.content.decode()
    unknown = client.post(
        "/employment/subsidies/transport/new/", {"id_number": people["sun"].id_number, "year": YEAR}
    )
    assert unknown.status_code == 422 and "此人未登记或不在您的管辖范围内" in unknown.content.decode()
    work(world.zx_cadre2, people["zhao"], D(YEAR, 3, 1), D(YEAR, 3, 31))
    made = client.post(
        "/employment/subsidies/transport/new/", {"id_number": people["zhao"].id_number, "year": YEAR}
    )
    assert made.status_code == 302 and TransportSubsidyClaim.objects.get(person=people["zhao"]).amount == 500


def test_the_list_for_the_bank_holds_approved_claims_with_the_account_and_is_audited(
    world, people, claim, client
):
    services.transport_claim_approve(actor=world.zx_admin, claim=claim)
    client.force_login(world.zx_admin)
    response = client.get(f"/employment/subsidies/transport/bank.xlsx?year={YEAR}&area={ZX}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "id_number" and rows[0][-1] == "bank_account"
    assert rows[1][0] == people["li"].id_number and rows[1][-1] == "6222020200001234567"
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__export="transport_subsidies_bank"
    ).exists()
    client.force_login(world.zx_township)  # may not approve payments: no list for the bank
    assert client.get(f"/employment/subsidies/transport/bank.xlsx?year={YEAR}").status_code == 404


@pytest.mark.parametrize("extra", [0, 8])
def test_the_list_does_not_query_per_claim(world, people, client, extra):
    for i in range(extra):
        hh = make_household(
            world.zx_cadre1,
            ZX_V1,
            f"5306271022018{i:03d}",
            status="out_of_poverty",
            left_poverty_year=2019,
            head=person(name=f"外出{i}"),
        )
        work(world.zx_cadre1, hh.memberships.get().person, D(YEAR, 1, 1), D(YEAR, 6, 30))
    services.transport_compute(actor=world.zx_admin, area=Area.objects.get(code=ZX), year=YEAR)
    client.force_login(world.zx_admin)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{LIST}&area={ZX_V1}").status_code == 200
    assert len(ctx.captured_queries) <= 10  # session, user, scope, rule, run, sums, count, page…


def test_the_landing_screen_links_what_the_user_may_use(world, client):
    client.force_login(world.zx_admin)
    text = client.get("/employment/subsidies/").content.decode()
    assert 'data-testid="to-transport"' in text and 'data-testid="to-evidence"' in text
    client.force_login(world.zx_cadre1)
    text = client.get("/employment/subsidies/").content.decode()
    assert 'data-testid="to-transport"' not in text and 'data-testid="to-evidence"' in text
    client.force_login(world.zx_department)
    assert client.get("/employment/subsidies/").status_code == 404
