"""A county administrator sets the county's monitoring threshold in the app and sees it in force,
with its source; the neighbouring county does not."""

from typing import Any

import pytest

from tests.browser.test_browser_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_admin_sets_the_threshold_and_sees_it_in_force(
    page: Any, live_server: Any, world: Any, shot: Any
) -> None:
    log_in(page, live_server.url, "zx_admin")
    page.click("nav.menu >> text=监测政策")
    page.click("[data-testid=new-policy]")
    page.fill("input[name=name]", "镇雄县 2026 年监测范围")
    page.fill("input[name=effective_from]", "2026-01-01")
    page.fill("input[name=threshold_yuan]", "9100")
    page.click("button.primary")  # no source: refused on its field
    assert "依据" in page.inner_text(".field:has(input[name=threshold_source]) [data-testid=field-error]")
    page.fill("input[name=threshold_source]", "镇雄县 2026 年 1 号文")
    page.check("input[name=activate]")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/monitoring/policy/")
    row = page.locator("[data-testid=in-force] tr[data-field=threshold_yuan]").first
    assert "9100" in row.inner_text() and "1 号文" in row.inner_text()
    shot(page, "policy-in-force")

    page.context.clear_cookies()
    log_in(page, live_server.url, "wz_admin")
    page.goto(f"{live_server.url}/monitoring/policy/")
    assert "镇雄县 2026" not in page.content()
