"""The main screen flows in a real browser: log in, search, open a household, see a person,
reveal sensitive fields (audited), switch language, and a phone-sized screen."""

import datetime as dt
import re
from typing import Any

import pytest
from auditlog.models import LogEntry

from lnob.registry import services
from lnob.registry.models import Membership
from tests.personas import PASSWORD, make_id, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_cadre_logs_in_searches_and_opens_a_household(page, live_server, world, households, shot):
    hh = households["v1"]
    services.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("19850303", "F", "刘芳"),
        relation="spouse",
        joined=dt.date(2020, 1, 1),
    )
    log_in(page, live_server.url, "zx_cadre1")
    assert "泼机村" in page.inner_text("main")

    page.click("nav.menu >> text=农户名册")
    page.fill("input[name=q]", "刘芳")
    page.click("form.filters button.primary")
    page.wait_for_selector(f"[data-testid=household-rows] >> text={hh.number}")
    rows = page.locator("[data-testid=household-rows] tbody tr")
    assert rows.count() == 1

    page.click(f"text={hh.number}")
    page.wait_for_url(re.compile(rf"/households/{hh.number}/"))
    members = page.inner_text("[data-testid=members]")
    assert "刘芳" in members and "配偶" in members
    assert page.inner_text("[data-testid=household-status]").startswith("脱贫户")
    shot(page, "household-desktop")


def test_household_as_of_an_earlier_date(page, live_server, world, households):
    hh = households["v1"]
    services.member_add(
        actor=world.zx_cadre1,
        household=hh,
        person=person("20220505", "M", "小宝"),
        relation="child",
        joined=dt.date(2022, 5, 5),
        join_reason="birth",
    )
    log_in(page, live_server.url, "zx_cadre1")
    page.goto(f"{live_server.url}/households/{hh.number}/?as_of=2021-01-01")
    assert "小宝" not in page.inner_text("[data-testid=members]")
    page.fill("input[name=as_of]", "2023-01-01")
    page.click("text=查看 >> nth=-1")
    assert "小宝" in page.inner_text("[data-testid=members]")


def test_cadre_reveals_an_id_number_and_the_view_is_audited(page, live_server, world, households, shot):
    head = Membership.objects.get(household=households["v1"], relation="head").person
    log_in(page, live_server.url, "zx_cadre1")
    page.goto(f"{live_server.url}/persons/{head.pk}/")
    assert head.id_number not in page.inner_text("[data-testid=id-number]")
    page.click("[data-testid=reveal]")
    page.wait_for_selector(f"[data-testid=id-number] >> text={head.id_number}")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=world.zx_cadre1).count() == 1
    shot(page, "person-revealed")


def test_other_county_gets_not_found(page, live_server, world, households):
    log_in(page, live_server.url, "wz_admin")
    response = page.goto(f"{live_server.url}/households/{households['v1'].number}/")
    assert response is not None and response.status == 404


def test_switching_language_to_english_and_back(page, live_server, world, households):
    log_in(page, live_server.url, "zx_admin")
    page.goto(f"{live_server.url}/households/")
    assert page.inner_text("h1") == "农户名册"
    page.select_option("select[name=language]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.inner_text("h1") == "Households"
    assert "Audit log" in page.inner_text("nav.menu")
    page.select_option("select[name=language]", "zh-hans")
    page.wait_for_function("document.documentElement.lang === 'zh-hans'")
    assert page.inner_text("h1") == "农户名册"


def test_bad_id_on_the_registration_form_is_shown_on_its_field(page, live_server, world, shot):
    log_in(page, live_server.url, "zx_cadre1")
    page.goto(f"{live_server.url}/households/new/")
    good = make_id()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    page.fill("input[name=number]", "B-0001")
    page.fill("input[name=id_number]", bad)
    page.fill("input[name=name]", "吴九")
    page.click("button.primary")
    error = page.inner_text(".field:has(input[name=id_number]) [data-testid=field-error]")
    assert bad in error and "校验码" in error
    shot(page, "form-error")


def test_phone_sized_screen_stacks_the_household_list(browser, live_server, world, households, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, "zx_admin")
    page.goto(f"{live_server.url}/households/")
    cell = page.locator("[data-testid=household-rows] tbody td").first
    box = cell.bounding_box()
    assert box is not None and box["width"] > 300, "cells should stack full-width on a phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "households-phone")
    context.close()


def test_county_admin_drills_down_from_county_to_village(page, live_server, world, households):
    log_in(page, live_server.url, "zx_admin")
    page.click("text=镇雄县")
    page.wait_for_selector("h1 >> text=镇雄县")
    page.click("table.list >> text=泼机镇")
    page.wait_for_selector("h1 >> text=泼机镇")
    assert "镇雄县" in page.inner_text("nav.crumbs")
    page.click("table.list >> text=海子村")
    page.click("text=查看农户")
    rows = page.inner_text("[data-testid=household-rows]")
    assert households["v2"].number in rows and households["v1"].number not in rows


def test_auditor_browses_the_audit_trail_filtered_by_user(page, live_server, world, households):
    log_in(page, live_server.url, "zx_auditor")
    page.click("nav.menu >> text=审计日志")
    page.fill("input[name=actor]", "zx_cadre2")
    page.click("form.filters button.primary")
    page.wait_for_url(re.compile(r"actor=zx_cadre2"))
    rows = page.inner_text("[data-testid=audit-rows]")
    assert households["v2"].number in rows and households["v1"].number not in rows
