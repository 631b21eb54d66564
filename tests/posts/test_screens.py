"""The screens: posts by village, a post with its agreements, the eligibility check and the sign
form, an agreement with its months, the village's attendance sheet. Another county sees nothing
(404 for a detail); a refused input shows the reason; list screens do not grow with rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.employment.posts import services
from lnob.employment.posts.models import Agreement, Attendance, Post
from tests.personas import ZX_V1, ZX_V2
from tests.posts.conftest import make_post

D = dt.date


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def agreement(world, people, post):
    return services.agreement_sign(
        actor=world.zx_township, post=post, person=people["wang"], start=D(2026, 3, 1), end=D(2027, 2, 28)
    )


def test_posts_are_listed_by_village_with_the_rule_and_its_source(world, agreement):
    make_post(world.zx_township, village=ZX_V2, title="护林员")
    page = client(world.zx_cadre1).get(f"/employment/posts/?village={ZX_V1}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "保洁员" in text and "1 / 2" in text and "护林员" not in text  # 海子村's post is not 泼机村's
    assert "公益性岗位默认规则" in text and "guantao.gov.cn" in text
    township = client(world.zx_township).get("/employment/posts/").content.decode()
    assert "护林员" in township and "新设岗位" in township


def test_another_county_sees_no_post_agreement_or_sheet(world, agreement):
    wz = client(world.wz_admin)
    assert "保洁员" not in wz.get("/employment/posts/").content.decode()
    assert wz.get(f"/employment/posts/{agreement.post_id}/").status_code == 404
    assert wz.get(f"/employment/posts/agreements/{agreement.pk}/").status_code == 404
    assert wz.get(f"/employment/posts/attendance/?village={ZX_V1}&month=2026-10").status_code == 404
    assert wz.get(f"/employment/posts/{agreement.post_id}/sign/").status_code == 404
    assert client(world.zx_cadre1).get(f"/employment/posts/{agreement.post_id}/sign/").status_code == 404


def test_a_post_set_up_on_screen_and_one_refused_with_the_rule_named(world):
    c = client(world.zx_township)
    form = c.get(f"/employment/posts/new/?village={ZX_V1}").content.decode()
    assert "公益性岗位默认规则" in form and "500" in form and "550" in form
    data = {
        "village": ZX_V1, "title": "护林员", "post_type": "ordinary", "monthly_pay": "650",
        "hours_per_month": "80", "places": "2", "funding": "linkage_funds", "opened_on": "2026-01-01",
    }  # fmt: skip
    refused = c.post("/employment/posts/new/", data)
    assert refused.status_code == 200 and "月补贴不能高于规则“公益性岗位默认规则" in refused.content.decode()
    assert not Post.objects.exists()
    done = c.post("/employment/posts/new/", data | {"monthly_pay": "500"})
    post = Post.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/employment/posts/{post.pk}/"


def test_the_sign_screen_finds_the_person_shows_each_criterion_and_signs(world, people, post):
    c = client(world.zx_township)
    found = c.get(f"/employment/posts/{post.pk}/sign/?q=王秀").content.decode()
    assert "王秀英" in found and people["wang"].id_number not in found  # the ID is masked
    page = c.get(
        f"/employment/posts/{post.pk}/sign/?person={people['wang'].pk}&start=2026-03-01"
    ).content.decode()
    assert (
        "符合条件" in page
        and "✓ 年龄 16–60 岁：55 岁" in page
        and "✓ 农户属性为脱贫户或监测对象：脱贫户" in page
    )
    signed = c.post(
        f"/employment/posts/{post.pk}/sign/",
        {"person": people["wang"].pk, "start": "2026-03-01", "end": "2027-02-28", "monthly_pay": "500"},
    )
    agreement = Agreement.objects.get()
    assert signed.status_code == 302 and signed["Location"] == f"/employment/posts/agreements/{agreement.pk}/"
    detail = c.get(signed["Location"]).content.decode()
    assert "公益性岗位 · 2026-03-01 至今" in detail and "签订时的资格审核" in detail


def test_signing_an_ineligible_person_on_screen_names_the_failed_criterion(world, people, post):
    c = client(world.zx_township)
    page = c.get(f"/employment/posts/{post.pk}/sign/?person={people['li'].pk}").content.decode()
    assert "不符合条件" in page and "✗ 劳动能力为弱劳动力或半劳动力：有劳动能力" in page
    refused = c.post(
        f"/employment/posts/{post.pk}/sign/",
        {"person": people["li"].pk, "start": "2026-03-01", "end": "2027-02-28"},
    )
    assert refused.status_code == 422
    assert "不符合公益性岗位条件“劳动能力为弱劳动力或半劳动力”：有劳动能力" in refused.content.decode()
    assert not Agreement.objects.exists()


def test_the_sheet_records_a_month_in_place_and_shows_the_pay_due_or_the_reason(world, agreement):
    c = client(world.zx_cadre1)
    sheet = c.get(f"/employment/posts/attendance/?village={ZX_V1}&month=2026-10").content.decode()
    assert "王秀英" in sheet and "本月协议内 31 天" in sheet and "已登记 0 / 1 人" in sheet
    url = f"/employment/posts/attendance/{agreement.pk}/"
    row = c.post(url, {"month": "2026-10", "days_worked": "22", "hours_worked": "60"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "应发 375.00 元" in row.content.decode()
    bad = c.post(url, {"month": "2026-10", "days_worked": "-2", "hours_worked": "60"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "不能为负数" in bad.content.decode()  # the card shows the reason
    outside = c.post(
        url, {"month": "2026-01", "days_worked": "2", "hours_worked": "6"}, HTTP_HX_REQUEST="true"
    )
    assert outside.status_code == 422 and "该月不在协议期内" in outside.content.decode()
    assert Attendance.objects.get().pay_due == Decimal("375.00")


def test_the_county_pays_from_the_sheet_and_the_cadre_cannot(world, agreement):
    month = services.attendance_record(
        actor=world.zx_cadre1,
        agreement=agreement,
        month=D(2026, 10, 1),
        days_worked=22,
        hours_worked=Decimal(80),
    )
    url = f"/employment/posts/attendance/pay/{month.pk}/"
    assert client(world.zx_cadre1).post(url, {"paid_on": "2026-11-10"}).status_code == 404
    admin = client(world.zx_admin)
    sheet = admin.get(f"/employment/posts/attendance/?village={ZX_V1}&month=2026-10").content.decode()
    assert "发放 500.00 元" in sheet
    row = admin.post(url, {"paid_on": "2026-11-10"}, HTTP_HX_REQUEST="true")
    assert "已发放 500.00 元（2026-11-10）" in row.content.decode()


def test_an_agreement_is_ended_on_screen_and_a_bad_date_shows_the_reason(world, agreement):
    c = client(world.zx_township)
    url = f"/employment/posts/agreements/{agreement.pk}/end/"
    bad = c.post(url, {"ended_on": "2026-01-31", "reason": "resigned"})
    assert bad.status_code == 422 and "结束日期应在协议期内" in bad.content.decode()
    assert c.post(url, {"ended_on": "2026-10-31", "reason": "resigned"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.ended_on == D(2026, 10, 31) and agreement.spell.end == D(2026, 10, 31)


def _queries(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_the_sheet_do_not_grow_with_rows(world, people, agreement):
    c = client(world.zx_admin)
    posts = _queries(c, "/employment/posts/")
    sheet_url = f"/employment/posts/attendance/?village={ZX_V1}&month=2026-10"
    services.attendance_record(
        actor=world.zx_cadre1,
        agreement=agreement,
        month=D(2026, 10, 1),
        days_worked=22,
        hours_worked=Decimal(80),
    )
    sheet = _queries(c, sheet_url)
    for i in range(5):
        make_post(world.zx_admin, title=f"保洁员{i}")
    other = make_post(world.zx_admin, title="护林员")
    from tests.personas import make_household, person
    from tests.posts.conftest import head

    for i in range(3):
        data = person("19720101", "F", f"某{i}", health="chronic")
        number = f"53062710220103{i:02d}"
        household = make_household(
            world.zx_cadre1, ZX_V1, number, head=data, status="out_of_poverty", left_poverty_year=2019
        )
        a = services.agreement_sign(
            actor=world.zx_admin, post=other if i < 2 else agreement.post, person=head(household),
            start=D(2026, 9, 1), end=D(2026, 12, 31),
        )  # fmt: skip
        services.attendance_record(
            actor=world.zx_cadre1, agreement=a, month=D(2026, 10, 1), days_worked=20, hours_worked=Decimal(80)
        )
    assert _queries(c, "/employment/posts/") == posts
    assert _queries(c, sheet_url) == sheet
    assert sheet <= 12


def test_a_post_is_withdrawn_on_screen_and_a_bad_date_shows_the_reason(world):
    post = make_post(world.zx_township, title="护路员")
    c = client(world.zx_township)
    url = f"/employment/posts/{post.pk}/close/"
    page = c.post(url, {"closed_on": "2025-12-31"}, follow=True).content.decode()
    assert "撤销日期不能早于设岗日期" in page
    post.refresh_from_db()
    assert post.status == "open"
    assert "岗位已撤销" in c.post(url, {"closed_on": "2026-10-01"}, follow=True).content.decode()
    post.refresh_from_db()
    assert (post.status, post.closed_on) == ("closed", D(2026, 10, 1))
    assert client(world.zx_cadre1).post(url, {"closed_on": "2026-10-01"}).status_code == 404
