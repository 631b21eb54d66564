"""A workstation officer on a phone (390 × 844): lands on their station, sees the roster read
from the ledger, takes in a wage-arrears case, mediates and resolves it, and logs a visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, seed_again
from tests.workstations.conftest import factory, migrants, officers, station  # noqa: F401  fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()


def test_an_officer_handles_a_wage_arrears_case_on_a_phone(
    seeded: None,
    browser: Any,
    live_server: Any,
    officers: Any,  # noqa: F811  the fixture imported above
    station: Any,  # noqa: F811  the fixture imported above
    migrants: Any,  # noqa: F811  the fixture imported above
    factory: Any,  # noqa: F811  the fixture imported above
    shot: Any,
) -> None:
    from lnob.employment.workstations.models import Dispute, Visit

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    try:
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "zx_officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        # their station is their landing page
        page.wait_for_url(f"{base}/employment/workstations/{station.pk}/")
        expect(page.get_by_test_id("station-name")).to_contain_text("镇雄县驻东莞劳务工作站")
        rows = page.get_by_test_id("roster-row")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text="李强").get_by_test_id("wage")).to_have_text("****")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        shot(page, "workstation-roster-phone")

        # 李强 has not been paid for two months: the case is taken in
        page.get_by_test_id("do-dispute").tap()
        page.select_option("select[name=person]", label="李强 · 东莞华宏电子厂 · 2026-03-01")
        page.select_option("select[name=employer]", label="东莞华宏电子厂")
        page.select_option("select[name=kind]", "wage_arrears")
        page.fill("input[name=amount_claimed]", "10400")
        page.fill("input[name=opened_on]", dt.date(2026, 10, 8).isoformat())
        page.fill("textarea[name=summary]", "拖欠 8、9 月工资")
        page.get_by_role("button", name="保存").tap()
        expect(page.get_by_test_id("dispute-state")).to_have_text("已受理")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        step = page.get_by_test_id("step-mediate")
        step.locator("input[type=date]").fill("2026-10-10")
        step.locator("textarea").fill("约谈厂方负责人")
        step.get_by_test_id("do-mediate").tap()
        expect(page.get_by_test_id("dispute-state")).to_have_text("调解中")

        resolve = page.get_by_test_id("step-resolve")
        resolve.locator("input[type=date]").fill("2026-10-20")
        resolve.locator("input[name=resolve-amount_recovered]").fill("12000")  # more than claimed
        resolve.locator("textarea").fill("厂方结清")
        resolve.get_by_test_id("do-resolve").tap()
        expect(page.get_by_test_id("field-error")).to_contain_text("追回金额不能超过诉求金额")
        resolve = page.get_by_test_id("step-resolve")
        resolve.locator("input[name=resolve-amount_recovered]").fill("10400")
        resolve.get_by_test_id("do-resolve").tap()
        expect(page.get_by_test_id("dispute-state")).to_have_text("已解决")
        expect(page.get_by_test_id("recovered")).to_have_text("10400.00")
        expect(page.get_by_test_id("event")).to_have_count(3)
        shot(page, "workstation-dispute-phone")
        assert Dispute.objects.get().state == "resolved"

        # a visit to the factory, meeting 李强
        page.goto(f"{base}/employment/workstations/{station.pk}/visits/new/")
        page.select_option("select[name=employer]", label="东莞华宏电子厂")
        page.get_by_test_id("choices-persons").get_by_text("李强", exact=False).tap()
        page.fill("input[name=persons_met]", "9")
        page.fill("textarea[name=notes]", "工资已按月发放")
        page.get_by_role("button", name="保存").tap()
        expect(page.get_by_test_id("visit")).to_contain_text("李强")
        assert Visit.objects.get().persons_met == 9
        shot(page, "workstation-visits-phone")
    finally:
        context.close()
