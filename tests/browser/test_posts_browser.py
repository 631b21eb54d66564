"""Public-welfare posts in the browser: a township officer sets up a post, checks a villager's
eligibility criterion by criterion and signs the agreement; then the village cadre records the
month on a phone (390 × 844), one card per agreement, and sees the pay due."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.personas import PASSWORD, ZX_V1, make_household, person, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()
    importlib.import_module("lnob.employment.posts.migrations.0002_seed_rules").seed(apps, None)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_a_post_is_set_up_filled_and_its_month_recorded_on_a_phone(
    seeded: None, browser: Any, live_server: Any, world: Any, shot: Any
) -> None:
    from lnob.employment.models import Spell
    from lnob.employment.posts.models import Agreement, Attendance

    make_household(
        world.zx_cadre1, ZX_V1, "5306271022010301", head=person("19700315", "F", "王秀英", health="chronic"),
        status="out_of_poverty", left_poverty_year=2019,
    )  # fmt: skip
    make_household(
        world.zx_cadre1, ZX_V1, "5306271022010302", head=person("19850601", "M", "李强"),
        status="out_of_poverty", left_poverty_year=2019,
    )  # fmt: skip
    base = live_server.url
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        _login(page, base, "zx_township")
        page.goto(f"{base}/employment/posts/")
        page.get_by_test_id("post-new").click()
        expect(page.get_by_test_id("post-rule")).to_contain_text("公益性岗位默认规则")
        page.select_option("select[name=village]", str(ZX_V1))
        page.fill("input[name=title]", "保洁员")
        page.fill("input[name=monthly_pay]", "600")
        page.fill("input[name=opened_on]", "2026-01-01")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("field-error")).to_contain_text("月补贴不能高于规则")  # the rule named
        page.fill("input[name=monthly_pay]", "500")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("post-facts")).to_contain_text("0 / 1")

        page.get_by_test_id("post-sign").click()
        page.fill("input[name=q]", "李")
        page.get_by_role("button", name="查找").click()
        page.get_by_test_id("sign-pick").first.click()
        eligibility = page.get_by_test_id("eligibility")
        expect(eligibility).to_contain_text("不符合条件")
        expect(eligibility.locator("[data-key=labour]")).to_contain_text(
            "✗ 劳动能力为弱劳动力或半劳动力：有劳动能力"
        )
        page.get_by_test_id("sign-submit").click()
        expect(page.get_by_test_id("form-error")).to_contain_text(
            "不符合公益性岗位条件“劳动能力为弱劳动力或半劳动力”"
        )
        assert not Agreement.objects.exists()

        page.get_by_role("link", name="换一个人").click()
        page.fill("input[name=q]", "王秀英")
        page.get_by_role("button", name="查找").click()
        page.get_by_test_id("sign-pick").click()
        expect(page.get_by_test_id("eligibility")).to_contain_text("符合条件")
        shot(page, "posts-eligibility")
        page.fill("input[name=start]", "2026-03-01")
        page.get_by_test_id("sign-recheck").click()  # the criteria checked again for that day
        expect(page.get_by_test_id("eligibility")).to_contain_text("按 2026-03-01 审核")
        expect(page.locator("input[name=end]")).to_have_value("2027-02-28")
        page.get_by_test_id("sign-submit").click()
        expect(page.get_by_test_id("agreement-facts")).to_contain_text("公益性岗位 · 2026-03-01 至今")
        agreement = Agreement.objects.get()
        assert Spell.objects.get(pk=agreement.spell_id).channel == "public_welfare"
    finally:
        desk.close()

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    try:
        _login(page, base, "zx_cadre1")
        page.goto(f"{base}/employment/posts/attendance/?village={ZX_V1}&month=2026-10")
        expect(page.get_by_test_id("sheet-progress")).to_contain_text("已登记 0 / 1 人")
        card = page.get_by_test_id("sheet-row")
        expect(card).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        box = card.get_by_test_id("sheet-save").bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb-sized button
        card.get_by_test_id("sheet-days").fill("20")
        card.get_by_test_id("sheet-hours").fill("700")  # the phone lets it through; the server does not
        card.get_by_test_id("sheet-save").tap()
        expect(page.get_by_test_id("sheet-error")).to_contain_text("工时不能超过出勤天数 × 24")
        page.get_by_test_id("sheet-days").fill("20")
        page.get_by_test_id("sheet-hours").fill("60")
        page.get_by_test_id("sheet-save").tap()
        expect(page.get_by_test_id("sheet-due")).to_contain_text("应发 375.00 元")
        shot(page, "posts-sheet-phone")
        assert Attendance.objects.get().pay_due == 375
    finally:
        phone.close()
