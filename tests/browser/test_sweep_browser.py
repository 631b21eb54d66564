"""A county administrator starts a sweep from the screen and watches it finish; the households at
risk come with the rule and the figures; a village cadre finds their own lead and why, and not
the neighbouring village's. Then a draft policy is tried (what-if) before it is put in force."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_browser_flows import log_in
from tests.personas import ZX, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
A, B, C = "5306271022010101", "5306271022020102", "5306271022010103"


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()


def test_sweep_from_the_button_to_the_cadres_lead(
    seeded: None, page: Any, live_server: Any, world: Any, county: Any, worker: Any, shot: Any
) -> None:
    base = live_server.url
    log_in(page, base, "zx_admin")
    page.click("nav.menu >> text=风险排查")
    page.fill("input[name=as_of]", "2026-06-30")
    page.get_by_test_id("start-sweep").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/monitoring/sweeps/\d+/$"))
    assert page.get_by_test_id("progress").is_visible()  # queued: the page polls
    worker()  # the page reloads itself when the sweep is over
    page.get_by_test_id("hits").wait_for(timeout=20_000)
    hits = page.get_by_test_id("hits").inner_text()
    assert A in hits and B in hits and C not in hits
    assert "扣除刚性支出后人均 2,000 元" in hits
    assert page.get_by_test_id("flagged").inner_text() == "2"
    skipped = page.get_by_test_id("skipped").all_inner_texts()
    assert any("规则 medical_alert 未执行" in text for text in skipped) and len(skipped) == 2
    shot(page, "sweep-detail")

    page.context.clear_cookies()
    log_in(page, base, "zx_cadre1")
    page.click("nav.menu >> text=风险线索")
    leads = page.get_by_test_id("leads").inner_text()
    assert A in leads and B not in leads
    page.click(f"[data-testid=leads] >> text={A}")
    assert "6,000" in page.get_by_test_id("signals").inner_text()  # the lead, with its evidence
    page.click(f"h1 >> text={A}")  # and the household's own page says why, too
    risk = page.get_by_test_id("household-risk").inner_text()
    assert "脱贫户近 12 个月人均纯收入 6,000 元，低于监测范围 8,700 元" in risk
    shot(page, "household-risk")


def test_a_draft_is_tried_before_it_is_put_in_force(
    seeded: None, page: Any, live_server: Any, world: Any, county: Any, worker: Any
) -> None:
    base = live_server.url
    log_in(page, base, "zx_admin")
    page.goto(f"{base}/monitoring/policy/new")
    page.select_option("select[name=area_code]", str(ZX))
    page.fill("input[name=name]", "镇雄 2027 草稿")
    page.fill("input[name=effective_from]", "2027-01-01")
    page.fill("input[name=threshold_yuan]", "40000")
    page.fill("input[name=threshold_source]", "县 2027 方案（征求意见稿）")
    page.click("button.primary")
    page.wait_for_url(f"{base}/monitoring/policy/")
    row = page.locator("[data-testid=versions] tr", has_text="镇雄 2027 草稿")
    row.get_by_role("link", name="规则").click()
    page.get_by_test_id("new-rule").click()
    page.fill("input[name=code]", "big_family")
    page.fill("input[name=name_zh]", "多人口低收入")
    page.fill("input[name=name_en]", "Big family, low income")
    page.fill("textarea[name=expression]", "members >= 5 and incme < threshold")
    page.fill("input[name=explanation]", "{members} 人")
    page.fill("input[name=source]", "县 2027 方案")
    page.click("button.primary")
    error = page.inner_text(".field:has(textarea[name=expression]) [data-testid=field-error]")
    assert "未知字段：incme" in error
    page.fill("textarea[name=expression]", "members >= 5 and income_per_capita < threshold")
    page.click("button.primary")
    assert "big_family" in page.get_by_test_id("version-rules").inner_text()
    page.get_by_test_id("what-if").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/monitoring/sweeps/\d+/$"))
    worker()
    page.get_by_test_id("added").wait_for(timeout=20_000)
    assert C in page.get_by_test_id("added").inner_text()
    assert page.get_by_test_id("dropped").inner_text().strip() == "—"
