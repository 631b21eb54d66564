"""A job fair end to end in the browser: the county's official sets it up on a desktop (the fair,
a recruiter from elsewhere, its vacancy); at the fair a village cadre, on a phone (390 × 844),
registers a villager by resident ID, taps "interviewed", records the hire, and the ledger has the
spell."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, ZX, ZX_V1, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOTEL = "91500101MA5U12345B"


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_a_fair_is_set_up_and_a_cadre_records_a_hire_on_a_phone(
    seeded: None, browser: Any, live_server: Any, world: Any, households: Any, shot: Any
) -> None:
    from lnob.employment import services as ledger
    from lnob.employment.fairs.models import Application, JobFair
    from lnob.employment.models import Spell
    from lnob.registry.models import Membership

    villager = Membership.objects.get(household=households["v1"], relation="head").person
    ledger.spell_record(
        actor=world.zx_cadre1, person=villager, status="not_employed", start=dt.date(2025, 6, 1)
    )
    base = live_server.url

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        _login(page, base, "zx_admin")
        page.goto(f"{base}/employment/fairs/")
        page.get_by_test_id("fair-new").click()
        page.fill("input[name=name]", "2026年春风行动招聘会")
        page.select_option("select[name=area]", str(ZX))
        page.fill("input[name=start]", "2026-03-05")
        page.fill("input[name=venue]", "泼机镇文化广场")
        page.select_option("select[name=village]", str(ZX_V1))
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("fair-status")).to_have_text("筹备中")
        fair = JobFair.objects.get()
        page.get_by_test_id("recruiter-add").click()
        page.fill("input[name=credit_code]", "123")
        page.fill("input[name=employer_name]", "万州大酒店")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("field-error")).to_contain_text("统一社会信用代码无效")
        page.fill("input[name=credit_code]", HOTEL)
        page.fill("input[name=booth]", "B02")
        page.get_by_role("button", name="保存").click()
        page.fill("input[name=title]", "厨师")
        page.fill("input[name=headcount]", "2")
        page.select_option("select[name=location]", "in_province")
        page.fill("input[name=destination]", "重庆市万州区")
        page.fill("input[name=wage_min]", "3500")
        page.fill("input[name=wage_max]", "5000")
        page.fill("input[name=start]", "2026-03-20")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("vacancy")).to_contain_text("厨师")
        expect(page.get_by_test_id("fig-places")).to_have_text("2")
        page.get_by_test_id("fair-hold").click()
        expect(page.get_by_test_id("fair-status")).to_have_text("已举办")
        shot(page, "fair-detail")
    finally:
        desk.close()

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    try:
        _login(page, base, "zx_cadre1")
        page.goto(f"{base}/employment/fairs/{fair.pk}/attendees/")
        page.get_by_test_id("attendee-add").first.tap()
        page.fill("input[name=id_number]", villager.id_number)
        page.get_by_label("万州大酒店 · 厨师", exact=False).check()
        page.get_by_role("button", name="保存").tap()
        card = page.get_by_test_id("attendee").filter(has_text=villager.name)
        expect(card.get_by_test_id("app-state")).to_have_text("待面试")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        box = card.get_by_test_id("app-interviewed").bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb-sized button
        shot(page, "fair-attendees-phone")

        card.get_by_test_id("app-interviewed").tap()  # one tap
        expect(card.get_by_test_id("app-state")).to_have_text("已面试")
        card.get_by_test_id("app-offer").tap()
        page.select_option("select[name=outcome]", "hire")
        page.fill("input[name=on]", "2026-03-05")
        page.fill("input[name=wage]", "4200")
        page.fill("input[name=start]", "2026-03-20")
        page.get_by_role("button", name="保存").tap()
        card = page.get_by_test_id("attendee").filter(has_text=villager.name)
        expect(card.get_by_test_id("app-state")).to_have_text("已上岗")
        expect(page.get_by_test_id("fig-hires")).to_have_text("1")
        expect(page.get_by_test_id("fig-poor-hires")).to_have_text("1")  # an out-of-poverty household
        shot(page, "fair-hired-phone")
    finally:
        phone.close()

    app = Application.objects.get()
    spell = Spell.objects.get(pk=app.spell_id)
    assert (spell.channel, spell.start, str(spell.monthly_wage)) == (
        "job_fair",
        dt.date(2026, 3, 20),
        "4200.00",
    )
    assert Spell.objects.get(person=villager, status="not_employed").end == dt.date(2026, 3, 19)
