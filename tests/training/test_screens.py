"""The screens: each shows only what the user may see (another county gets nothing, a detail
outside one's areas is not found), and each form puts a refusal back on its field."""

from __future__ import annotations

import datetime as dt

import pytest

from lnob.employment.training import services
from lnob.employment.training.models import Attendance, Course, Enrolment, RainDewStudent
from lnob.registry import services as registry
from tests.personas import ZX_TOWN, person

from .conftest import END, START, attend, login


@pytest.fixture
def enrolled(world, course, poor, ordinary):
    return [
        services.enrolment_create(actor=world.zx_township, course=course, person=p) for p in (poor, ordinary)
    ]


def test_the_course_list_shows_the_users_courses_and_nothing_to_another_county(world, course, wz_course):
    page = login(world.zx_cadre1).get("/employment/training/")
    assert page.status_code == 200 and course.title in page.text and wz_course.title not in page.text
    other = login(world.wz_cadre).get("/employment/training/")
    assert course.title not in other.text and wz_course.title in other.text
    assert login(world.nobody).get("/employment/training/").status_code == 404


def test_a_course_page_shows_the_rule_with_its_source_and_only_the_users_trainees(world, course, enrolled):
    page = login(world.zx_cadre1).get(f"/employment/training/courses/{course.pk}/")
    assert page.status_code == 200
    assert "培训期间生活费补贴" in page.text and "heetzguy.com" in page.text
    assert enrolled[0].person.name in page.text
    assert page.text.count('data-testid="enrolment-row"') == 1  # 海子村's trainee is not theirs
    assert login(world.wz_admin).get(f"/employment/training/courses/{course.pk}/").status_code == 404


def test_details_outside_ones_areas_are_not_found(world, course, enrolled):
    mine, theirs = enrolled
    c = login(world.zx_cadre1)
    assert c.get(f"/employment/training/enrolments/{mine.pk}/").status_code == 200
    assert c.get(f"/employment/training/enrolments/{theirs.pk}/").status_code == 404
    assert (
        c.get(f"/employment/training/courses/{course.pk}/attendance/").status_code == 404
    )  # not its manager
    for url in (
        f"/employment/training/enrolments/{mine.pk}/",
        f"/employment/training/courses/{course.pk}/edit/",
    ):
        assert login(world.wz_admin).get(url).status_code == 404
    assert login(world.zx_township).get("/employment/training/payments/").status_code == 404


def test_an_officer_creates_a_course_and_a_bad_one_is_refused_on_its_field(world):
    c = login(world.zx_township)
    form = {
        "area": ZX_TOWN, "title": "育婴员培训班", "skill": "育婴员", "provider": "县妇联", "mode": "offline",
        "start": "2026-10-01", "end": "2026-09-01", "hours": "40", "cost_per_trainee": "600", "places": "20",
        "status": "planned",
    }  # fmt: skip
    refused = c.post("/employment/training/courses/new/", form)
    assert refused.status_code == 200 and "结业日期不能早于开班日期" in refused.text
    assert not Course.objects.exists()
    done = c.post("/employment/training/courses/new/", form | {"end": "2026-10-05"})
    course = Course.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/employment/training/courses/{course.pk}/"


def test_enrolling_by_resident_id_on_the_course_page(world, course, poor):
    c = login(world.zx_township)
    url = f"/employment/training/courses/{course.pk}/enrol/"
    refused = c.post(url, {"id_number": "530627199001011234"})
    assert refused.status_code == 422 and "此人未登记或不在您的管辖范围内" in refused.text
    assert c.post(url, {"id_number": poor.id_number}).status_code == 302
    again = c.post(url, {"id_number": poor.id_number})
    assert again.status_code == 422 and "此人已报名该培训班" in again.text
    assert Enrolment.objects.filter(course=course).count() == 1


def test_enrolling_from_the_persons_page(world, course, poor):
    c = login(world.zx_cadre1)
    page = c.get(f"/employment/training/persons/{poor.pk}/enrol/")
    assert page.status_code == 200 and course.title in page.text
    assert c.post(f"/employment/training/persons/{poor.pk}/enrol/", {"course": course.pk}).status_code == 302
    assert Enrolment.objects.filter(course=course, person=poor).exists()
    assert login(world.wz_cadre).get(f"/employment/training/persons/{poor.pk}/enrol/").status_code == 404


def test_the_attendance_sheet_saves_the_day_and_refuses_a_day_outside_the_course(world, course, enrolled):
    c = login(world.zx_township)
    url = f"/employment/training/courses/{course.pk}/attendance/"
    saved = c.post(url, {"day": START.isoformat(), f"present_{enrolled[0].pk}": "1"})
    assert saved.status_code == 302
    assert list(Attendance.objects.values_list("enrolment_id", "day")) == [(enrolled[0].pk, START)]
    page = c.get(f"{url}?day={START.isoformat()}")
    assert "出勤 1 / 2 人" in page.text
    refused = c.post(url, {"day": "2026-08-01", f"present_{enrolled[0].pk}": "1"})
    assert refused.status_code == 422 and "日期不在培训期内" in refused.text


