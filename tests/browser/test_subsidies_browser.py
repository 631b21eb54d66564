"""交通补助与社保比对 in a browser: the county administrator computes the year's transport
subsidies from the ledger (the rule and its source on screen), approves a village, is refused a
payment above the computed amount and records the payment; a village cadre on a phone (390 px)
finds a contribution the ledger misses and records the spell it suggests with one click."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from lnob.employment.models import Spell
from lnob.employment.subsidies.models import SocialInsuranceRecord, TransportSubsidyClaim
from tests.personas import PASSWORD, ZX_V2, seed_again
from tests.subsidies.conftest import YEAR, people, work, zx_rule  # noqa: F401  fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date


@pytest.fixture
def ledger(transactional_db: None, world: Any, people: Any) -> Any:  # noqa: F811
    seed_again()
    work(world.zx_cadre1, people["li"], D(YEAR, 2, 1), D(YEAR, 7, 31))  # 东莞, six months
    work(world.zx_cadre1, people["qian"], D(YEAR, 2, 1), D(YEAR, 7, 31))  # an ordinary household
    return people


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_the_county_computes_approves_and_pays(page: Any, live_server: Any, ledger: Any, shot: Any) -> None:
    base = live_server.url
    _login(page, base, "zx_admin")
    page.goto(f"{base}/employment/subsidies/")
    page.get_by_test_id("to-transport").click()
    expect(page.get_by_test_id("rule")).to_contain_text("镇雄县一次性交通补助（测试）")
    expect(page.get_by_test_id("rule")).to_contain_text("https://example.test/zx-transport")
    page.get_by_test_id("compute-form").locator("input[name=year]").fill(str(YEAR))
    page.get_by_test_id("compute").click()
    expect(page.locator("ul.messages")).to_contain_text("1 人，共 500 元")
    sums = page.get_by_test_id("village-sums")
    expect(sums).to_contain_text("泼机村")
    expect(page.get_by_test_id("claims")).not_to_contain_text("钱多")
    sums.get_by_role("link", name="泼机村").click()
    page.get_by_test_id("approve-all").click()
    expect(page.get_by_test_id("claim-status").first).to_contain_text("已审核")
    shot(page, "subsidies-transport-list")
    page.get_by_test_id("claims").get_by_role("link", name="李明").click()
    form = page.get_by_test_id("pay-form")
    form.locator("input[name=paid_amount]").fill("520")
    form.locator("input[name=payment_reference]").fill("ICBC-2026-001")
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("pay-form").get_by_test_id("field-error")).to_contain_text("不能高于核定金额")
    page.get_by_test_id("pay-form").locator("input[name=paid_amount]").fill("500")
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("claim-status")).to_contain_text("已发放")
    expect(page.get_by_test_id("payment")).to_contain_text("ICBC-2026-001")
    claim = TransportSubsidyClaim.objects.get()
    assert (claim.status, claim.paid_amount) == ("paid", Decimal("500.00"))
    shot(page, "subsidies-claim-paid")


def test_a_cadre_records_the_work_a_contribution_shows_on_a_phone(
    browser: Any, live_server: Any, ledger: Any, shot: Any
) -> None:
    zhao = ledger["zhao"]
    SocialInsuranceRecord.objects.create(
        person=zhao, quarter=D(YEAR, 4, 1), credit_code="91441900MA4W123409", employer_name="东莞华宏电子",
        kind="pension", months=3, base=Decimal("4100"), region=441900000000,
    )  # fmt: skip
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    _login(page, base, "zx_cadre2")
    page.goto(f"{base}/employment/subsidies/insurance/?area={ZX_V2}&quarter={YEAR}Q2")
    row = page.get_by_test_id("evidence-row")
    expect(row).to_contain_text("赵芳")
    expect(row).to_contain_text("东莞华宏电子")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "subsidies-evidence-phone")
    row.get_by_test_id("record-spell").click()
    expect(page.locator("input[name=destination]")).to_have_value("广东省东莞市")
    expect(page.locator("input[name=monthly_wage]")).to_have_value("4100.00")
    page.click("button.primary")
    expect(page.get_by_test_id("not-in-ledger")).to_contain_text("没有差异")
    spell = Spell.objects.get(person=zhao)
    assert (spell.status, spell.start, spell.location) == ("employed", D(YEAR, 4, 1), "out_of_province")
    context.close()
