"""In a real browser: the export links take the filters the cadre has just chosen, even though
filtering swaps only the rows (htmx) and not the links."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.personas import PASSWORD, ZX_V1, make_household, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_link_follows_the_filters_chosen_after_loading(page, live_server, world, households):
    make_household(world.zx_cadre1, ZX_V1, "5306271022010009", head=person(name="一般户"))
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "zx_township")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/households/")
    page.select_option("select[name=status]", "out_of_poverty")  # htmx swaps the rows
    page.wait_for_function("document.querySelectorAll('[data-testid=household-rows] tbody tr').length === 1")
    with page.expect_download() as info:
        page.click("[data-testid=exports] >> text=导出 CSV")
    data: Any = Path(info.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [households["v1"].number]
