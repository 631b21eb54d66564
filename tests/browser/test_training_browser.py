"""Skills training on a phone (390 × 844): a township officer enrols a villager by resident ID,
takes the day's attendance with taps at the training site, and ends the course; the county
administrator then pays the living allowance the rule computes, on a desktop."""

from __future__ import annotations

import datetime as dt
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
    importlib.import_module("lnob.employment.training.migrations.0002_seed_policy").seed(apps, None)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_an_officer_runs_a_course_on_a_phone_and_the_county_pays_the_allowance(
    seeded: None, browser: Any, live_server: Any, world: Any, households: Any, shot: Any
) -> None:
    from decimal import Decimal

    from lnob.areas.models import Area
    from lnob.employment.training import services
    from lnob.employment.training.models import AllowancePayment, Attendance, Enrolment
    from lnob.registry.models import Membership

    trainee = Membership.objects.get(household=households["v1"], relation="head").person
    course = services.course_create(
        actor=world.zx_township, area=Area.objects.get(code=530627102000), title="中式烹调师培训班",
        skill="中式烹调师", provider="镇雄县职业技术学校", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 4),
        hours=32, cost_per_trainee=Decimal("1800"), places=20, status="running",
    )  # fmt: skip
    base = live_server.url
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    try:
        _login(page, base, "zx_township")
        page.goto(f"{base}/employment/training/")
        page.get_by_role("link", name="中式烹调师培训班").tap()
        page.fill("input[name=id_number]", "530627199001011234")  # nobody registered
        page.get_by_role("button", name="报名", exact=True).tap()
        expect(page.get_by_test_id("field-error")).to_contain_text("此人未登记或不在您的管辖范围内")
        page.fill("input[name=id_number]", trainee.id_number)
        page.get_by_role("button", name="报名", exact=True).tap()
        expect(page.get_by_test_id("enrolment-row")).to_contain_text(trainee.name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        shot(page, "training-course-phone")

        for day in ("2026-09-01", "2026-09-02", "2026-09-03", "2026-09-04"):
            page.goto(f"{base}/employment/training/courses/{course.pk}/attendance/?day={day}")
            row = page.get_by_test_id("attendance-row").filter(has_text=trainee.name)
            box = row.bounding_box()
            assert box is not None and box["height"] >= 44  # a thumb-sized row
            row.locator("label.toggle").tap()  # one tap marks present
            page.get_by_test_id("attendance-save").tap()
            expect(page.get_by_test_id("attendance-count")).to_contain_text("出勤 1 / 1 人")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "training-attendance-phone")
        assert Attendance.objects.filter(enrolment__course=course).count() == 4

        page.goto(f"{base}/employment/training/courses/{course.pk}/")
        page.get_by_role("button", name="结业：出勤达标的学员全部结业").tap()
        expect(page.get_by_test_id("completed")).to_contain_text("2026-09-04")
    finally:
        phone.close()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        _login(page, base, "zx_admin")
        enrolment = Enrolment.objects.get(course=course)
        page.goto(f"{base}/employment/training/enrolments/{enrolment.pk}/")
        expect(page.get_by_test_id("allowance-rule")).to_contain_text("培训期间生活费补贴")
        expect(page.get_by_test_id("due-total")).to_contain_text("100.00")
        page.fill("input[name=amount]", "120")
        page.fill("input[name=reference]", "PZ2026-001")
        page.get_by_role("button", name="登记发放").click()
        expect(page.get_by_test_id("field-error")).to_contain_text("超过应发金额")
        page.fill("input[name=amount]", "100")
        page.get_by_role("button", name="登记发放").click()
        expect(page.get_by_test_id("due-outstanding")).to_contain_text("0.00")
        assert AllowancePayment.objects.get().amount == Decimal("100")
        shot(page, "training-enrolment-paid")
    finally:
        desk.close()
