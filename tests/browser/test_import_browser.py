"""The import screens in a real browser: upload, watch the progress box turn into the dry-run
summary (htmx polling, then a full reload), commit, download the error file; and a cadre of the
neighbouring village who opens the batch's address gets "not found".

The background tasks run in a worker thread started by the test (`lnob serve` runs one beside the
web server in the same way); it is started only once the progress box has been seen, so the box is
always there to be seen, however fast the validation is.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.exchange_import.helpers import households_csv, persons_csv, validated
from tests.personas import PASSWORD, ZX_V1, make_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 10_000  # ms: a step of the worker (poll, validate or commit) and the page's 1 s polling


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def write(folder: Path, *files: tuple[str, bytes]) -> list[str]:
    paths = []
    for name, data in files:
        (folder / name).write_bytes(data)
        paths.append(str(folder / name))
    return paths


def family(number: str, *, bad_child: bool = False) -> list[tuple[str, bytes]]:
    child = make_id("20050101", "F")
    if bad_child:  # the check digit changed, so it no longer matches
        child = child[:-1] + ("0" if child[-1] != "0" else "1")
    return [
        households_csv([number, ZX_V1, "ordinary", None, "是"]),
        persons_csv(
            [make_id("19750304", "M"), "王大山", number, "head", "2015-01-01", "13800000001"],
            [child, "王小花", number, "child", "2015-01-01", ""],
        ),
    ]


def upload(page: Any, base: str, paths: list[str]) -> None:
    """From the menu to the upload form; the browser lands on the new batch's page."""
    page.click("nav.menu >> text=数据交换")
    page.get_by_test_id("imports-link").click()
    page.wait_for_url(f"{base}/exchange/imports/")
    form = page.get_by_test_id("upload")
    form.locator("input[type=file][name=files]").set_input_files(paths)
    form.get_by_role("button", name="上传并校验").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/exchange/imports/\d+/$"))


def test_cadre_uploads_sees_the_summary_commits_and_finds_the_household(
    page, live_server, world, worker, tmp_path, shot
):
    number = "5306271022010903"
    base = live_server.url
    log_in(page, base, "zx_cadre1")
    upload(page, base, write(tmp_path, *family(number)))

    # the worker is not running yet: the batch waits in the queue and the page polls
    progress = page.get_by_test_id("progress")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("排队中")
    expect(progress).to_contain_text("等待后台任务开始")
    expect(page.get_by_test_id("summary")).to_have_count(0)
    shot(page, "import-progress")

    worker()  # the page reloads by itself once the validation is over
    summary = page.get_by_test_id("summary")
    expect(summary).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("progress")).to_have_count(0)
    expect(page.get_by_test_id("status-text")).to_have_text("已校验，待提交")
    expect(page.get_by_test_id("new-households")).to_have_text("1")
    expect(page.get_by_test_id("new-persons")).to_have_text("2")
    expect(page.get_by_test_id("invalid-households")).to_have_text("0")
    expect(page.get_by_test_id("invalid-persons")).to_have_text("0")
    expect(page.get_by_test_id("issues").locator("tbody")).to_contain_text("没有问题")
    expect(page.locator("[data-testid^=errors-]")).to_have_count(0)
    commit = page.get_by_test_id("commit")
    expect(commit.locator("button[value=valid_only]")).to_have_count(0)
    shot(page, "import-summary")

    commit.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_test_id("status-text"), "the commit did not finish").to_have_text(
        "已提交", timeout=WAIT
    )
    expect(page.get_by_test_id("status")).to_contain_text("zx_cadre1")
    expect(page.get_by_test_id("commit")).to_have_count(0)
    shot(page, "import-committed")

    response = page.goto(f"{base}/households/{number}/")
    assert response is not None and response.status == 200
    members = page.get_by_test_id("members")
    expect(members).to_contain_text("王大山")
    expect(members).to_contain_text("王小花")


def test_bad_check_digit_is_shown_and_the_error_file_holds_the_row(
    page, live_server, world, worker, tmp_path, shot
):
    number = "5306271022010904"
    files = family(number, bad_child=True)
    bad_id = list(csv.reader(io.StringIO(files[1][1].decode("utf-8-sig"))))[2][0]
    base = live_server.url
    worker()
    log_in(page, base, "zx_cadre1")
    upload(page, base, write(tmp_path, *files))

    expect(page.get_by_test_id("summary")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("new-households")).to_have_text("1")
    expect(page.get_by_test_id("invalid-households")).to_have_text("0")
    expect(page.get_by_test_id("invalid-persons")).to_have_text("1")
    expect(page.get_by_test_id("invalid-persons")).to_have_class(re.compile(r"\berror\b"))

    errors = page.get_by_test_id("issues").locator("tbody tr.error")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("persons.csv")
    expect(cells.nth(1)).to_have_text("3")
    expect(cells.nth(2)).to_have_text("id_number")
    expect(cells.nth(3)).not_to_have_text(bad_id)  # masked on the screen
    expect(cells.nth(4)).to_contain_text("身份证号")

    commit = page.get_by_test_id("commit")
    expect(commit.get_by_role("button", name="只提交无误的行")).to_be_visible()
    expect(commit.locator("button[value=all]")).to_have_count(0)
    expect(commit.get_by_role("button", name="提交", exact=True)).to_have_count(0)
    shot(page, "import-errors")

    with page.expect_download() as info:
        page.get_by_test_id("errors-persons").click()
    download = info.value
    assert download.suggested_filename.endswith("-persons-errors.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 1, rows
    [row] = rows
    assert row["原行号"] == "3"
    assert row["id_number"] == bad_id and row["name"] == "王小花"
    assert "身份证号" in row["错误：id_number"]


def test_cadre_of_the_other_village_gets_not_found_for_the_batch(browser, page, live_server, world, data_dir):
    batch = validated(world.zx_cadre1, *family("5306271022010905", bad_child=True))
    url = f"{live_server.url}/exchange/imports/{batch.pk}/"

    # the uploader sees the batch at this address...
    own = browser.new_context(locale="zh-CN")
    try:
        mine = own.new_page()
        log_in(mine, live_server.url, "zx_cadre1")
        response = mine.goto(url)
        assert response is not None and response.status == 200
        expect(mine.get_by_test_id("summary")).to_contain_text("persons.csv")
    finally:
        own.close()

    # ...the cadre of the neighbouring village does not, nor its error file
    log_in(page, live_server.url, "zx_cadre2")
    response = page.goto(url)
    assert response is not None and response.status == 404
    text = page.inner_text("body")
    assert "persons.csv" not in text and "王小花" not in text
    response = page.goto(f"{url}errors/persons")
    assert response is not None and response.status == 404
