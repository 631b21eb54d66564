"""The employment dashboards in a browser: a county administrator opens the county's figures, the
charts draw, a township is one click away and shows its villages; a village cadre reads their
village on a phone."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.personas import PASSWORD, ZX, ZX_TOWN, ZX_V1, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def computed(transactional_db: None, world: Any) -> None:
    from lnob.measures.models import FigureRun
    from lnob.measures.refresh import figures_refresh
    from tests.measures.conftest import MONTH, build_small_county

    seed_again()
    importlib.import_module("lnob.measures.migrations.0002_seed_zero_employment_rule").seed(apps, None)
    build_small_county(world)
    figures_refresh(actor=None, area_code=ZX, month=MONTH)
    assert FigureRun.objects.filter(status="done").exists()


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_a_county_admin_reads_the_county_and_drills_down_to_a_township(
    computed: None, page: Any, live_server: Any, shot: Any
) -> None:
    base = live_server.url
    login(page, base, "zx_admin")
    page.goto(f"{base}/measures/employment/?area={ZX}&month=2026-10")
    expect(page.get_by_test_id("measures-title")).to_contain_text("镇雄县")
    expect(page.get_by_test_id("figure-in_work")).to_have_text("2")  # 务工规模
    expect(page.get_by_test_id("figure-transferred_share")).to_have_text("66.7%")
    expect(page.get_by_test_id("measures-computed")).to_contain_text("2026-10-31")
    # every chart drew: ECharts renders SVG into each chart box
    expect(page.locator("body[data-charts-ready]")).to_have_count(1)
    for chart in (
        "chart-share",
        "chart-in-work",
        "chart-zero",
        "chart-trend",
        "chart-tiers",
        "chart-channels",
    ):
        expect(page.get_by_test_id(chart).locator("svg")).to_have_count(1)
    # the definition of a figure is on hover
    title = page.locator("[data-figure=hh_zero] abbr").get_attribute("title")
    assert title and "3 个月" in title
    shot(page, "measures-county")

    page.get_by_test_id("measures-children").get_by_role("link", name="泼机镇").click()
    page.wait_for_url(f"**/measures/employment/?area={ZX_TOWN}&month=2026-10")
    expect(page.get_by_test_id("measures-title")).to_contain_text("泼机镇")
    expect(page.get_by_test_id("measures-child")).to_have_count(2)  # 泼机村, 海子村
    expect(page.get_by_test_id("measures-crumbs")).to_contain_text("镇雄县")
    expect(page.get_by_test_id("chart-share").locator("svg")).to_have_count(1)
    shot(page, "measures-township")


def test_a_cadre_reads_their_village_on_a_phone(
    computed: None, browser: Any, live_server: Any, shot: Any
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    try:
        login(page, base, "zx_cadre1")
        page.goto(f"{base}/measures/employment/")
        expect(page.get_by_test_id("measures-title")).to_contain_text("泼机村")
        expect(page.get_by_test_id("figure-labour")).to_have_text("2")
        expect(page.get_by_test_id("chart-trend").locator("svg")).to_have_count(1)
        shot(page, "measures-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        assert page.get_by_test_id("measures-refresh").count() == 0  # a cadre does not recompute
        response = page.goto(f"{base}/measures/employment/?area={ZX_V1 + 1}")
        assert response is not None and response.status == 404  # the township's other village
    finally:
        context.close()
