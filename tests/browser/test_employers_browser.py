"""The county's employers in a browser: the county officer registers a factory, posts its places,
and imports a second employer from a file; a bad file is refused with its row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, seed_again

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db: None) -> None:
    seed_again()


def test_a_county_officer_registers_an_employer_posts_places_and_imports_a_file(
    seeded: None, page: Any, live_server: Any, world: Any, shot: Any, tmp_path: Path
) -> None:
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "zx_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="就业帮扶").first.click()
    expect(page.get_by_test_id("employment-hub")).to_contain_text("用工单位")
    page.get_by_test_id("employment-hub").locator('a[href="/employment/employers/"]').click()
    page.get_by_test_id("employer-add").click()
    page.fill("input[name=credit_code]", "91441900MA4W123400")  # a wrong check digit
    page.fill("input[name=name]", "东莞市华宏电子有限公司")
    page.click("button.primary")
    expect(page.get_by_test_id("field-error")).to_contain_text("校验码")
    page.fill("input[name=credit_code]", "91441900MA4W123409")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("东莞市华宏电子有限公司")
    page.get_by_test_id("vacancy-add").click()
    page.fill("input[name=title]", "电子装配工")
    page.fill("input[name=headcount]", "30")
    page.select_option("select[name=location]", "out_of_province")
    page.fill("input[name=destination]", "广东省东莞市")
    page.fill("input[name=wage_min]", "4000")
    page.fill("input[name=wage_max]", "6000")
    page.fill("input[name=start]", "2026-12-01")
    page.check("input[name=housing]")
    page.click("button.primary")
    expect(page.get_by_test_id("vacancies")).to_contain_text("电子装配工")
    shot(page, "employer-detail")

    bad = tmp_path / "employers.csv"
    bad.write_text("统一社会信用代码,单位名称\n123,坏代码\n", encoding="utf-8")
    page.goto(f"{base}/employment/registers/employers/")
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_test_id("register-commit").click()
    problems = page.get_by_test_id("register-problems")
    expect(problems).to_contain_text("credit_code")
    expect(problems).to_contain_text("123")
    good = tmp_path / "good.csv"
    good.write_text("统一社会信用代码,单位名称,行业\n91500101MA5U12345B,万州大酒店,餐饮\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(good))
    page.get_by_test_id("register-commit").click()
    expect(page.get_by_test_id("register-result")).to_contain_text("新增 1")
    page.goto(f"{base}/employment/employers/")
    expect(page.get_by_test_id("employers")).to_contain_text("万州大酒店")
    shot(page, "employers")
