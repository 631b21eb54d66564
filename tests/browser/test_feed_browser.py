"""A department's feed in a real browser: the medical-insurance and emergency officer uploads the
month's alerts, sees the row about a person not registered here, commits the rest and downloads
the rows to send back; the county's sweep turns the alerts into a lead with the figures; the
village cadre finds the alert on the household's page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_import_browser import WAIT, log_in, upload, write
from tests.exchange_import.helpers import csv_bytes
from tests.personas import PASSWORD, make_id, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
B = "5306271022020102"  # 海子村


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()


def test_a_department_feed_from_upload_to_lead_and_household_page(
    seeded: None, page: Any, live_server: Any, world: Any, county: Any, worker: Any, tmp_path: Path, shot: Any
) -> None:
    from lnob.registry.models import Membership

    head = Membership.objects.get(household=county["b"], relation="head").person
    stranger = make_id("19660606", "F")
    feed = (
        "alerts.csv",
        csv_bytes(
            ["报送部门", "预警类型", "身份证号", "姓名", "发生日期", "金额", "部门业务编号"],
            [
                ["应急管理部门", "灾害损失", head.id_number, head.name, "2026-06-01", "6500", "YJ202606001"],
                ["应急管理部门", "灾害损失", stranger, "赵六", "2026-06-01", "3000", "YJ202606002"],
            ],
        ),
    )
    base = live_server.url
    worker()
    # a department officer lands on the imports page and sees no registry menus
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "zx_department")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/exchange/imports/")
    expect(page.locator("nav.menu")).not_to_contain_text("农户名册")
    page.click("nav.menu >> text=数据交换")
    expect(page.get_by_test_id("alerts-only")).to_be_visible()
    upload(page, base, write(tmp_path, feed))

    expect(page.get_by_test_id("summary")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("new-alerts")).to_have_text("1")
    expect(page.get_by_test_id("invalid-alerts")).to_have_text("1")
    errors = page.get_by_test_id("issues").locator("tbody tr.error")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("alerts.csv")
    expect(cells.nth(1)).to_have_text("3")
    expect(cells.nth(2)).to_have_text("id_number")
    expect(cells.nth(4)).to_contain_text("未登记")
    shot(page, "feed-summary")

    with page.expect_download() as info:
        page.get_by_test_id("errors-alerts").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    assert [(r["原行号"], r["身份证号"], r["姓名"]) for r in rows] == [("3", stranger, "赵六")]

    page.get_by_test_id("commit").get_by_role("button", name="只提交无误的行").click()
    expect(page.get_by_test_id("status-text"), "the commit did not finish").to_have_text(
        "已提交", timeout=WAIT
    )

    # the county's sweep reads the alert
    page.context.clear_cookies()
    log_in(page, base, "zx_admin")
    page.click("nav.menu >> text=风险排查")
    page.fill("input[name=as_of]", "2026-06-30")
    page.get_by_test_id("start-sweep").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/monitoring/sweeps/\d+/$"))
    page.get_by_test_id("hits").wait_for(timeout=20_000)
    expect(page.get_by_test_id("hits")).to_contain_text("应急管理部门报告灾害损失 1 起，共 6,500 元")

    # the village cadre of 海子村 finds it on the household's page
    page.context.clear_cookies()
    log_in(page, base, "zx_cadre2")
    page.goto(f"{base}/households/{B}/")
    alerts = page.locator("#alerts")
    expect(alerts).to_contain_text("应急管理部门")
    expect(alerts).to_contain_text("灾害损失")
    expect(alerts).to_contain_text("YJ202606001")
    expect(page.get_by_test_id("household-risk")).to_contain_text("应急管理部门报告灾害损失")
    shot(page, "household-alerts")
