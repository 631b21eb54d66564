"""The posts API (/api/v1/employment/posts/): posts, the eligibility check, agreements, monthly
attendance and payments. 404 outside the caller's areas; 422 with {field, value, message} when a
write is refused."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from lnob.employment.posts.models import Agreement, Attendance
from tests.personas import ZX_V1

API = "/api/v1/employment/posts"
D = dt.date


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_post_is_set_up_read_and_listed_and_a_bad_one_refused(world):
    c = client(world.zx_township)
    body = {
        "village": ZX_V1, "title": "护林员", "post_type": "ordinary", "monthly_pay": "500",
        "hours_per_month": 80, "places": 2, "funding": "linkage_funds", "opened_on": "2026-01-01",
    }  # fmt: skip
    made = c.post(f"{API}/posts", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["code"] == f"GY{ZX_V1}001" and made.json()["filled"] == 0
    assert c.get(f"{API}/posts/{made.json()['id']}").json()["village_name"] == "泼机村"
    listed = c.get(f"{API}/posts?village={ZX_V1}").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "护林员"
    refused = c.post(
        f"{API}/posts", body | {"title": "保洁员", "monthly_pay": "700"}, content_type="application/json"
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert (detail["field"], detail["value"]) == ("monthly_pay", "700")
    assert detail["message"].startswith("月补贴不能高于规则")


def test_eligibility_is_checked_then_an_agreement_signed_and_an_ineligible_one_refused(world, people, post):
    c = client(world.zx_township)
    check = c.get(f"{API}/posts/{post.pk}/eligibility?id_number={people['zhao'].id_number}&start=2026-03-01")
    assert check.status_code == 200 and check.json()["eligible"] is False
    assert [x["key"] for x in check.json()["checks"] if not x["ok"]] == ["age"]
    assert check.json()["rule"]["area_code"] == 0
    body = {
        "post": post.pk,
        "id_number": people["zhao"].id_number,
        "start": "2026-03-01",
        "end": "2027-02-28",
    }
    refused = c.post(f"{API}/agreements", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "person"
    assert "年龄 16–60 岁" in refused.json()["detail"][0]["message"]
    signed = c.post(
        f"{API}/agreements", body | {"id_number": people["wang"].id_number}, content_type="application/json"
    )
    assert signed.status_code == 201 and signed.json()["name"] == "王秀英" and signed.json()["spell"]
    pk = signed.json()["id"]
    ended = c.post(
        f"{API}/agreements/{pk}/end",
        {"ended_on": "2026-10-31", "reason": "expired"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-10-31"


def test_attendance_is_recorded_read_and_paid(world, people, post):
    agreement = (
        client(world.zx_township)
        .post(
            f"{API}/agreements",
            {
                "post": post.pk,
                "id_number": people["wang"].id_number,
                "start": "2026-03-01",
                "end": "2027-02-28",
            },
            content_type="application/json",
        )
        .json()
    )
    cadre = client(world.zx_cadre1)
    body = {"agreement": agreement["id"], "month": "2026-10-01", "days_worked": 20, "hours_worked": "40"}
    made = cadre.post(f"{API}/attendance", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["pay_due"] == "250.00"
    bad = cadre.post(f"{API}/attendance", body | {"month": "2026-01-01"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "month"
    sheet = cadre.get(f"{API}/attendance?village={ZX_V1}&month=2026-10-01").json()
    assert sheet[0]["covered_days"] == 31 and sheet[0]["attendance"]["hours_worked"] == "40.0"
    pay = f"{API}/attendance/{made.json()['id']}/pay"
    assert cadre.post(pay, {"paid_on": "2026-11-10"}, content_type="application/json").status_code == 404
    paid = client(world.zx_admin).post(pay, {"paid_on": "2026-11-10"}, content_type="application/json")
    assert paid.status_code == 200 and paid.json()["paid_amount"] == "250.00"
    assert Attendance.objects.get().paid_on == D(2026, 11, 10)


def test_another_county_gets_404_for_everything_of_zhenxiong(world, people, post):
    client(world.zx_township).post(
        f"{API}/agreements",
        {"post": post.pk, "id_number": people["wang"].id_number, "start": "2026-03-01", "end": "2027-02-28"},
        content_type="application/json",
    )
    agreement = Agreement.objects.get()
    wz = client(world.wz_admin)
    assert wz.get(f"{API}/posts").json()["count"] == 0
    assert wz.get(f"{API}/posts/{post.pk}").status_code == 404
    assert wz.get(f"{API}/agreements/{agreement.pk}").status_code == 404
    assert wz.get(f"{API}/attendance?village={ZX_V1}&month=2026-10-01").status_code == 404
    assert (
        wz.get(f"{API}/posts/{post.pk}/eligibility?id_number={people['wang'].id_number}").status_code == 404
    )
    signed = wz.post(
        f"{API}/agreements",
        {"post": post.pk, "id_number": people["liu"].id_number, "start": "2026-03-01", "end": "2027-02-28"},
        content_type="application/json",
    )
    assert signed.status_code == 404
    assert Client().get(f"{API}/posts").status_code == 401
