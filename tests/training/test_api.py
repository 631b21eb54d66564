"""The training API (/api/v1/employment/training/): reads scoped like the screens (404 outside
one's areas), writes refused with 422 and {field, value, message}."""

from __future__ import annotations

import json

from lnob.registry import services as registry
from tests.personas import ZX_TOWN, person

from .conftest import END, START, login

BASE = "/api/v1/employment/training"


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_a_course_is_created_listed_and_read_with_its_rule(world):
    c = login(world.zx_township)
    body = {
        "area": ZX_TOWN, "title": "电工培训班", "skill": "电工", "provider": "县职校", "start": "2026-09-01",
        "end": "2026-09-10", "hours": 80, "cost_per_trainee": "2400", "places": 20,
    }  # fmt: skip
    created = post(c, f"{BASE}/courses", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    listed = c.get(f"{BASE}/courses").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "电工培训班"
    detail = c.get(f"{BASE}/courses/{pk}").json()
    assert detail["rule"]["params"]["per_day_offline"] == "25" and "heetzguy" in detail["rule"]["source"]
    assert login(world.wz_admin).get(f"{BASE}/courses/{pk}").status_code == 404
    assert login(world.wz_admin).get(f"{BASE}/courses").json()["count"] == 0


def test_a_refused_course_answers_422_with_field_value_and_message(world):
    c = login(world.zx_township)
    bad = {
        "area": ZX_TOWN, "title": "x", "skill": "电工", "provider": "县职校", "start": "2026-09-10",
        "end": "2026-09-01", "hours": 80, "cost_per_trainee": "2400", "places": 20,
    }  # fmt: skip
    answer = post(c, f"{BASE}/courses", bad)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"field": "end", "value": "2026-09-01", "message": "结业日期不能早于开班日期"}
    ]
    assert post(login(world.wz_admin), f"{BASE}/courses", bad | {"end": "2026-09-20"}).status_code == 404


def test_enrol_mark_attendance_complete_certify_and_pay_over_the_api(world, course, poor):
    officer, admin = login(world.zx_township), login(world.zx_admin)
    enrolled = post(officer, f"{BASE}/courses/{course.pk}/enrolments", {"id_number": poor.id_number})
    assert enrolled.status_code == 201
    e = enrolled.json()["id"]
    again = post(officer, f"{BASE}/courses/{course.pk}/enrolments", {"id_number": poor.id_number})
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "id_number"
    for day in range(1, 11):
        sheet = {"day": f"2026-09-{day:02d}", "present": [{"enrolment": e}]}
        assert post(officer, f"{BASE}/courses/{course.pk}/attendance", sheet).json()["present"] == 1
    outside = post(officer, f"{BASE}/courses/{course.pk}/attendance", {"day": "2026-08-01", "present": []})
    assert outside.status_code == 422
    done = post(officer, f"{BASE}/enrolments/{e}/complete", {"completed_on": str(END)})
    assert done.json()["completed_on"] == str(END) and done.json()["allowance_due"] == "250.00"
    cert = post(
        officer,
        f"{BASE}/enrolments/{e}/certificate",
        {"kind": "skill_level", "number": "S1", "date": str(END)},
    )
    assert cert.json()["certificate_number"] == "S1"
    too_much = post(
        admin, f"{BASE}/enrolments/{e}/payments", {"paid_on": str(END), "amount": "251", "reference": "P1"}
    )
    assert too_much.status_code == 422 and too_much.json()["detail"][0]["field"] == "amount"
    paid = post(
        admin, f"{BASE}/enrolments/{e}/payments", {"paid_on": str(END), "amount": "250", "reference": "P1"}
    )
    assert paid.status_code == 201
    assert (
        post(
            officer,
            f"{BASE}/enrolments/{e}/payments",
            {"paid_on": str(END), "amount": "1", "reference": "P2"},
        ).status_code
        == 404
    )
    read = admin.get(f"{BASE}/enrolments/{e}").json()
    assert (read["allowance_outstanding"], len(read["payments"]), read["rule"]["kind"]) == (
        "0.00",
        1,
        "training_allowance",
    )
    rows = officer.get(f"{BASE}/courses/{course.pk}/enrolments").json()
    assert [r["days"] for r in rows] == [10]
    assert login(world.wz_admin).get(f"{BASE}/enrolments/{e}").status_code == 404
    outcomes = admin.get(f"{BASE}/outcomes").json()
    assert outcomes["courses"][0]["completed"] == 1 and outcomes["areas"][0]["label"] == "泼机镇"


def test_rain_dew_over_the_api(world, households):
    child = registry.member_add(
        actor=world.zx_cadre1, household=households["v1"], person=person("20090401", name="小刚"),
        relation="child", joined=START.replace(year=2020),
    ).person  # fmt: skip
    cadre = login(world.zx_cadre1)
    body = {
        "id_number": child.id_number,
        "school": "县职业高级中学",
        "programme": "secondary_vocational",
        "school_year": 2026,
    }
    made = post(cadre, f"{BASE}/rain-dew", body)
    assert made.status_code == 201 and made.json()["grant"] == "3000.00"
    again = post(cadre, f"{BASE}/rain-dew", body)
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "school_year"
    pk = made.json()["id"]
    admin = login(world.zx_admin)
    assert (
        post(
            admin,
            f"{BASE}/rain-dew/{pk}/payments",
            {"paid_on": "2026-10-01", "amount": "3000", "reference": "Y1"},
        ).status_code
        == 201
    )
    assert admin.get(f"{BASE}/rain-dew").json()["items"][0]["paid"] == "3000.00"
    assert login(world.wz_admin).get(f"{BASE}/rain-dew/{pk}").status_code == 404
    assert login(world.wz_admin).get(f"{BASE}/rain-dew").json()["count"] == 0


def test_a_bearer_token_works_like_the_session(world, course):
    from django.test import Client

    from lnob.core.models import ApiToken

    _token, secret = ApiToken.issue(user=world.zx_township, name="test")
    answer = Client().get(f"{BASE}/courses", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200 and answer.json()["count"] == 1
    assert Client().get(f"{BASE}/courses").status_code == 401
