"""The monthly round on a phone (390 × 844): a village cadre confirms an unchanged worker with one
tap, records a change for another, and comes back to the round with both done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, ZX_V1, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()


def test_a_cadre_does_the_monthly_round_on_a_phone(
    seeded: None, browser: Any, live_server: Any, world: Any, households: Any, shot: Any
) -> None:
    from lnob.employment import services
    from lnob.employment.models import RoundCheck, Spell
    from lnob.registry.models import Membership
    from tests.personas import make_household, person

    worker = Membership.objects.get(household=households["v1"], relation="head").person
    second = make_household(
        world.zx_cadre1, ZX_V1, "5306271022010002", head=person("19900505", "F", name="李春梅")
    )
    idle = Membership.objects.get(household=second, relation="head").person
    services.spell_record(
        actor=world.zx_cadre1, person=worker, status="employed", location="out_of_province",
        destination="广东省东莞市", start=dt.date(2026, 3, 1),
    )  # fmt: skip
    services.spell_record(
        actor=world.zx_cadre1, person=idle, status="not_employed", start=dt.date(2026, 1, 1)
    )

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "zx_cadre1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/employment/round/?village={ZX_V1}&month=2026-10")
        expect(page.get_by_test_id("round-progress")).to_contain_text("0 / 2")
        rows = page.get_by_test_id("round-row")
        expect(rows).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        mine = rows.filter(has_text="广东省东莞市")
        box = mine.get_by_test_id("round-confirm").bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb-sized button
        shot(page, "round-phone")

        mine.get_by_test_id("round-confirm").tap()  # one tap
        expect(mine.get_by_test_id("round-confirmed")).to_be_visible()
        assert RoundCheck.objects.filter(person=worker, month=dt.date(2026, 10, 1)).exists()

        # 李春梅 found work: the change is recorded as a spell, and the round comes back
        rows.filter(has_text="李春梅").get_by_test_id("round-change").tap()
        page.select_option("select[name=status]", "public_welfare")
        page.fill("input[name=start]", "2026-10-08")
        page.select_option("select[name=location]", "in_county")
        page.select_option("select[name=channel]", "public_welfare")
        page.fill("input[name=monthly_wage]", "500")
        page.get_by_role("button", name="保存").tap()
        page.wait_for_url(f"{base}/employment/round/?village={ZX_V1}&month=2026-10")
        changed = page.get_by_test_id("round-row").filter(has_text="李春梅")
        expect(changed.get_by_test_id("round-status")).to_contain_text("公益性岗位")
        expect(changed.get_by_test_id("round-confirmed")).to_be_visible()  # the change is the check
        expect(page.get_by_test_id("round-progress")).to_contain_text("2 / 2")
        assert Spell.objects.filter(person=idle, status="public_welfare").exists()
        shot(page, "round-after")
    finally:
        context.close()
