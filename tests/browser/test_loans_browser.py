"""创业与信贷 in a browser: a county officer records a returnee's micro-credit, is refused above
the limit with the rule and its source, saves it within the limit and records a repayment; a
village cadre then finds the loan on the overdue list on a phone (390 px)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    from django.apps import apps

    seed_again()
    importlib.import_module("lnob.employment.loans.migrations.0002_seed_loan_rules").seed(apps, None)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_an_officer_records_a_loan_within_the_limit_and_a_cadre_follows_it_up(
    seeded: None, browser: Any, live_server: Any, world: Any, households: Any, shot: Any
) -> None:
    from lnob.employment.loans.models import Loan
    from lnob.registry.models import Membership

    borrower = Membership.objects.get(household=households["v1"], relation="head").person
    base = live_server.url
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    _login(page, base, "zx_admin")
    page.goto(f"{base}/employment/loans/")
    expect(page.get_by_test_id("loan-limit").first).to_contain_text("200,000")
    page.get_by_role("link", name="登记贷款").first.click()
    form = page.get_by_test_id("loan-form")
    form.locator("input[name=id_number]").fill(borrower.id_number)
    form.locator("select[name=type]").select_option("micro_credit")
    form.locator("input[name=reference]").fill("ZXNS-2025-0101")
    form.locator("input[name=lender]").fill("镇雄农村商业银行")
    form.locator("input[name=amount]").fill("60000")
    form.locator("input[name=term_months]").fill("36")
    form.locator("input[name=interest_rate]").fill("3.45")
    form.locator("input[name=subsidy_rate]").fill("3.45")
    form.locator("input[name=issued]").fill("2025-03-15")
    form.locator("input[name=purpose]").fill("购买能繁母牛")
    form.get_by_role("button", name="保存").click()
    error = page.get_by_test_id("field-error")
    expect(error).to_contain_text("贷款金额超过上限 50,000 元")
    expect(error).to_contain_text("bypc.gov.cn")
    shot(page, "loans-refused")
    assert not Loan.objects.exists()

    page.get_by_test_id("loan-form").locator("input[name=amount]").fill("50000")
    page.get_by_test_id("loan-form").get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("loan-status")).to_have_text("正常")
    expect(page.get_by_test_id("subsidised-part")).to_have_text("50,000.00")
    page.get_by_test_id("repayment-new").click()
    page.fill("input[name=date]", "2025-06-15")
    page.fill("input[name=principal]", "10000")
    page.fill("input[name=interest]", "431.25")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("outstanding")).to_have_text("40,000.00")
    expect(page.get_by_test_id("repayment-rows")).to_contain_text("2025-06-15")
    page.fill("input[name=since]", "2026-10-01")
    page.get_by_test_id("mark-overdue").click()
    expect(page.get_by_test_id("loan-status")).to_have_text("逾期")
    shot(page, "loans-detail")

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    cadre = phone.new_page()
    try:
        _login(cadre, base, "zx_cadre1")
        cadre.goto(f"{base}/employment/loans/overdue/")
        rows = cadre.get_by_test_id("overdue-rows")
        expect(rows).to_contain_text(borrower.name)
        expect(rows).to_contain_text("银行报告 2026-10-01 起逾期")
        assert cadre.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        shot(cadre, "loans-overdue-phone")
    finally:
        phone.close()
