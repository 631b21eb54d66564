"""A lead carried through every step of identification in the browser, each step by its own level:
the village cadre (visit, comparison, review, notice), the township officer, the county
administrator; a step by the wrong level is not offered, and the notice shows no private data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lnob.monitoring.models import Case, Lead
from lnob.monitoring.sweeps import sweep_create, sweep_run
from tests.browser.test_browser_flows import log_in
from tests.monitoring.helpers import reviewed_a_week_ago
from tests.personas import ZX, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
A = "5306271022010101"


@pytest.fixture
def lead(transactional_db: None, world: Any, county: Any) -> Lead:
    seed_again()
    as_of = dt.date(2026, 6, 30)
    sweep = sweep_create(actor=None, county_code=ZX, as_of=as_of, trigger="command", enqueue=False)
    sweep_run(sweep)
    return Lead.objects.get(household__number=A)


def _step(page: Any, action: str, comment: str, **fields: str) -> None:
    form = page.get_by_test_id(f"step-{action}")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("textarea[name=comment]").fill(comment)
    form.get_by_test_id(f"do-{action}").click()
    page.wait_for_load_state()


def test_a_lead_through_every_step(page: Any, live_server: Any, world: Any, lead: Lead, shot: Any) -> None:
    base = live_server.url
    today = timezone.localdate()
    log_in(page, base, "zx_cadre1")
    page.click("nav.menu >> text=风险线索")
    page.click(f"[data-testid=leads] >> text={A}")
    assert "6,000" in page.get_by_test_id("signals").inner_text()
    page.get_by_test_id("accept").click()  # no comment: refused on its field
    assert page.get_by_test_id("accept-form").get_by_test_id("field-error").is_visible()
    page.get_by_test_id("accept-form").locator("textarea[name=comment]").fill("核实收入情况")
    page.get_by_test_id("accept").click()
    page.get_by_test_id("case-state").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "待入户核实"
    assert page.get_by_test_id("step-township_review").count() == 0  # not the village's step
    _step(page, "visit", "入户核实，户主签字授权", authorisation_signed_on=today.isoformat())
    _step(page, "compare", "与医保、社保数据比对一致")
    _step(page, "village_review", "村民代表会议评议通过")
    reviewed_a_week_ago(Case.objects.get(household__number=A))  # the notice went up a week ago
    _step(page, "post_notice", "村务公开栏公示", notice_start=(today - dt.timedelta(days=6)).isoformat())
    assert page.get_by_test_id("case-state").inner_text() == "公示中"
    with page.expect_popup() as popup:
        page.get_by_test_id("notice-link").click()
    notice = popup.value
    notice.wait_for_load_state()
    assert A in notice.content() and "拟纳入防止返贫监测对象公示" in notice.content()
    shot(notice, "case-notice")
    notice.close()

    page.context.clear_cookies()
    log_in(page, base, "zx_township")
    page.click("nav.menu >> text=认定案件")
    page.click(f"[data-testid=cases] >> text={A}")
    assert page.get_by_test_id("step-approve").count() == 0
    _step(page, "township_review", "乡镇审核同意")

    page.context.clear_cookies()
    log_in(page, base, "zx_admin")
    page.click("nav.menu >> text=认定案件")
    page.click(f"[data-testid=cases] >> text={A}")
    form = page.get_by_test_id("step-approve")
    form.locator("select[name=category]").select_option("unstable_out_of_poverty")
    form.locator("input[name=risk_types][value=illness]").check()
    _step(page, "approve", "县级审定，纳入监测")
    assert page.get_by_test_id("case-state").inner_text() == "县级已审定"
    assert page.get_by_test_id("category").inner_text() == "脱贫不稳定户"
    assert len(page.get_by_test_id("events").locator("tbody tr").all()) == 7
    shot(page, "case-approved")

    # the assistance plan: a household able to work may get a job referral
    plan = page.get_by_test_id("measure-form")
    plan.locator("select[name=type]").select_option("job_referral")
    plan.locator("input[name=start]").fill(today.isoformat())
    plan.locator("input[name=responsible]").fill("泼机村张书记")
    plan.get_by_test_id("add-measure").click()
    page.get_by_test_id("measure-active").click()
    assert page.get_by_test_id("measure-status").inner_text() == "落实中"

    # risk elimination: the conditions, each with its figures (income is still below the range)
    page.click(f"h1 >> text={A}")
    page.get_by_test_id("elimination-link").click()
    income = page.locator("[data-testid=conditions] tr[data-condition=income]").inner_text()
    assert "不满足" in income and "8,700" in income
    assert page.get_by_test_id("propose-form").count() == 0

    page.click("nav.menu >> text=监测总览")
    assert page.get_by_test_id("total-monitored").inner_text() == "1"
    page.locator("[data-testid=chart-category] svg").first.wait_for()
    assert "脱贫不稳定户" in page.get_by_test_id("chart-category").inner_text()
    page.locator("[data-testid=chart-trend] svg").first.wait_for()
    shot(page, "dashboard")
