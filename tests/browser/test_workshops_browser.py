"""Workshops in the browser. A workshop manager on a phone (390 × 844) records a worker joining by
resident ID and drafts and submits a subsidy claim; the county administrator approves it and
records the payment."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, WZ_V1, seed_again
from tests.workshops.conftest import manager, recognised, shop, staffed, workers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    from django.apps import apps

    seed_again()
    importlib.import_module("lnob.employment.workshops.migrations.0002_seed_policy").seed(apps, None)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/**")


def test_a_manager_hires_and_claims_on_a_phone_and_the_county_pays(
    seeded: None,
    browser: Any,
    live_server: Any,
    world: Any,
    manager: Any,  # noqa: F811  the fixture imported above
    recognised: Any,  # noqa: F811
    shot: Any,
) -> None:
    from lnob.employment.workshops.models import SubsidyClaim, WorkshopJob
    from tests.workshops.helpers import make_worker

    newcomer = make_worker(world.wz_cadre, WZ_V1, poor=True, name="王秀英", birth="19880808")
    base = live_server.url
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    try:
        _login(page, base, manager.username)
        page.wait_for_url(f"{base}/employment/workshops/")  # a manager lands on their workshops
        rows = page.get_by_test_id("workshop-row")
        expect(rows).to_have_count(1)
        expect(rows.first.get_by_test_id("workshop-workers")).to_have_text("7")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        rows.first.get_by_role("link", name=recognised.name).tap()
        expect(page.get_by_test_id("workshop-state")).to_contain_text("正常运行")
        expect(page.get_by_test_id("assessment")).to_contain_text("脱贫户或监测户工人 5 人 ≥ 5 人")

        page.get_by_test_id("join").tap()
        page.fill("input[name=id_number]", "11010519491231002X")
        page.fill("input[name=start]", "2026-06-01")
        page.get_by_role("button", name="保存").tap()
        expect(page.get_by_test_id("field-error")).to_contain_text("此人未在本县登记")
        page.fill("input[name=id_number]", newcomer.id_number)
        page.fill("input[name=monthly_wage]", "2200")
        page.get_by_role("button", name="保存").tap()
        expect(page.get_by_test_id("roster-row")).to_have_count(8)
        expect(page.get_by_test_id("roster")).to_contain_text("王秀英")
        assert newcomer.id_number not in page.content()
        assert WorkshopJob.objects.filter(person=newcomer).exists()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "workshop-phone")

        page.get_by_test_id("claim-new").tap()
        page.fill("input[name=period_start]", "2026-01-01")
        page.fill("input[name=period_end]", "2026-06-30")
        page.fill("input[name=evidence_text]", "2026 年上半年工资发放表")
        page.get_by_role("button", name="核算并保存草稿").tap()
        # five workers × (2000 × 6/12 + 300 × 6), and 王秀英's June: 2000/12 + 300
        expect(page.get_by_test_id("claim-amount")).to_contain_text("14466.67")
        expect(page.get_by_test_id("claim-line")).to_have_count(6)
        page.get_by_test_id("claim-submit").tap()
        expect(page.get_by_test_id("claim-state")).to_have_text("已提交")
        shot(page, "workshop-claim-phone")
    finally:
        phone.close()

    claim = SubsidyClaim.objects.get()
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        _login(page, base, "wz_admin")
        page.goto(f"{base}/employment/workshops/")
        page.get_by_test_id("claims-link").click()
        page.get_by_test_id("claim-row").get_by_role("link", name=f"#{claim.pk}").click()
        page.get_by_test_id("claim-approve").click()
        expect(page.get_by_test_id("claim-state")).to_have_text("已审核")
        form = page.get_by_test_id("pay-form")
        form.locator("input[name=amount]").fill("14466.67")
        form.locator("input[name=reference]").fill("国库集中支付 2026-1108")
        page.get_by_test_id("claim-pay").click()
        expect(page.get_by_test_id("claim-state")).to_have_text("已发放")
        expect(page.get_by_test_id("payment")).to_contain_text("国库集中支付 2026-1108")
        shot(page, "workshop-claim-paid")
    finally:
        desk.close()
    claim.refresh_from_db()
    assert (claim.state, claim.paid_amount, claim.payment_reference) == (
        "paid",
        Decimal("14466.67"),
        "国库集中支付 2026-1108",
    )