def test_completion_certificate_and_payment_forms_refuse_on_their_fields(world, course, enrolled):
    e = enrolled[0]
    attend(world.zx_township, course, [e], 6)
    officer = login(world.zx_township)
    url = f"/employment/training/enrolments/{e.pk}/"
    refused = officer.post(f"{url}complete/", {"completed_on": END.isoformat()})
    assert refused.status_code == 422 and "出勤比例 60% 低于结业要求 80%" in refused.text
    attend(world.zx_township, course, [e], 10)
    assert officer.post(f"{url}complete/", {"completed_on": END.isoformat()}).status_code == 302
    cert = {"certificate_kind": "skill_level", "certificate_number": "S1", "certificate_date": "2099-01-01"}
    assert officer.post(f"{url}certificate/", cert).status_code == 422
    assert officer.post(f"{url}certificate/", cert | {"certificate_date": END.isoformat()}).status_code == 302
    admin = login(world.zx_admin)
    too_much = admin.post(f"{url}pay/", {"paid_on": END.isoformat(), "amount": "300", "reference": "PZ1"})
    assert too_much.status_code == 422 and "超过应发金额：尚可发放 250.00 元" in too_much.text
    assert (
        admin.post(
            f"{url}pay/", {"paid_on": END.isoformat(), "amount": "250", "reference": "PZ1"}
        ).status_code
        == 302
    )
    page = admin.get(url)
    assert "S1" in page.text and 'data-testid="due-outstanding">0.00' in page.text
    assert (
        officer.post(
            f"{url}pay/", {"paid_on": END.isoformat(), "amount": "1", "reference": "PZ2"}
        ).status_code
        == 404
    )


def test_the_allowance_payments_screen_lists_what_is_owed(world, course, enrolled):
    attend(world.zx_township, course, enrolled, 4)
    page = login(world.zx_admin).get("/employment/training/payments/")
    assert page.status_code == 200 and page.text.count('data-testid="due-row"') == 2 and "100.00" in page.text


def test_registering_a_rain_dew_student_and_a_refusal_on_the_form(world, households):
    child = registry.member_add(
        actor=world.zx_cadre2, household=households["v2"], person=person("20080301", name="小红"),
        relation="child", joined=dt.date(2020, 1, 1),
    ).person  # fmt: skip
    c = login(world.zx_cadre2)
    form = {
        "id_number": child.id_number,
        "school": "昭通卫生职业学院",
        "programme": "higher_vocational",
        "school_year": "2026",
    }
    refused = c.post("/employment/training/rain-dew/new/", form)
    assert refused.status_code == 422 and "不符合雨露计划条件" in refused.text
    own = registry.member_add(
        actor=world.zx_cadre1, household=households["v1"], person=person("20090401", name="小刚"),
        relation="child", joined=dt.date(2020, 1, 1),
    ).person  # fmt: skip
    c1 = login(world.zx_cadre1)
    assert c1.get(f"/employment/training/rain-dew/new/?person={own.pk}").status_code == 200
    done = c1.post("/employment/training/rain-dew/new/", form | {"id_number": own.id_number})
    student = RainDewStudent.objects.get()
    assert done.status_code == 302
    detail = c1.get(f"/employment/training/rain-dew/{student.pk}/")
    assert detail.status_code == 200 and "雨露计划职业教育补助" in detail.text and "3000" in detail.text
    assert "小刚" in c1.get("/employment/training/rain-dew/").text
    assert "小刚" not in login(world.zx_cadre2).get("/employment/training/rain-dew/").text
    assert login(world.wz_admin).get(f"/employment/training/rain-dew/{student.pk}/").status_code == 404
    admin = login(world.zx_admin)
    too_much = admin.post(
        f"/employment/training/rain-dew/{student.pk}/",
        {"paid_on": "2026-10-01", "amount": "3500", "reference": "YL1"},
    )
    assert too_much.status_code == 422 and "尚可发放 3000" in too_much.text
    assert (
        c1.post(
            f"/employment/training/rain-dew/{student.pk}/",
            {"paid_on": "2026-10-01", "amount": "1", "reference": "YL1"},
        ).status_code
        == 404
    )


def test_the_outcomes_screen_shows_areas_and_courses(world, course, enrolled):
    page = login(world.zx_admin).get("/employment/training/outcomes/")
    assert page.status_code == 200 and "泼机镇" in page.text and course.title in page.text
    assert course.title not in login(world.wz_admin).get("/employment/training/outcomes/").text


def test_anonymous_users_are_sent_to_log_in_and_an_auditor_opens_no_write_form(world, course, enrolled):
    from django.test import Client

    anonymous = Client().get("/employment/training/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    auditor = login(world.zx_auditor)
    here = f"/employment/training/courses/{course.pk}"
    assert auditor.get("/employment/training/").status_code == 200
    assert auditor.get(f"{here}/").status_code == 200
    for url in (
        "/employment/training/courses/new/",
        "/employment/training/rain-dew/new/",
        f"{here}/attendance/",
    ):
        assert auditor.get(url).status_code == 404, url
    assert auditor.get(f"{here}/edit/").status_code == 404
    enrolling = auditor.post(f"{here}/enrol/", {"id_number": enrolled[0].person.id_number})
    assert enrolling.status_code == 404
